"""On-screen words in Indonesian (the default) and English (``--lang en``).

Event names come from the command line's table (``isdc.simulator.cli.EVENT_NAMES``) so the
window and the terminal call an infraction the same thing.
"""

from __future__ import annotations

from isdc.simulator.cli import EVENT_NAMES

STRINGS: dict[str, dict[str, str]] = {
    "app": {"id": "ISDC Simulator Mengemudi", "en": "ISDC Driving Simulator"},
    "trainee": {"id": "Peserta", "en": "Trainee"},
    "no_trainee": {"id": "latihan bebas", "en": "free practice"},
    "scenario": {"id": "Skenario", "en": "Scenario"},
    "vehicle": {"id": "Kendaraan", "en": "Vehicle"},
    "conditions": {"id": "Kondisi", "en": "Conditions"},
    "time_limit": {"id": "Batas waktu", "en": "Time limit"},
    "driver": {"id": "Pengemudi", "en": "Driver"},
    "press_start": {"id": "Tekan ENTER untuk mulai", "en": "Press ENTER to start"},
    "press_start_wheel": {
        "id": "Tekan ENTER atau tombol konfirmasi pada setir untuk mulai",
        "en": "Press ENTER or the wheel's confirm button to start",
    },
    "press_quit": {"id": "Esc: keluar", "en": "Esc: quit"},
    "press_finish": {"id": "Tekan ENTER untuk selesai", "en": "Press ENTER to finish"},
    "car": {"id": "mobil", "en": "car"},
    "motorcycle": {"id": "sepeda motor", "en": "motorcycle"},
    "truck": {"id": "truk", "en": "truck"},
    "dry": {"id": "kering", "en": "dry"},
    "rain": {"id": "hujan, jalan licin", "en": "rain, slippery road"},
    "day": {"id": "siang", "en": "day"},
    "dusk": {"id": "senja", "en": "dusk"},
    "night": {"id": "malam", "en": "night"},
    "visibility": {"id": "jarak pandang", "en": "visibility"},
    "limit": {"id": "Batas", "en": "Limit"},
    "kmh": {"id": "km/jam", "en": "km/h"},
    "time": {"id": "Waktu", "en": "Time"},
    "distance": {"id": "Jarak", "en": "Distance"},
    "throttle": {"id": "Gas", "en": "Throttle"},
    "brake": {"id": "Rem", "en": "Brake"},
    "steering": {"id": "Setir", "en": "Steering"},
    "school_zone": {"id": "ZONA SELAMAT SEKOLAH", "en": "SCHOOL SAFETY ZONE"},
    "paused": {"id": "JEDA", "en": "PAUSED"},
    "pause_help": {
        "id": "P atau ENTER: lanjut   ·   Q: akhiri latihan",
        "en": "P or ENTER: continue   ·   Q: end the run",
    },
    "quit_confirm": {
        "id": "Akhiri latihan? ENTER: ya, Esc: lanjut mengemudi",
        "en": "End the run? ENTER: yes, Esc: keep driving",
    },
    "result": {"id": "Hasil latihan", "en": "Run result"},
    "outcome": {"id": "Hasil", "en": "Outcome"},
    "duration": {"id": "Durasi", "en": "Duration"},
    "seconds": {"id": "dtk", "en": "s"},
    "route": {"id": "Jarak rute", "en": "Route distance"},
    "infractions": {"id": "Pelanggaran dan kejadian", "en": "Infractions and events"},
    "none": {"id": "tidak ada pelanggaran", "en": "no infractions"},
    "score": {"id": "Nilai", "en": "Score"},
    "passed": {"id": "LULUS", "en": "PASSED"},
    "failed": {"id": "TIDAK LULUS", "en": "NOT PASSED"},
    "findings": {"id": "Catatan", "en": "Findings"},
    "no_score": {
        "id": "Penilaian tidak tersedia pada instalasi ini",
        "en": "Scoring is not available in this installation",
    },
    "completed": {"id": "Selesai", "en": "Completed"},
    "timeout": {"id": "Waktu habis", "en": "Timed out"},
    "collision": {"id": "Tabrakan", "en": "Collision"},
    "aborted": {"id": "Dihentikan", "en": "Stopped"},
    "replay": {"id": "PUTAR ULANG", "en": "REPLAY"},
    "replay_help": {
        "id": "Spasi putar/jeda · kiri/kanan 5 dtk · , . satu langkah · atas/bawah kecepatan · Esc",
        "en": "Space play/pause · left/right 5 s · , . one step · up/down speed · Esc",
    },
    "replay_track_only": {
        "id": "Skenario telah berubah sejak rekaman: hanya lintasan kendaraan Anda yang ditampilkan",
        "en": "The scenario changed since the recording: only your vehicle's track is shown",
    },
    "countdown_go": {"id": "JALAN!", "en": "GO!"},
}

WARNING_KINDS = (
    "collision",
    "red_light",
    "amber_light",
    "stop_sign",
    "fail_to_yield",
    "off_road",
    "wrong_side",
    "solid_line",
)


def tr(key: str, lang: str) -> str:
    entry = STRINGS[key]
    return entry.get(lang) or entry["id"]


def event_name(kind: str, lang: str) -> str:
    return EVENT_NAMES.get(kind, {}).get(lang, kind)


def event_warning(event: dict, lang: str) -> str:
    """The warning line for an infraction event, e.g. "Tabrakan dengan kendaraan"."""
    kind = event["kind"]
    name = event_name(kind, lang)
    if kind == "collision":
        what = {
            "vehicle": {"id": "kendaraan", "en": "a vehicle"},
            "pedestrian": {"id": "pejalan kaki", "en": "a pedestrian"},
            "static": {"id": "benda", "en": "an object"},
        }.get(event.get("with", ""), {})
        if what:
            joiner = " dengan " if lang == "id" else " with "
            return name[0].upper() + name[1:] + joiner + what.get(lang, what["id"])
    return name[0].upper() + name[1:]
