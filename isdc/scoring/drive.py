"""A run prepared for scoring: cleaned columns, sample durations and data-quality warnings.

Every measure reads the run through a :class:`Drive`, so non-finite values are dealt with once:
infinities become NaN (NaN compares False, so masks simply leave such samples out), and every
column that should always hold a number but has gaps is reported as a warning instead of
breaking the score.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from isdc.scoring.results import Position
from isdc.scoring.signals import sample_durations
from isdc.telemetry import COLUMN_NAMES, Telemetry, TelemetryError

GRAVITY = 9.81  # m/s^2; thresholds in the rubric are in g
KMH = 1 / 3.6  # one km/h in m/s

# Columns that must hold a number at every tick; NaN there is missing data.
REQUIRED = (
    "x",
    "y",
    "heading",
    "speed",
    "accel_lon",
    "accel_lat",
    "yaw_rate",
    "steering",
    "throttle",
    "brake",
    "route_s",
    "speed_limit",
    "friction",
)
# Columns where NaN means "not applicable" (no lead vehicle, off every lane): not a data problem.
NAN_ALLOWED = ("lane_offset", "lane_width", "lead_gap", "lead_closing")


def warning(code: str, id_text: str, en_text: str, **detail: Any) -> dict[str, Any]:
    return {"code": code, **detail, "id": id_text, "en": en_text}


@dataclass
class Drive:
    tel: Telemetry
    t: np.ndarray
    dt: np.ndarray
    col: dict[str, np.ndarray]
    warnings: list[dict[str, Any]]
    missing_share: float
    hazard_times: np.ndarray
    # When every sample stands for the same time (a fixed-step simulator), a duration is a
    # count times that step, which is much cheaper than a dot product over the whole run.
    uniform_step: float | None = None
    # Columns holding at least one NaN or infinite value (so measures know when to check).
    incomplete: frozenset[str] = frozenset()
    _moving: dict[float, np.ndarray] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return int(self.t.shape[0])

    def moving(self, gate_kmh: float) -> np.ndarray:
        """Samples at or above a speed gate (NaN speeds are never moving)."""
        mask = self._moving.get(gate_kmh)
        if mask is None:
            mask = self.col["speed"] >= np.float32(gate_kmh * KMH)
            self._moving[gate_kmh] = mask
        return mask

    def time(self, mask: np.ndarray) -> float:
        """Seconds during which a mask holds."""
        if self.uniform_step is not None:
            return np.count_nonzero(mask) * self.uniform_step
        return float(self.dt[mask].sum())

    def position(self, i: int) -> Position:
        c = self.col
        return Position(float(c["x"][i]), float(c["y"][i]), float(c["route_s"][i]))

    def positions(self, idx: np.ndarray) -> list[Position]:
        """Positions of many samples at once (one gather per column, not one per finding)."""
        c = self.col
        xs, ys, ss = (c[k][idx].astype(np.float64).tolist() for k in ("x", "y", "route_s"))
        return [Position(x, y, s) for x, y, s in zip(xs, ys, ss, strict=True)]

    def values(self, name: str, idx: np.ndarray) -> list[float]:
        """A column's values at many sample indices, as Python floats."""
        return self.col[name][idx].astype(np.float64).tolist()

    def route_s_at(self, times: np.ndarray) -> np.ndarray:
        """Distance along the route at event times, interpolated between the two nearest
        samples (np.interp would first copy the whole column to float64)."""
        if self.n == 0:
            return np.full(times.shape[0], np.nan)
        route = self.col["route_s"]
        hi = np.clip(np.searchsorted(self.t, times, side="left"), 1, max(1, self.n - 1))
        lo = hi - 1
        if self.n == 1:
            return np.full(times.shape[0], float(route[0]))
        span = self.t[hi] - self.t[lo]
        frac = np.clip((times - self.t[lo]) / np.where(span > 0, span, 1.0), 0.0, 1.0)
        r_lo, r_hi = route[lo].astype(np.float64), route[hi].astype(np.float64)
        return r_lo + frac * (r_hi - r_lo)

    def value_at(self, name: str, times: np.ndarray) -> np.ndarray:
        """A column's value at event times (the sample at or just before each time)."""
        if self.n == 0:
            return np.full(times.shape[0], np.nan)
        idx = np.clip(np.searchsorted(self.t, times, side="right") - 1, 0, self.n - 1)
        return self.col[name][idx]


