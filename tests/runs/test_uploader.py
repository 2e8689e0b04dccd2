"""Delivery with back-off: kept while the server is away, uploaded exactly once when it
returns, refused files set aside (a fake server and an injected clock: no real waiting)."""

from __future__ import annotations

import random

import pytest

from isdc.simulator.station.client import Rejected, TokenRefused, Unreachable, UploadAnswer
from isdc.simulator.station.outbox import Outbox
from isdc.simulator.station.uploader import Backoff, Uploader


class FakeServer:
    """Answers uploads like the API: down for the first ``down`` calls, then stores each run
    once (a repeat gets the first answer again)."""

    def __init__(self, down: int = 0, refuse: set[bytes] = frozenset()):
        self.down = down
        self.refuse = refuse
        self.calls = 0
        self.stored: dict[bytes, UploadAnswer] = {}

    def upload(self, data: bytes) -> UploadAnswer:
        self.calls += 1
        if self.calls <= self.down:
            raise Unreachable("cannot reach the server (connection failed)")
        if data in self.refuse:
            raise Rejected(422, "invalid_telemetry", "column 'speed' is missing")
        if data not in self.stored:
            self.stored[data] = UploadAnswer(f"run-{len(self.stored)}", 80.0, True, "u", False)
        return self.stored[data]


class Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def make_uploader(tmp_path, server, clock=None, seed=7):  # type: ignore[no-untyped-def]
    clock = clock or Clock()
    outbox = Outbox(tmp_path)
    backoff = Backoff(base=1.0, max_delay=60.0, rng=random.Random(seed))
    return Uploader(server, outbox, backoff=backoff, sleep=clock.sleep, clock=clock), outbox, clock


def test_back_off_doubles_with_jitter_up_to_the_cap() -> None:
    backoff = Backoff(base=1.0, max_delay=60.0, rng=random.Random(1))
    delays = [backoff.next_delay() for _ in range(10)]
    for n, delay in enumerate(delays):
        ceiling = min(60.0, 2.0**n)
        assert ceiling / 2 <= delay <= ceiling
    assert len(set(delays)) == len(delays)  # jittered, not in lock step
    backoff.reset()
    assert backoff.next_delay() <= 1.0


def test_with_the_server_down_the_file_is_kept(tmp_path) -> None:
    server = FakeServer(down=10**6)
    uploader, outbox, _ = make_uploader(tmp_path, server)
    path = outbox.put("a", b"run-a")
    result = uploader.deliver(path)
    assert result.problem and not result.done and path.exists()


def test_when_the_server_returns_every_file_is_uploaded_exactly_once(tmp_path) -> None:
    server = FakeServer(down=5)
    uploader, outbox, clock = make_uploader(tmp_path, server)
    for name in "abc":
        outbox.put(name, f"run-{name}".encode())
    delivered = uploader.drain()
    assert outbox.pending() == []
    assert sorted(server.stored) == [b"run-a", b"run-b", b"run-c"]
    assert len(delivered) == 3 and all(d.answer for d in delivered)
    assert server.calls == 5 + 3  # five refused connections, then one upload per file
    assert clock.sleeps == sorted(clock.sleeps) and len(clock.sleeps) == 5  # growing waits


def test_a_refused_file_is_set_aside_and_the_others_still_go(tmp_path) -> None:
    server = FakeServer(refuse={b"run-bad"})
    uploader, outbox, _ = make_uploader(tmp_path, server)
    outbox.put("bad", b"run-bad")
    outbox.put("good", b"run-good")
    delivered = uploader.drain()
    assert outbox.pending() == [] and [p.name for p in outbox.rejected()] == ["bad.isdc.npz"]
    assert {d.rejected is not None for d in delivered} == {True, False}
    assert b"run-good" in server.stored and server.calls == 2


def test_drain_gives_up_at_the_deadline_and_keeps_the_files(tmp_path) -> None:
    server = FakeServer(down=10**6)
    uploader, outbox, clock = make_uploader(tmp_path, server)
    path = outbox.put("a", b"run-a")
    assert uploader.drain(deadline=30.0) == []
    assert path.exists() and clock.now <= 30.0 and server.calls >= 3


def test_a_refused_token_stops_delivery_without_touching_the_files(tmp_path) -> None:
    class Revoked:
        def upload(self, data: bytes) -> UploadAnswer:
            raise TokenRefused("the server refused the station token")

    uploader, outbox, _ = make_uploader(tmp_path, Revoked())
    path = outbox.put("a", b"run-a")
    with pytest.raises(TokenRefused):
        uploader.drain()
    assert path.exists() and outbox.rejected() == []
