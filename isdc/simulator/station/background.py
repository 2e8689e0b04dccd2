"""Requests to the server in a worker thread, so a window stays alive while the server is slow.

A bay's window must keep drawing its clock and answering Esc while a request waits for a server
that is down (a connect timeout can take many seconds). :class:`BackgroundClient` runs each
request of a :class:`~isdc.simulator.station.client.ServerApi` in a short-lived worker thread
and calls ``pump`` (one frame of the window) on the calling thread until it is done. The worker
only does HTTP: everything on screen stays on the thread that owns the window.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from isdc.simulator.station.client import ApiError, ServerApi, UploadAnswer

T = TypeVar("T")
# A request that is this quick never waits for a frame of the window.
QUICK_S = 0.02


def while_pumping(request: Callable[[], T], pump: Callable[[], None]) -> T:
    """Run ``request`` in a worker thread, calling ``pump`` until it returns; its result, or
    its exception raised here. An exception from ``pump`` (the operator left) propagates at
    once; the worker is a daemon and cannot keep the station from exiting."""
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["result"] = request()
        except BaseException as exc:  # noqa: BLE001 - handed to the calling thread as it is
            outcome["error"] = exc

    worker = threading.Thread(target=work, name="isdc-station-request", daemon=True)
    worker.start()
    worker.join(QUICK_S)
    while worker.is_alive():
        pump()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


class BackgroundClient:
    """A :class:`ServerApi` whose requests run in a worker thread while ``pump`` keeps the
    window alive; ``observe`` hears each outcome (None for an answer, else the
    :class:`~isdc.simulator.station.client.ApiError`) so the window can show whether the
    server is reachable."""

    def __init__(
        self,
        client: ServerApi,
        pump: Callable[[], None],
        observe: Callable[[ApiError | None], None] = lambda outcome: None,
    ):
        self.client = client
        self.pump = pump
        self.observe = observe

    def _call(self, request: Callable[[], T]) -> T:
        try:
            result = while_pumping(request, self.pump)
        except ApiError as exc:  # the server's answer (or none); not the operator leaving
            self.observe(exc)
            raise
        self.observe(None)
        return result

    def station(self) -> dict[str, Any]:
        return self._call(self.client.station)

    def next_assignment(self) -> dict[str, Any] | None:
        return self._call(self.client.next_assignment)

    def upload(self, data: bytes) -> UploadAnswer:
        return self._call(lambda: self.client.upload(data))

    def report(self, run_id: str) -> dict[str, Any]:
        return self._call(lambda: self.client.report(run_id))
