"""Shared pieces of `make bench`: a result record and the way a benchmark script reports it.

Each ``benchmarks/bench_*.py`` is a script whose ``main()`` returns a list of :class:`Result`;
``benchmarks/run.py`` runs every script in its own process (so peak-memory figures and imports
do not leak between benchmarks), prints one table and writes ``benchmarks/results.json``.
"""

from __future__ import annotations

import json
import re
import statistics
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

MARKER = "ISDC-BENCH-RESULTS "


@dataclass
class Result:
    figure: str  # stable name: scripts compare figures across versions
    measured: float
    budget: float
    unit: str
    better: str  # "higher" or "lower"

    @property
    def ok(self) -> bool:
        if self.better == "higher":
            return self.measured >= self.budget
        return self.measured <= self.budget

    def as_json(self) -> dict:
        return {**asdict(self), "ok": self.ok}


def percentile(samples: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty sample list."""
    ordered = sorted(samples)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def median(samples: Sequence[float]) -> float:
    return statistics.median(samples)


def report(main: Callable[[], list[Result]]) -> None:
    """Entry point for a benchmark script: run it and hand its results to the runner."""
    results = main()
    for r in results:
        print(f"  {r.figure}: {r.measured:.4g} {r.unit} (budget {r.budget:g})", file=sys.stderr)
    print(MARKER + json.dumps([r.as_json() for r in results]))


def signed_in_client(app, username: str, password: str):  # type: ignore[no-untyped-def]
    """A Flask test client signed in through the login form (CSRF token and all)."""
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    response = client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token}
    )
    if response.status_code != 302:
        raise RuntimeError(f"sign-in failed with {response.status_code}")
    return client
