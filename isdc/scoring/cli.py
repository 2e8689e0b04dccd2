"""The `score` command: `isdc-sim score FILE [--json] [--lang id|en] [--rubric PATH]`.

The simulator's CLI mounts it with :func:`add_parser` and calls :func:`run`; ``python -m
isdc.scoring FILE`` runs it on its own. Bad input (not a telemetry file, truncated, unknown
format version, no rubric for the scenario) gives one line on stderr and exit status 1; a report
that was produced exits 0 whether the run passed or not (the pass/fail is in the report).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from isdc import telemetry
from isdc.scoring.engine import score
from isdc.scoring.report import format_text
from isdc.scoring.rubric import RubricError, load_rubric_file

EXIT_OK = 0
EXIT_BAD_INPUT = 1


def add_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("file", metavar="FILE", help="telemetry file (.isdc.npz)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--lang",
        choices=("id", "en"),
        default="id",
        help="language of the text report (default: id)",
    )
    parser.add_argument(
        "--rubric",
        metavar="PATH",
        help="score with this rubric file instead of the scenario's own",
    )
    return parser


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the `score` subcommand to a parent CLI; its handler is :func:`run`."""
    parser = subparsers.add_parser(
        "score",
        help="score a telemetry file",
        description="Score a telemetry file against its scenario's rubric.",
    )
    add_arguments(parser)
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Score ``args.file`` and print the report; returns the exit status."""
    try:
        tel = telemetry.read(args.file)
    except telemetry.TelemetryError as exc:
        return _fail(f"{args.file}: {exc}")
    try:
        rubric = load_rubric_file(args.rubric) if getattr(args, "rubric", None) else None
        report = score(tel, rubric)
    except RubricError as exc:
        return _fail(str(exc))
    except telemetry.TelemetryError as exc:  # read() validated it; kept for API callers' files
        return _fail(f"{args.file}: {exc}")
    if getattr(args, "json", False):
        json.dump(report.to_dict(), sys.stdout, ensure_ascii=False, indent=2, allow_nan=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(format_text(report, getattr(args, "lang", "id") or "id"))
    return EXIT_OK


def _fail(message: str) -> int:
    print(f"isdc-sim score: error: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m isdc.scoring", description="Score a telemetry file."
    )
    add_arguments(parser)
    return run(parser.parse_args(argv))
