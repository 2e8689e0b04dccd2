"""The frame every analytics page shares: the scope from the query string (400 naming a bad
filter), the filter choices, the section tabs, panels (chart + table + CSV) and ``?csv=``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from flask import abort, current_app, g, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from isdc.analytics.scope import Scope, ScopeError, scope_from_request
from isdc.extensions import db
from isdc.models import Course, Instructor, Organisation, RecordStatus, Role
from isdc.web.analytics import bp
from isdc.web.analytics.export import csv_response
from isdc.web.errors import abort_with
from isdc.web.i18n import format_number, locale_code

STAFF = (Role.ADMIN, Role.INSTRUCTOR)

# Every section in tab order; a tab shows once its endpoint exists (sections land separately).
SECTIONS: tuple[tuple[str, Any], ...] = (
    ("analytics.index", _l("Overview")),
    ("analytics.throughput", _l("Throughput")),
    ("analytics.simulator", _l("Simulator")),
    ("analytics.risk", _l("Risk by organisation")),
    ("analytics.certificates", _l("Certificates")),
    ("analytics.resources", _l("Resources")),
    ("analytics.monthly_report", _l("Monthly report")),
)

FIELD_LABELS: dict[str, Any] = {
    "start": _l("Period start"),
    "end": _l("Period end"),
    "course": _l("Course"),
    "organisation": _l("Organisation"),
    "instructor": _l("Instructor"),
    "bulan": _l("Month"),  # the monthly report's month
}


def current_scope() -> Scope:
    """The scope of this request; a bad filter stops it with 400 naming the field."""
    try:
        return scope_from_request(request.args, current_user, current_user.site)
    except ScopeError as problem:
        abort_with(400, bad_parameter(problem.field, _(problem.message, **problem.params)))
    except PermissionError:
        abort(403)


def bad_parameter(name: str, problem: str) -> str:
    label = FIELD_LABELS.get(name)
    return _("%(field)s: %(problem)s", field=str(label) if label else name, problem=problem)


# --- Formatting ---------------------------------------------------------------------------


def number(value: float | None) -> str:
    """A figure for a label or a cell: whole numbers plain, others with one decimal."""
    if value is None:
        return "–"
    if abs(value - round(value)) < 1e-9:
        return format_number(int(round(value)))
    return format_number(round(value, 1))


def percent(value: float | None) -> str:
    return "–" if value is None else f"{number(value)} %"


def month_label(key: str) -> str:
    """``2026-05`` as the reader says it: "Mei 2026" / "May 2026"."""
    year, month = (int(p) for p in key.split("-"))
    return format_date(date(year, month, 1), "MMM yyyy")


def week_label(key: str) -> str:
    return format_date(date.fromisoformat(key), "d MMM")


def linker(endpoint: str, scope: Scope) -> Callable[..., str]:
    """A function making links to ``endpoint`` that keep the page's filters, plus its keyword
    arguments (None values dropped). The route is built once: a page links every bar and cell,
    hundreds of links, and ``url_for`` per link would cost more than the page's queries."""
    base = url_for(endpoint)
    kept = scope.query_args()

    def link(**extra: Any) -> str:
        args = {**kept, **{k: v for k, v in extra.items() if v is not None}}
        return f"{base}?{urlencode(args)}" if args else base

    return link


def scope_url(endpoint: str, scope: Scope, **extra: Any) -> str:
    """One link to ``endpoint`` keeping the page's filters, plus ``extra``; the
    :func:`linker` of each (endpoint, scope) is made once per request."""
    linkers = g.setdefault("analytics_linkers", {})
    if (endpoint, scope) not in linkers:
        linkers[(endpoint, scope)] = linker(endpoint, scope)
    return linkers[(endpoint, scope)](**extra)


# --- Panels -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One table cell: ``value`` goes to the CSV as is; ``text`` is shown (default: the value
    formatted for the reader); ``href`` makes it a drill-down link."""

    value: object
    text: str | None = None
    href: str | None = None

    @property
    def shown(self) -> str:
        if self.text is not None:
            return self.text
        if isinstance(self.value, bool) or self.value is None:
            return "–" if self.value is None else str(self.value)
        if isinstance(self.value, int | float):
            return number(self.value)
        return str(self.value)

    @property
    def numeric(self) -> bool:
        return isinstance(self.value, int | float) and not isinstance(self.value, bool)


def cells(*values: object) -> list[Cell]:
    return [v if isinstance(v, Cell) else Cell(v) for v in values]


@dataclass
class Panel:
    """A chart with its numbers: the table, its CSV (``?csv=<name>``) and a note on method."""

    name: str
    title: str
    header: Sequence[str]
    rows: list[list[Cell]]
    chart: str | None = None
    note: str = ""

    @property
    def svg(self) -> Markup | None:
        # Built by isdc.analytics.charts, which escapes every text it draws.
        return Markup(self.chart) if self.chart else None

    def csv_rows(self) -> list[list[object]]:
        return [[c.value for c in row] for row in self.rows]


@dataclass(frozen=True)
class SectionTab:
    url: str
    label: str
    active: bool


def section_tabs(scope: Scope) -> list[SectionTab]:
    views = current_app.view_functions
    return [
        SectionTab(scope_url(endpoint, scope), str(label), endpoint == request.endpoint)
        for endpoint, label in SECTIONS
        if endpoint in views
    ]


@dataclass(frozen=True)
class FilterChoices:
    courses: list[tuple[int, str]]
    organisations: list[tuple[int, str]]
    instructors: list[tuple[int, str]]  # administrators only


def filter_choices(scope: Scope) -> FilterChoices:
    session = db.session
    en = locale_code() == "en"
    courses = [
        (cid, f"{code} · {title_en if en else title_id}")
        for cid, code, title_id, title_en in session.execute(
            select(Course.id, Course.code, Course.title_id, Course.title_en)
            .where(Course.site_id == scope.site_id)
            .order_by(Course.code)
        )
    ]
    organisations = [
        (oid, name)
        for oid, name in session.execute(
            select(Organisation.id, Organisation.name)
            .where(Organisation.site_id == scope.site_id)
            .order_by(Organisation.name)
        )
    ]
    instructors: list[tuple[int, str]] = []
    if current_user.role == Role.ADMIN:
        instructors = [
            (iid, name)
            for iid, name in session.execute(
                select(Instructor.id, Instructor.full_name)
                .where(
                    Instructor.site_id == scope.site_id, Instructor.status == RecordStatus.ACTIVE
                )
                .order_by(Instructor.full_name)
            )
        ]
    return FilterChoices(courses, organisations, instructors)


def render_section(
    template: str, scope: Scope, section: str, panels: Sequence[Panel], **context: Any
) -> Any:
    """The section page, or - with ``?csv=<panel name>`` - that panel's table as CSV."""
    wanted = request.args.get("csv")
    if wanted is not None:
        panel = next((p for p in panels if p.name == wanted), None)
        if panel is None:
            abort_with(400, bad_parameter("csv", _("There is no table of that name on this page.")))
        filename = f"anev-{section}-{panel.name}-{scope.label()}.csv"
        return csv_response(filename, list(panel.header), panel.csv_rows())
    return render_template(
        template,
        scope=scope,
        section=section,
        panels=panels,
        tabs=section_tabs(scope),
        choices=filter_choices(scope),
        csv_url=lambda name: scope_url(request.endpoint, scope, csv=name),
        **context,
    )


@bp.app_template_filter("anev_month")
def _month_filter(key: str) -> str:
    return month_label(key)
