"""The monthly Anev report: a page to choose the month, and the PDF itself.

``/analisis/laporan-bulanan`` shows the month picker and the last twelve months;
``?bulan=YYYY-MM`` answers with that month's PDF (a bad month: 400 naming the problem).
Administrators get the whole site; an instructor's report covers the sessions they teach,
like their dashboards (the scope comes from the same :func:`current_scope`).
"""

from __future__ import annotations

from typing import Any

from flask import Response, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from isdc.analytics.monthly_figures import MonthError, parse_month
from isdc.analytics.monthly_report import render_monthly_report, report_filename
from isdc.analytics.scope import months_back
from isdc.extensions import db
from isdc.models.base import local_today
from isdc.web.access import roles_required
from isdc.web.analytics import bp
from isdc.web.analytics.frame import STAFF, bad_parameter, current_scope, section_tabs
from isdc.web.errors import abort_with

RECENT_MONTHS = 12


@bp.route("/laporan-bulanan")
@roles_required(*STAFF)
def monthly_report() -> Any:
    scope = current_scope()  # the role check and an instructor's own sessions
    site = current_user.site
    today = local_today(site.tzinfo)
    raw = request.args.get("bulan")
    if raw is None:
        return _picker(scope, today)
    try:
        month = parse_month(raw, today)
    except MonthError as problem:
        abort_with(400, bad_parameter("bulan", _(problem.message, **problem.params)))
    instructor = current_user.instructor if scope.instructor_id is not None else None
    pdf = render_monthly_report(
        db.session,
        site,
        month,
        instructor_id=scope.instructor_id,
        instructor_name=instructor.full_name if instructor else None,
    )
    response = Response(pdf, mimetype="application/pdf")
    filename = report_filename(site, month)
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _picker(scope: Any, today: Any) -> str:
    this_month = today.replace(day=1)
    last_full = months_back(this_month, 1)
    months = [
        (f"{m:%Y-%m}", format_date(m, "MMMM yyyy"), url_for(".monthly_report", bulan=f"{m:%Y-%m}"))
        for m in (months_back(this_month, n) for n in range(1, RECENT_MONTHS + 1))
    ]
    return render_template(
        "analytics/monthly_report.html",
        tabs=section_tabs(scope),
        intro=_(
            "The monthly Anev report puts the key figures, charts and tables of one month on a "
            "few pages (PDF, Bahasa Indonesia) for the centre's leadership."
        ),
        default_month=f"{last_full:%Y-%m}",
        latest_month=f"{this_month:%Y-%m}",
        months=months,
    )
