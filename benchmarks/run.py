"""`make bench`: run every benchmarks/bench_*.py in its own process, print one table, write
benchmarks/results.json as a list of {figure, measured, budget, unit, better, ok}."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from harness import MARKER  # noqa: E402


def main(argv: list[str]) -> int:
    only = set(argv)
    scripts = sorted(HERE.glob("bench_*.py"))
    if only:
        scripts = [s for s in scripts if s.stem in only or s.stem.removeprefix("bench_") in only]
    results: list[dict] = []
    failures: list[str] = []
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    for script in scripts:
        print(f"== {script.name}", file=sys.stderr, flush=True)
        proc = subprocess.run(
            [sys.executable, str(script)],
            cwd=HERE.parent,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        lines = [ln for ln in proc.stdout.splitlines() if ln.startswith(MARKER)]
        if proc.returncode != 0 or not lines:
            failures.append(f"{script.name} failed (exit {proc.returncode})")
            continue
        results.extend(json.loads(lines[-1][len(MARKER) :]))
    print_table(results)
    (HERE / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    for f in failures:
        print(f"error: {f}", file=sys.stderr)
    return 1 if failures else 0


def print_table(results: list[dict]) -> None:
    rows = [("figure", "measured", "budget", "unit", "ok")]
    for r in results:
        cmp = ">=" if r["better"] == "higher" else "<="
        rows.append(
            (
                r["figure"],
                f"{r['measured']:.4g}",
                f"{cmp} {r['budget']:g}",
                r["unit"],
                "yes" if r["ok"] else "NO",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    for i, row in enumerate(rows):
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))
        if i == 0:
            print("  ".join("-" * w for w in widths))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
