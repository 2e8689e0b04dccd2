"""The overview and the throughput, certificates and resources sections."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from isdc.analytics import charts, overview, throughput
from isdc.extensions import db
from isdc.web.access import roles_required
from isdc.web.analytics import bp
from isdc.web.analytics.frame import (
    STAFF,
    Panel,
    cells,
    current_scope,
    month_label,
    number,
    percent,
    render_section,
    scope_url,
)


@dataclass(frozen=True)
class Figure:
    id: str
    title: str
    value: str
    detail: str = ""
    href: str | None = None


@bp.route("/")
@roles_required(*STAFF)
def index() -> Any:
    """Headline figures of the period and the monthly trend; links into every section."""
    scope = current_scope()
    counts = throughput.totals(db.session, scope)
    runs = overview.run_figures(db.session, scope)
    issued = overview.certificates_issued(db.session, scope)
    figures = [
        Figure("fig-trained", _("Trainees trained"), number(counts.completed),
               _("%(n)s enrolments in sessions that ended", n=number(counts.enrolments)),
               scope_url("analytics.drill_trainees", scope, status="completed")),
        Figure("fig-pass-rate", _("Pass rate"), percent(counts.pass_rate),
               _("completed of those who finished")),
        Figure("fig-runs", _("Simulator runs"), number(runs.runs),
               _("mean score %(score)s · %(share)s passed", score=number(runs.mean_score),
                 share=percent(runs.pass_share)),
               scope_url("analytics.drill_runs", scope)),
        Figure("fig-certificates", _("Certificates issued"), number(issued), "",
               scope_url("analytics.drill_trainees", scope, basis="issued")),
    ]  # fmt: skip
    months = scope.months()
    per_month = dict.fromkeys(months, 0)
    for row in throughput.trained_by_month_and_course(db.session, scope):
        per_month[row.month] += row.trained
    values = [per_month[m] for m in months]
    hrefs = [
        scope_url("analytics.drill_trainees", scope, month=m, status="completed") for m in months
    ]
    trend = Panel(
        name="trained-per-month",
        title=_("Trainees trained per month"),
        header=[_("Month"), _("Trainees trained")],
        rows=[cells(m, v) for m, v in zip(months, values, strict=True)] if any(values) else [],
        chart=charts.month_chart(
            [month_label(m) for m in months],
            [charts.Series(_("Trainees trained"), values, hrefs)],
            title=_("Trainees trained per month"),
            element_id="chart-trend",
            kind="bar",
            number=number,
        ),  # fmt: skip
        note=_("A trainee counts in the month their session ended, once per completed course."),
    )
    return render_section("analytics/index.html", scope, "overview", [trend],
                          heading=_("Overview"), figures=figures)  # fmt: skip
