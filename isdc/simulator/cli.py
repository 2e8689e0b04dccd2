"""`isdc-sim`: the simulator's command line (SPEC section 5).

Headless commands (``list``, ``run --headless``, ``export``) are served by the simulation core
here. The window, the keyboard and wheel drivers, ``replay`` and ``calibrate`` belong to the
pygame front end (``isdc.simulator.frontend``), ``station`` and ``upload`` to the station client
(``isdc.simulator.station``), ``score`` to the scoring engine (``isdc.scoring.cli`` adds the
subcommand itself); while a part is missing from the build its commands say so in one line and
exit with status 2.

Every error a user can cause (unknown scenario, bad scenario file, unwritable output, a file
that is not telemetry) is reported as ONE line on stderr with a non-zero exit, never a
traceback, and nothing half-written is left behind.
"""

from __future__ import annotations

import argparse
import csv
import importlib
import io
import json
import os
import sys
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from isdc import telemetry
from isdc.simulator.drivers import DRIVER_NAMES, FRONT_END_DRIVERS, make_driver
from isdc.simulator.scenario import ScenarioError, builtin_ids, load_scenario
from isdc.simulator.simulation import Simulation
from isdc.simulator.vehicle import VEHICLES

PROG = "isdc-sim"
EXIT_ERROR = 1  # bad input: the message names it
EXIT_MISSING = 2  # a part of the suite that this build does not have (also argparse usage)

MESSAGES = {
    "outcome": {"id": "Hasil", "en": "Outcome"},
    "duration": {"id": "Durasi", "en": "Duration"},
    "distance": {"id": "Jarak rute", "en": "Route distance"},
    "events": {"id": "Kejadian", "en": "Events"},
    "none": {"id": "tidak ada", "en": "none"},
    "saved": {"id": "Telemetri disimpan", "en": "Telemetry saved"},
    "completed": {"id": "selesai", "en": "completed"},
    "timeout": {"id": "waktu habis", "en": "timed out"},
    "collision": {"id": "tabrakan", "en": "collision"},
    "aborted": {"id": "dihentikan", "en": "aborted"},
}
EVENT_NAMES = {
    "collision": {"id": "tabrakan", "en": "collision"},
    "red_light": {"id": "menerobos lampu merah", "en": "ran a red light"},
    "amber_light": {"id": "menerobos lampu kuning", "en": "ran an amber light"},
    "stop_sign": {"id": "tidak berhenti di rambu STOP", "en": "did not stop at the STOP sign"},
    "fail_to_yield": {
        "id": "tidak memberi jalan kepada pejalan kaki",
        "en": "did not give way to a pedestrian",
    },  # fmt: skip
    "off_road": {"id": "keluar dari jalan", "en": "left the road"},
    "wrong_side": {
        "id": "di sisi kanan jalan (lajur lawan)",
        "en": "on the right-hand (wrong) side",
    },  # fmt: skip
    "solid_line": {"id": "melanggar marka garis utuh", "en": "crossed a solid line"},
    "hazard": {"id": "bahaya muncul", "en": "hazard"},
    "completed": {"id": "tujuan tercapai", "en": "goal reached"},
    "timeout": {"id": "waktu habis", "en": "time limit reached"},
    "aborted": {"id": "dihentikan", "en": "stopped"},
}


class CliError(Exception):
    """A problem the user can fix; printed as one line, exit status in ``code``."""

    def __init__(self, message: str, code: int = EXIT_ERROR):
        super().__init__(message)
        self.code = code


