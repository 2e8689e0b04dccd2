"""Delivering the outbox: each file until the server acknowledges it, with back-off.

While the server cannot be reached, attempts are spaced by exponential back-off with jitter
(``base * 2**n`` capped at ``max_delay``, each wait drawn between half and all of it, so a room
of stations coming back together does not hammer the server in step). The clock, the sleep and
the random source are injectable, so tests run instantly and deterministically.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from isdc.simulator.station.client import (
    Rejected,
    StationClient,
    TokenRefused,
    Unreachable,
    UploadAnswer,
)
from isdc.simulator.station.outbox import Outbox


@dataclass
class Delivery:
    """What happened to one file."""

    path: Path
    answer: UploadAnswer | None = None  # acknowledged
    rejected: str | None = None  # moved to rejected/ with this reason
    problem: str | None = None  # kept for later (server unreachable)

    @property
    def done(self) -> bool:
        return self.answer is not None or self.rejected is not None


@dataclass
class Backoff:
    """Exponential back-off with jitter; ``next_delay()`` grows, ``reset()`` after a success."""

    base: float = 1.0
    max_delay: float = 300.0
    rng: random.Random = field(default_factory=random.Random)
    failures: int = 0

    def next_delay(self) -> float:
        ceiling = min(self.max_delay, self.base * 2**self.failures)
        self.failures += 1
        return ceiling * (0.5 + 0.5 * self.rng.random())

    def reset(self) -> None:
        self.failures = 0


class Uploader:
    def __init__(
        self,
        client: StationClient,
        outbox: Outbox,
        *,
        backoff: Backoff | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        log: Callable[[str], None] = lambda message: None,
    ):
        self.client = client
        self.outbox = outbox
        self.backoff = backoff or Backoff()
        self.sleep = sleep
        self.clock = clock
        self.log = log

    def deliver(self, path: Path) -> Delivery:
        """Try one file once. TokenRefused propagates (nothing can be delivered without it)."""
        try:
            data = path.read_bytes()
        except FileNotFoundError:  # delivered meanwhile by another process
            return Delivery(path, problem="no longer in the outbox")
        try:
            answer = self.client.upload(data)
        except Unreachable as exc:
            return Delivery(path, problem=str(exc))
        except Rejected as exc:
            self.outbox.reject(path, str(exc))
            self.log(
                f"{path.name}: rejected by the server ({exc}); moved to {self.outbox.rejected_folder}"
            )
            return Delivery(path, rejected=str(exc))
        self.outbox.acknowledge(path)
        self.backoff.reset()
        return Delivery(path, answer=answer)

    def flush(self) -> list[Delivery]:
        """One pass over the outbox, oldest first; stops at the first unreachable answer."""
        results = []
        for path in self.outbox.pending():
            result = self.deliver(path)
            results.append(result)
            if result.problem is not None and path.exists():
                break
        return results

    def drain(self, deadline: float | None = None) -> list[Delivery]:
        """Deliver every file, waiting with back-off while the server is away.

        Returns when the outbox is empty, or when ``deadline`` (a ``clock()`` value) would
        pass before the next try; the files not delivered then are still in the outbox.
        """
        delivered: list[Delivery] = []
        while True:
            results = self.flush()
            delivered.extend(r for r in results if r.done)
            if not self.outbox.pending():
                return delivered
            delay = self.backoff.next_delay()
            if deadline is not None and self.clock() + delay > deadline:
                return delivered
            problem = next((r.problem for r in results if r.problem), "server unreachable")
            self.log(f"{len(self.outbox.pending())} run(s) waiting in the outbox: {problem}; "
                     f"next try in {delay:.0f} s")  # fmt: skip
            self.sleep(delay)


__all__ = ["Backoff", "Delivery", "TokenRefused", "Uploader"]
