"""The ISDC telemetry file: one simulator run, self-describing and readable with numpy alone.

A telemetry file is a ZIP archive (deflate-compressed) holding

* ``header.json`` - format name and version, run metadata and the column catalogue;
* ``events.json`` - the list of events (collisions, red lights, hazards, completion, ...);
* ``<column>.npy`` - one numpy array per column, all of length ``header["ticks"]``.

Because the arrays are ``.npy`` members of a ZIP, ``numpy.load(path)`` opens a file without this
package (``np.load(f)["speed"]``, ``json.loads(np.load(f)["header.json"])``). Columns are stored one
per member, not as one row-major table, because adjacent values of one signal compress far better.
The format is documented for readers outside this project in ``docs/telemetry.md``.

This module is shared by the simulator (writes), scoring (reads) and the web server (validates
uploads), so it must stay free of pygame, Flask and the database.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
import os
import tempfile
import uuid
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

FORMAT = "isdc-telemetry"
FORMAT_VERSION = 1
SUFFIX = ".isdc.npz"

# A 10-minute run at 60 Hz is about 1 MB; a hard ceiling on the unpacked size keeps a hostile or
# broken upload (a "zip bomb") from exhausting memory before it is rejected.
MAX_UNPACKED_BYTES = 256 * 1024 * 1024
MAX_EVENTS = 100_000


@dataclass(frozen=True)
class Column:
    name: str
    unit: str
    dtype: str
    description: str


# The columns every telemetry file of this version carries, in recording order. Units are SI;
# angles in radians, counter-clockwise positive; world x east, y north. NaN marks "not
# applicable" (no lead vehicle, off any lane).
COLUMNS: tuple[Column, ...] = (
    Column("t", "s", "float64", "simulated time since the start of the run"),
    Column("x", "m", "float32", "ego position, world x (east)"),
    Column("y", "m", "float32", "ego position, world y (north)"),
    Column("heading", "rad", "float32", "ego heading, 0 = east, counter-clockwise positive"),
    Column("speed", "m/s", "float32", "ego speed over ground"),
    Column("accel_lon", "m/s^2", "float32", "longitudinal acceleration, positive forward"),
    Column("accel_lat", "m/s^2", "float32", "lateral acceleration, positive to the left"),
    Column("yaw_rate", "rad/s", "float32", "yaw rate, positive counter-clockwise (turning left)"),
    Column("steering", "1", "float32", "steering input, -1 full right .. +1 full left"),
    Column("throttle", "1", "float32", "throttle input, 0 .. 1"),
    Column("brake", "1", "float32", "brake input, 0 .. 1"),
    Column(
        "lane_offset",
        "m",
        "float32",
        "lateral offset of the ego centre from the centre of its lane, positive to the left; "
        "NaN when off every lane",
    ),
    Column(
        "lane_width", "m", "float32", "width of the ego's current lane; NaN when off every lane"
    ),
    Column("route_s", "m", "float32", "distance travelled along the scenario's route"),
    Column("speed_limit", "m/s", "float32", "speed limit in force at the ego position"),
    Column(
        "lead_gap",
        "m",
        "float32",
        "bumper-to-bumper gap to the vehicle ahead in the ego's lane; NaN when there is none",
    ),
    Column(
        "lead_closing",
        "m/s",
        "float32",
        "closing speed to the vehicle ahead (ego speed minus lead speed, positive = closing); "
        "NaN when there is none",
    ),
    Column("friction", "1", "float32", "tyre-road friction coefficient mu at the ego position"),
    Column("school_zone", "bool", "uint8", "1 inside a school zone (ZoSS), else 0"),
)
COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)
COLUMN_INDEX: dict[str, int] = {name: i for i, name in enumerate(COLUMN_NAMES)}

# Event kinds the simulator emits. Every event has "t" (s), "kind", "x", "y" (m); some carry more.
EVENT_KINDS: dict[str, str] = {
    "collision": "contact with another road user or object; 'with' is vehicle|pedestrian|static",
    "red_light": "stop line crossed while the signal showed red",
    "amber_light": "stop line crossed on amber when a comfortable stop was possible",
    "stop_sign": "passed a stop sign's line without coming to a stop",
    "fail_to_yield": "did not give way to a pedestrian on or entering a zebra crossing",
    "off_road": "left the carriageway",
    "wrong_side": "drove on the right-hand (wrong) side of the road",
    "solid_line": "changed lane across a solid lane line (UU 22/2009 Pasal 287(1) jo 106(4)b)",
    "hazard": "a hazard began (pedestrian steps out, lead car brakes); 'id' names it",
    "completed": "the scenario's goal was reached",
    "timeout": "the scenario's time limit ran out",
    "aborted": "the run was stopped before its end (operator or driver quit)",
}

# Header fields: name -> accepted Python types (None allowed where a field is optional).
_HEADER_FIELDS: dict[str, tuple[type, ...]] = {
    "format": (str,),
    "version": (int,),
    "run_id": (str,),
    "scenario": (dict,),
    "seed": (int,),
    "vehicle": (str,),
    "driver": (str,),
    "station": (str, type(None)),
    "trainee": (str, type(None)),
    "assignment": (int, str, type(None)),
    "started_at": (str,),
    "tick_rate": (int, float),
    "simulator_version": (str,),
    "ticks": (int,),
    "duration_s": (int, float),
    "route_length_m": (int, float),
    "outcome": (str,),
    "conditions": (dict,),
    "columns": (list,),
}
OUTCOMES = ("completed", "timeout", "collision", "aborted")


class TelemetryError(ValueError):
    """A telemetry file that cannot be used; the message names the problem for a person."""


@dataclass
class Telemetry:
    """One run: metadata, per-tick columns (numpy arrays) and events."""

    header: dict[str, Any]
    columns: dict[str, np.ndarray]
    events: list[dict[str, Any]] = field(default_factory=list)

    def __getitem__(self, name: str) -> np.ndarray:
        return self.columns[name]

    @property
    def ticks(self) -> int:
        return int(self.header["ticks"])

    @property
    def run_id(self) -> str:
        return str(self.header["run_id"])

    @property
    def scenario_id(self) -> str:
        return str(self.header["scenario"]["id"])

    @property
    def duration_s(self) -> float:
        return float(self.header["duration_s"])

    def events_of(self, *kinds: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e["kind"] in kinds]

    def metadata(self) -> dict[str, Any]:
        """The header without the column catalogue: what a score report repeats as ``run``."""
        return {k: v for k, v in self.header.items() if k != "columns"}


def new_header(
    *,
    scenario_id: str,
    scenario_version: int | str,
    seed: int,
    vehicle: str,
    driver: str,
    tick_rate: float,
    started_at: str,
    simulator_version: str,
    run_id: str | None = None,
    station: str | None = None,
    trainee: str | None = None,
    assignment: int | str | None = None,
    route_length_m: float = 0.0,
    conditions: dict[str, Any] | None = None,
    scenario_title: str | None = None,
) -> dict[str, Any]:
    """A header for a new run; ``ticks``, ``duration_s`` and ``outcome`` are set when it ends."""
    scenario: dict[str, Any] = {"id": scenario_id, "version": scenario_version}
    if scenario_title:
        scenario["title"] = scenario_title
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "run_id": run_id or str(uuid.uuid4()),
        "scenario": scenario,
        "seed": int(seed),
        "vehicle": vehicle,
        "driver": driver,
        "station": station,
        "trainee": trainee,
        "assignment": assignment,
        "started_at": started_at,
        "tick_rate": tick_rate,
        "simulator_version": simulator_version,
        "ticks": 0,
        "duration_s": 0.0,
        "route_length_m": float(route_length_m),
        "outcome": "aborted",
        "conditions": dict(conditions or {}),
        "columns": [c.__dict__.copy() for c in COLUMNS],
    }


class Recorder:
    """Collects one row per tick into a growing float64 buffer; cheap enough for every tick.

    Rows are tuples in ``COLUMN_NAMES`` order; the buffer doubles when full so that recording a
    long run costs amortised O(1) per tick without knowing its length in advance.
    """

    def __init__(self, capacity: int = 4096):
        self._buf = np.empty((max(16, capacity), len(COLUMNS)), dtype=np.float64)
        self._n = 0
        self.events: list[dict[str, Any]] = []

    def __len__(self) -> int:
        return self._n

    def append(self, row: Sequence[float]) -> None:
        if self._n == self._buf.shape[0]:
            grown = np.empty((self._buf.shape[0] * 2, self._buf.shape[1]), dtype=np.float64)
            grown[: self._n] = self._buf[: self._n]
            self._buf = grown
        self._buf[self._n] = row
        self._n += 1

    def add_event(self, t: float, kind: str, x: float, y: float, **detail: Any) -> dict[str, Any]:
        event = {"t": float(t), "kind": kind, "x": float(x), "y": float(y), **detail}
        self.events.append(event)
        return event

    def columns(self) -> dict[str, np.ndarray]:
        data = self._buf[: self._n]
        return {c.name: data[:, i].astype(c.dtype) for i, c in enumerate(COLUMNS)}

    def telemetry(self, header: dict[str, Any]) -> Telemetry:
        cols = self.columns()
        header = dict(header)
        header["ticks"] = self._n
        if self._n:
            header["duration_s"] = float(cols["t"][-1])
        return Telemetry(header=header, columns=cols, events=list(self.events))


# --------------------------------------------------------------------------- writing


def to_bytes(tel: Telemetry) -> bytes:
    """Serialise a run; the bytes are a pure function of the run (fixed ZIP timestamps)."""
    validate(tel)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        _write_member(zf, "header.json", json.dumps(tel.header, indent=1).encode())
        _write_member(zf, "events.json", json.dumps(tel.events, indent=None).encode())
        for col in COLUMNS:
            arr = np.ascontiguousarray(tel.columns[col.name], dtype=col.dtype)
            member = io.BytesIO()
            np.lib.format.write_array(member, arr, allow_pickle=False)
            _write_member(zf, f"{col.name}.npy", member.getvalue())
    return buf.getvalue()


def _write_member(zf: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    zf.writestr(info, data)


def write(path: str | os.PathLike[str], tel: Telemetry) -> Path:
    """Write atomically: a temporary file in the same folder, then a rename."""
    return write_bytes_atomic(path, to_bytes(tel))


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write bytes so that readers see the old file or the whole new one, never a part."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return target


# --------------------------------------------------------------------------- reading


def read(source: str | os.PathLike[str] | bytes | BinaryIO) -> Telemetry:
    """Read and validate a telemetry file (path, bytes or binary file object).

    Raises :class:`TelemetryError` naming the first problem found; never returns a partly
    valid run.
    """
    if isinstance(source, bytes | bytearray | memoryview):
        fh: BinaryIO = io.BytesIO(bytes(source))
    elif isinstance(source, str | os.PathLike):
        try:
            fh = open(source, "rb")  # noqa: SIM115 - closed below
        except FileNotFoundError:
            raise TelemetryError(f"telemetry file not found: {source}") from None
        except OSError as exc:
            raise TelemetryError(f"cannot open telemetry file {source}: {exc.strerror}") from None
    else:
        fh = source
    try:
        return _read_zip(fh)
    finally:
        if isinstance(source, str | os.PathLike):
            fh.close()


def _read_zip(fh: BinaryIO) -> Telemetry:
    try:
        zf = zipfile.ZipFile(fh)
    except zipfile.BadZipFile:
        raise TelemetryError(
            "not a telemetry file (not a ZIP archive; truncated or another format)"
        ) from None
    except (OSError, ValueError, EOFError) as exc:
        raise TelemetryError(f"not a telemetry file ({exc})") from None
    with zf:
        infos = {i.filename: i for i in zf.infolist()}
        if sum(i.file_size for i in infos.values()) > MAX_UNPACKED_BYTES:
            raise TelemetryError(
                f"telemetry file unpacks to more than {MAX_UNPACKED_BYTES // 2**20} MB"
            )
        header = _read_json(zf, infos, "header.json")
        if not isinstance(header, dict):
            raise TelemetryError("header.json must hold a JSON object")
        _check_header(header)
        events = _read_json(zf, infos, "events.json")
        columns: dict[str, np.ndarray] = {}
        for col in COLUMNS:
            name = f"{col.name}.npy"
            if name not in infos:
                raise TelemetryError(f"column '{col.name}' is missing")
            try:
                with zf.open(name) as member:
                    arr = np.lib.format.read_array(io.BytesIO(member.read()), allow_pickle=False)
            except (ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:
                raise TelemetryError(f"column '{col.name}' is damaged ({exc})") from None
            columns[col.name] = arr
    tel = Telemetry(header=header, columns=columns, events=events)
    validate(tel)
    return tel


def _read_json(zf: zipfile.ZipFile, infos: dict[str, zipfile.ZipInfo], name: str) -> Any:
    if name not in infos:
        raise TelemetryError(f"not a telemetry file ({name} is missing)")
    try:
        raw = zf.read(name)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise TelemetryError(f"{name} is damaged ({exc}); the file may be truncated") from None
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TelemetryError(f"{name} is not valid JSON ({exc})") from None


def _check_header(header: dict[str, Any]) -> None:
    if header.get("format") != FORMAT:
        raise TelemetryError(f"not a telemetry file (format is {header.get('format')!r})")
    version = header.get("version")
    if version != FORMAT_VERSION:
        raise TelemetryError(
            f"telemetry format version {version!r} is not supported (this reader knows "
            f"version {FORMAT_VERSION})"
        )
    for name, types in _HEADER_FIELDS.items():
        if name not in header:
            raise TelemetryError(f"header field '{name}' is missing")
        value = header[name]
        if isinstance(value, bool) or not isinstance(value, types):
            raise TelemetryError(f"header field '{name}' has the wrong type")
    try:
        uuid.UUID(header["run_id"])
    except ValueError:
        raise TelemetryError(f"run_id {header['run_id']!r} is not a UUID") from None
    scenario = header["scenario"]
    if not isinstance(scenario.get("id"), str) or not scenario["id"]:
        raise TelemetryError("header field 'scenario.id' is missing")
    if "version" not in scenario:
        raise TelemetryError("header field 'scenario.version' is missing")
    rate = header["tick_rate"]
    if not (math.isfinite(rate) and 1 <= rate <= 1000):
        raise TelemetryError(f"tick_rate {rate!r} is outside 1..1000 Hz")
    if header["ticks"] < 0:
        raise TelemetryError("header field 'ticks' is negative")
    if header["outcome"] not in OUTCOMES:
        raise TelemetryError(f"outcome {header['outcome']!r} is not one of {', '.join(OUTCOMES)}")


def validate(tel: Telemetry) -> None:
    """Check a run's structure: header, every column present with the declared length and dtype,
    time strictly increasing, events well-formed. Values such as NaN speeds are left to scoring,
    which reports them as findings rather than refusing the run."""
    _check_header(tel.header)
    n = tel.header["ticks"]
    for col in COLUMNS:
        arr = tel.columns.get(col.name)
        if arr is None:
            raise TelemetryError(f"column '{col.name}' is missing")
        if arr.ndim != 1:
            raise TelemetryError(f"column '{col.name}' must be one-dimensional")
        if arr.dtype != np.dtype(col.dtype):
            raise TelemetryError(f"column '{col.name}' has dtype {arr.dtype}, expected {col.dtype}")
        if arr.shape[0] != n:
            raise TelemetryError(
                f"column '{col.name}' has {arr.shape[0]} samples but the header says {n} ticks"
            )
    t = tel.columns["t"]
    if n and not np.all(np.isfinite(t)):
        raise TelemetryError("column 't' contains non-finite times")
    if n > 1 and not np.all(np.diff(t) > 0):
        raise TelemetryError("column 't' is not strictly increasing")
    if not isinstance(tel.events, list):
        raise TelemetryError("events.json must hold a JSON list")
    if len(tel.events) > MAX_EVENTS:
        raise TelemetryError(f"more than {MAX_EVENTS} events")
    for i, ev in enumerate(tel.events):
        if not isinstance(ev, dict):
            raise TelemetryError(f"event {i} is not an object")
        for key in ("t", "x", "y"):
            v = ev.get(key)
            if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
                raise TelemetryError(f"event {i} has no valid '{key}'")
        if not isinstance(ev.get("kind"), str):
            raise TelemetryError(f"event {i} has no 'kind'")


# --------------------------------------------------------------------------- export


def write_csv(tel: Telemetry, out: str | os.PathLike[str] | io.TextIOBase) -> None:
    """Write the samples as CSV (one row per tick, a header row with units) for spreadsheets.

    Speeds get an extra km/h column because that is what instructors read; events are appended
    in a second file by the CLI, not mixed into the sample rows.
    """
    header = [f"{c.name} [{c.unit}]" for c in COLUMNS] + ["speed [km/h]", "speed_limit [km/h]"]
    cols = [tel.columns[c.name] for c in COLUMNS]
    kmh = [tel.columns["speed"] * 3.6, tel.columns["speed_limit"] * 3.6]
    rows = zip(*(_fmt_column(c) for c in (*cols, *kmh)), strict=True)
    if isinstance(out, str | os.PathLike):
        buf = io.StringIO()
        _write_csv_rows(buf, header, rows)
        write_bytes_atomic(out, buf.getvalue().encode("utf-8"))
    else:
        _write_csv_rows(out, header, rows)


def _write_csv_rows(fh: Any, header: list[str], rows: Iterable[Sequence[str]]) -> None:
    writer = csv.writer(fh, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)


def _fmt_column(arr: np.ndarray) -> list[str]:
    if arr.dtype.kind in "iu":
        return [str(v) for v in arr.tolist()]
    # repr of a Python float round-trips; float32 values are widened first so "0.1" stays short.
    return ["" if math.isnan(v) else repr(round(v, 6)) for v in arr.astype(np.float64).tolist()]