# ----------------------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, description="ISDC driving simulator: scenarios, runs, telemetry."
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser("list", help="scenario ids with titles")
    p.add_argument("--lang", choices=("id", "en"), default="id")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("run", help="run a scenario and record its telemetry")
    p.add_argument("scenario", help="built-in scenario id or the path of a .toml file")
    p.add_argument("--driver", choices=DRIVER_NAMES, default=None,
                   help="default: autopilot with --headless, keyboard otherwise")  # fmt: skip
    p.add_argument("--vehicle", choices=tuple(VEHICLES), default="car")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--headless", action="store_true", help="no window (autopilot drivers only)")
    p.add_argument("--out", type=Path, help="write the telemetry file here (.isdc.npz)")
    p.add_argument("--score", action="store_true", help="print the score report after the run")
    p.add_argument("--run-id", type=_run_id, help="UUID of the run (default: a new one)")
    p.add_argument("--started-at", help="ISO 8601 start time to record (default: the epoch)")
    p.add_argument("--trainee", help="trainee reference to record in the telemetry")
    p.add_argument("--station", help="station name to record in the telemetry")
    p.add_argument("--lang", choices=("id", "en"), default="id")
    p.add_argument("--fullscreen", action="store_true", help="window: fill the screen")
    p.add_argument("--controls", type=Path, help="wheel mapping file (default: see calibrate)")
    p.set_defaults(func=cmd_run)

    scoring_cli = _optional("isdc.scoring.cli")
    if scoring_cli is not None and hasattr(scoring_cli, "add_parser"):
        scoring_cli.add_parser(sub)  # the scoring engine owns `score` and its options
    else:
        p = sub.add_parser("score", help="score a telemetry file")
        p.add_argument("file", type=Path)
        p.add_argument("--json", action="store_true", help="print the report as JSON")
        p.add_argument("--lang", choices=("id", "en"), default="id")
        p.set_defaults(func=cmd_score)

    p = sub.add_parser("replay", help="play a telemetry file back in the window")
    p.add_argument("file", type=Path)
    p.add_argument("--at", type=float, help="time (s) of the frame to render with --png")
    p.add_argument("--png", type=Path, help="render the frame at --at to this PNG, headless")
    p.add_argument("--lang", choices=("id", "en"), default="id")
    p.set_defaults(func=cmd_replay)

    p = sub.add_parser("export", help="write a telemetry file as CSV for spreadsheets")
    p.add_argument("file", type=Path)
    p.add_argument("--csv", type=Path, required=True, help="samples CSV to write")
    p.add_argument("--events", type=Path, help="events CSV (default: next to --csv)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("calibrate", help="map a wheel's or gamepad's axes and buttons")
    p.add_argument("--controls", type=Path,
                   help="mapping file to write (default: $ISDC_CONTROLS, else "
                        "~/.config/isdc/controls.toml)")  # fmt: skip
    p.add_argument("--device", type=int, default=0, help="joystick number when several")
    p.add_argument("--lang", choices=("id", "en"), default="id")
    p.set_defaults(func=cmd_calibrate)

    p = sub.add_parser("station", help="station mode: fetch assignment, run, upload, repeat")
    p.add_argument("--server", required=True)
    p.add_argument("--token", required=True)
    p.set_defaults(func=cmd_station)

    p = sub.add_parser("upload", help="upload one telemetry file to the back office")
    p.add_argument("file", type=Path)
    p.add_argument("--server", required=True)
    p.add_argument("--token", required=True)
    p.set_defaults(func=cmd_upload)
    return parser


def _run_id(text: str) -> str:
    try:
        return str(uuid.UUID(text))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a UUID: {text!r}") from None


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except CliError as exc:
        print(f"{PROG} {args.command}: {exc}", file=sys.stderr)
        return exc.code
    except ScenarioError as exc:
        print(f"{PROG} {args.command}: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except telemetry.TelemetryError as exc:
        print(f"{PROG} {args.command}: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print(f"{PROG} {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`isdc-sim list | head`): stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


# ----------------------------------------------------------------------------- commands


def cmd_list(args: argparse.Namespace) -> int:
    for sid in builtin_ids():
        sc = load_scenario(sid)
        indent = "  " if sc.variant else ""
        print(f"{indent}{sid:<22}{sc.title(args.lang)}")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    driver_name = args.driver or ("autopilot" if args.headless else "keyboard")
    if args.headless and driver_name in FRONT_END_DRIVERS:
        raise CliError(
            f"the {driver_name} driver needs the window; drop --headless or use "
            "--driver autopilot / autopilot-aggressive",
            EXIT_MISSING,
        )
    scenario = load_scenario(args.scenario)  # bad ids and files stop here, before any work
    if args.out is not None:
        _check_writable(args.out)
    if args.score:
        _scoring()  # refuse now rather than after the run
    if not args.headless:
        frontend = _frontend("run")
        return int(frontend.run(args, scenario) or 0)
    sim = Simulation(
        scenario,
        args.vehicle,
        args.seed,
        driver=driver_name,
        run_id=args.run_id,
        started_at=args.started_at,
        station=args.station,
        trainee=args.trainee,
    )
    tel = sim.run(make_driver(driver_name))
    print_summary(tel, scenario.title(args.lang), args.lang)
    if args.out is not None:
        try:
            path = telemetry.write(args.out, tel)
        except OSError as exc:
            raise CliError(f"cannot write {args.out}: {exc.strerror or exc}") from None
        print(f"{MESSAGES['saved'][args.lang]}: {path}")
    if args.score:
        sys.stdout.write(format_score(tel, args.lang).rstrip("\n") + "\n")
    return 0


def print_summary(tel: telemetry.Telemetry, title: str, lang: str) -> None:
    h = tel.header
    outcome = MESSAGES.get(h["outcome"], {}).get(lang, h["outcome"])
    print(f"{h['scenario']['id']}: {title}")
    print(f"  {MESSAGES['outcome'][lang]}: {outcome}")
    print(f"  {MESSAGES['duration'][lang]}: {tel.duration_s:.1f} s")
    route = float(tel["route_s"][-1]) if tel.ticks else 0.0
    print(f"  {MESSAGES['distance'][lang]}: {route:.0f} / {h['route_length_m']:.0f} m")
    shown = [e for e in tel.events if e["kind"] not in ("completed",)]
    print(f"  {MESSAGES['events'][lang]}:" + ("" if shown else f" {MESSAGES['none'][lang]}"))
    for e in shown:
        name = EVENT_NAMES.get(e["kind"], {}).get(lang, e["kind"])
        extra = e.get("with") or e.get("id") or ""
        print(f"    {e['t']:7.2f} s  {name}{f' ({extra})' if extra else ''}")


def cmd_export(args: argparse.Namespace) -> int:
    tel = telemetry.read(args.file)
    out = args.csv
    events_out = args.events or out.with_name(out.stem + ".events.csv")
    _check_writable(out)
    _check_writable(events_out)
    try:
        telemetry.write_csv(tel, out)
        telemetry.write_bytes_atomic(events_out, events_csv(tel).encode("utf-8"))
    except OSError as exc:
        raise CliError(f"cannot write CSV: {exc.strerror or exc}") from None
    print(f"{out} ({tel.ticks} rows), {events_out} ({len(tel.events)} events)")
    return 0


def events_csv(tel: telemetry.Telemetry) -> str:
    """Events as CSV: t, kind, x, y, then the remaining details as one JSON column."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["t [s]", "kind", "x [m]", "y [m]", "details"])
    for e in tel.events:
        rest = {k: v for k, v in e.items() if k not in ("t", "kind", "x", "y")}
        writer.writerow([repr(round(e["t"], 4)), e["kind"], repr(round(e["x"], 3)),
                         repr(round(e["y"], 3)), json.dumps(rest, ensure_ascii=False)])  # fmt: skip
    return buf.getvalue()


def cmd_score(args: argparse.Namespace) -> int:
    raise CliError("the scoring engine is not installed in this build", EXIT_MISSING)


def cmd_replay(args: argparse.Namespace) -> int:
    if (args.at is None) != (args.png is None):
        raise CliError("--at and --png go together (render the frame at T to a PNG)")
    telemetry.read(args.file)  # a bad file is reported even without the front end
    return int(_frontend("replay").replay(args) or 0)


def cmd_calibrate(args: argparse.Namespace) -> int:
    return int(_frontend("calibrate").calibrate(args) or 0)


def cmd_station(args: argparse.Namespace) -> int:
    return int(_station("station").station(args) or 0)


def cmd_upload(args: argparse.Namespace) -> int:
    telemetry.read(args.file)
    return int(_station("upload").upload(args) or 0)


# ----------------------------------------------------------------------------- helpers


def _optional(module: str) -> Any:
    """Import a part of the suite that a build may not have; None when it is absent."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and (module == exc.name or module.startswith(exc.name + ".")):
            return None
        raise


def _frontend(command: str) -> Any:
    mod = _optional("isdc.simulator.frontend")
    if mod is None or not hasattr(mod, command):
        raise CliError(
            "the pygame front end is not installed in this build"
            + ("; use --headless with an autopilot driver" if command == "run" else ""),
            EXIT_MISSING,
        )
    return mod


def _station(command: str) -> Any:
    mod = _optional("isdc.simulator.station")
    if mod is None or not hasattr(mod, command):
        raise CliError("the station client is not installed in this build", EXIT_MISSING)
    return mod


def _scoring() -> Any:
    mod = _optional("isdc.scoring")
    if mod is None or not hasattr(mod, "score") or not hasattr(mod, "format_text"):
        raise CliError("the scoring engine is not installed in this build", EXIT_MISSING)
    return mod


def format_score(tel: telemetry.Telemetry, lang: str) -> str:
    """The score report of a run as text (the scoring engine's own format)."""
    scoring = _scoring()
    try:
        report = scoring.score(tel)
    except scoring.RubricError as exc:
        raise CliError(f"cannot score the run: {exc}") from None
    return str(scoring.format_text(report, lang))


def _check_writable(path: Path) -> None:
    """Refuse an output path we could not write, before spending time on the run."""
    parent = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise CliError(f"cannot write {path}: it is a directory")
    if not parent.exists():
        raise CliError(f"cannot write {path}: folder {parent} does not exist")
    if not parent.is_dir():
        raise CliError(f"cannot write {path}: {parent} is not a folder")
    if not os.access(parent, os.W_OK):
        raise CliError(f"cannot write {path}: folder {parent} is not writable")
    if path.exists() and not os.access(path, os.W_OK):
        raise CliError(f"cannot write {path}: permission denied")


if __name__ == "__main__":
    sys.exit(main())