def check_structure(tel: Telemetry) -> None:
    """The cheap structural part of ``telemetry.validate``: every column present, one-dimensional
    and as long as the header says, time finite and increasing. Values are not judged here:
    NaN speeds and the like are data-quality warnings, not reasons to refuse a run."""
    n = tel.header.get("ticks")
    for name in COLUMN_NAMES:
        arr = tel.columns.get(name)
        if arr is None:
            raise TelemetryError(f"column '{name}' is missing")
        if arr.ndim != 1 or arr.shape[0] != n:
            raise TelemetryError(
                f"column '{name}' has {arr.shape[0] if arr.ndim == 1 else arr.shape} samples "
                f"but the header says {n} ticks"
            )
    t = tel.columns["t"]
    if n and not (np.isfinite(t[0]) and np.isfinite(t[-1])):
        raise TelemetryError("column 't' contains non-finite times")
    if n and n > 1:
        dt = np.diff(t)
        if not dt.min() > 0:  # also False for NaN
            raise TelemetryError("column 't' is not strictly increasing")


def prepare(tel: Telemetry) -> Drive:
    """Clean a run's columns for scoring and note what is missing."""
    t = np.asarray(tel.columns["t"], dtype=np.float64)
    n = t.shape[0]
    warnings: list[dict[str, Any]] = []
    cols: dict[str, np.ndarray] = {}
    incomplete: set[str] = set()
    worst = 0.0
    for name in COLUMN_NAMES:
        if name == "t":
            continue
        arr = tel.columns[name]
        # A finite maximum and minimum (max/min propagate NaN) prove every value finite far
        # more cheaply than isfinite(); only a column that fails is examined sample by sample.
        if arr.dtype.kind == "f" and n and not (np.isfinite(arr.max()) and np.isfinite(arr.min())):
            bad = n - int(np.count_nonzero(np.isfinite(arr)))
            if bad:
                incomplete.add(name)
                infinite = np.isinf(arr)
                if infinite.any():
                    arr = np.where(infinite, np.float32(np.nan), arr).astype(arr.dtype)
                    warnings.append(_infinite_warning(name, int(np.count_nonzero(infinite))))
                if name in REQUIRED:
                    share = bad / n
                    worst = max(worst, share)
                    warnings.append(_missing_warning(name, bad, share))
        cols[name] = arr
    if n == 0:
        warnings.append(
            warning(
                "no_samples",
                "Telemetri tidak berisi sampel; tidak ada yang dapat dinilai.",
                "The telemetry holds no samples; there is nothing to score.",
            )
        )
        worst = 1.0
    dt = sample_durations(t)
    if n > 2:
        step = (t[-1] - t[0]) / (n - 1)
        gaps = int(np.count_nonzero(dt[:-1] > 3 * step))
        if gaps:
            warnings.append(
                warning(
                    "time_gaps",
                    f"Ada {gaps} celah waktu dalam telemetri (sampel hilang).",
                    f"The telemetry has {gaps} gaps in time (dropped samples).",
                    count=gaps,
                )
            )
    hazards = np.array(sorted(float(e["t"]) for e in tel.events if e.get("kind") == "hazard"))
    uniform = None
    if n > 1:
        step = (t[-1] - t[0]) / (n - 1)
        if float(dt.max() - dt.min()) <= 1e-6 * step:
            uniform = float(step)
    return Drive(tel, t, dt, cols, warnings, worst, hazards, uniform, frozenset(incomplete))


def _missing_warning(name: str, count: int, share: float) -> dict[str, Any]:
    pct = share * 100
    return warning(
        "missing_samples",
        f"Kolom '{name}' kehilangan {count} sampel ({pct:.1f} %); sampel itu tidak dihitung.",
        f"Column '{name}' is missing {count} samples ({pct:.1f} %); they were left out.",
        column=name,
        count=count,
        share=round(share, 4),
    )


def _infinite_warning(name: str, count: int) -> dict[str, Any]:
    return warning(
        "infinite_values",
        f"Kolom '{name}' berisi {count} nilai tak hingga; dianggap hilang.",
        f"Column '{name}' holds {count} infinite values; they were treated as missing.",
        column=name,
        count=count,
    )
