"""What the run report page shows: the stored report in the reader's language and the plots."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from flask_babel import gettext as _
from markupsafe import Markup

from isdc import telemetry
from isdc.models import Run
from isdc.runs import plots
from isdc.runs.storage import RunStore

log = logging.getLogger(__name__)


@dataclass
class ReportView:
    report: dict[str, Any]
    lang: str
    findings: list[dict[str, Any]] = field(default_factory=list)
    speed_svg: Markup | None = None
    headway_svg: Markup | None = None
    trajectory_svg: Markup | None = None
    telemetry_problem: str | None = None

    def text(self, pair: dict[str, str] | None) -> str:
        """One side of an ``{id, en}`` pair in the reader's language."""
        if not pair:
            return ""
        return pair.get(self.lang) or pair.get("en") or ""


def markers_of(findings: list[dict[str, Any]]) -> list[plots.Marker]:
    return [
        plots.Marker(
            number=i,
            t=float(f["t"] or 0.0),
            x=f["position"].get("x"),
            y=f["position"].get("y"),
            severity=f["severity"],
        )
        for i, f in enumerate(findings, start=1)
    ]


def build(run: Run, report: dict[str, Any], store: RunStore, lang: str) -> ReportView:
    view = ReportView(report=report, lang=lang, findings=list(report.get("findings", [])))
    try:
        tel = telemetry.read(store.read(run.telemetry_path))
    except (OSError, ValueError, telemetry.TelemetryError) as exc:
        log.warning("run %s: telemetry unreadable: %s", run.id, exc)
        view.telemetry_problem = _(
            "The telemetry file of this run cannot be read, so the plots are missing. Tell the administrator."
        )
        return view
    markers = markers_of(view.findings)
    t = tel["t"].astype(np.float64)
    view.speed_svg = Markup(
        plots.speed_plot(
            t,
            tel["speed"],
            tel["speed_limit"],
            markers,
            plots.SpeedLabels(
                title=_("Speed against time"),
                time=_("time (s)"),
                speed=_("speed (km/h)"),
                speed_line=_("speed"),
                limit_line=_("speed limit"),
                over_line=_("over the limit"),
            ),
        )
    )
    headway = plots.headway_series(t, tel["lead_gap"], tel["speed"])
    svg = plots.headway_plot(
        t,
        headway,
        markers,
        plots.HeadwayLabels(
            title=_("Time headway to the vehicle ahead"),
            time=_("time (s)"),
            headway=_("headway (s)"),
            headway_line=_("headway"),
            rule_line=_("2-second rule"),
            close_line=_("1 s: too close"),
        ),
    )
    view.headway_svg = Markup(svg) if svg else None
    view.trajectory_svg = Markup(
        plots.trajectory_plot(
            run.scenario_id,
            tel["x"],
            tel["y"],
            markers,
            plots.TrajectoryLabels(
                title=_("Path driven on the road layout"),
                start=_("start"),
                end=_("end"),
                path=_("path driven"),
                metres=_("m"),
            ),
        )
    )
    return view
