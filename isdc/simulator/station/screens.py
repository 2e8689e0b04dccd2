"""What a station shows between runs: waiting (with the bay's name), the brief, the score.

``TextScreen`` writes these as lines on standard output (headless stations, tests, logs). A
pygame front end can provide full-screen versions with the same methods; station mode uses
``isdc.simulator.frontend.StationScreen`` when the front end has one and the station is not
headless.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any, Protocol, TextIO

WORDS = {
    "waiting": {"id": "Menunggu tugas berikutnya", "en": "Waiting for the next assignment"},
    "bay": {"id": "Bay", "en": "Bay"},
    "station": {"id": "Stasiun", "en": "Station"},
    "trainee": {"id": "Peserta", "en": "Trainee"},
    "scenario": {"id": "Skenario", "en": "Scenario"},
    "vehicle": {"id": "Kendaraan", "en": "Vehicle"},
    "driving": {"id": "Mengemudi", "en": "Driving"},
    "score": {"id": "Nilai", "en": "Score"},
    "passed": {"id": "LULUS", "en": "PASSED"},
    "failed": {"id": "TIDAK LULUS", "en": "NOT PASSED"},
    "report": {"id": "Laporan", "en": "Report"},
    "local": {
        "id": "nilai sementara dari stasiun; server belum menerima run ini",
        "en": "provisional score from the station; the server has not received this run yet",
    },
    "kept": {
        "id": "Run disimpan di outbox dan akan dikirim saat server kembali",
        "en": "The run is kept in the outbox and will be uploaded when the server returns",
    },
    "rejected": {"id": "Server menolak run ini", "en": "The server refused this run"},
}
VEHICLES = {
    "car": {"id": "mobil", "en": "car"},
    "motorcycle": {"id": "sepeda motor", "en": "motorcycle"},
    "truck": {"id": "truk", "en": "truck"},
}


@dataclass(frozen=True)
class RunSummary:
    score: float | None
    passed: bool | None
    report_url: str | None = None
    provisional: bool = False  # scored on the station: the server does not have it yet
    kept: bool = False  # waiting in the outbox
    rejected: str | None = None


class StationScreen(Protocol):
    def waiting(self, station: dict[str, Any]) -> None: ...
    def brief(self, assignment: dict[str, Any]) -> None: ...
    def driving(self, assignment: dict[str, Any]) -> None: ...
    def summary(self, assignment: dict[str, Any], result: RunSummary) -> None: ...
    def notice(self, text: str) -> None: ...
    def close(self) -> None: ...


class TextScreen:
    """The station's screens as text lines, in Indonesian or English."""

    def __init__(self, lang: str = "id", out: TextIO | None = None):
        self.lang = lang
        self.out = out or sys.stdout

    def _w(self, key: str) -> str:
        return WORDS[key][self.lang]

    def _print(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def waiting(self, station: dict[str, Any]) -> None:
        where = station.get("bay") or station.get("name")
        self._print(f"[{self._w('bay')}: {where} | {self._w('station')}: {station.get('name')}] "
                    f"{self._w('waiting')} ...")  # fmt: skip

    def brief(self, assignment: dict[str, Any]) -> None:
        sc = assignment["scenario"]
        vehicle = VEHICLES.get(assignment["vehicle"], {}).get(self.lang, assignment["vehicle"])
        self._print(f"{self._w('trainee')}: {assignment['trainee']['name']}")
        self._print(f"{self._w('scenario')}: {sc['title'].get(self.lang, sc['id'])} "
                    f"({self._w('vehicle')}: {vehicle})")  # fmt: skip
        self._print(sc["brief"].get(self.lang, ""))

    def driving(self, assignment: dict[str, Any]) -> None:
        self._print(f"{self._w('driving')} ...")

    def summary(self, assignment: dict[str, Any], result: RunSummary) -> None:
        if result.score is not None:
            verdict = self._w("passed") if result.passed else self._w("failed")
            score = f"{result.score:.1f}".replace(".", "," if self.lang == "id" else ".")
            line = f"{self._w('score')}: {score} / 100 - {verdict}"
            if result.provisional:
                line += f" ({self._w('local')})"
            self._print(line)
        if result.report_url:
            self._print(f"{self._w('report')}: {result.report_url}")
        if result.kept:
            self._print(self._w("kept"))
        if result.rejected:
            self._print(f"{self._w('rejected')}: {result.rejected}")

    def notice(self, text: str) -> None:
        self._print(text)

    def close(self) -> None:
        self.out.flush()
