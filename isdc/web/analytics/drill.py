"""Drill-down: the runs or the trainees behind a bar, paged, with the page's filters kept."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask import render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select

from isdc.analytics.drilldown import (
    RunFilter,
    TraineeBasis,
    TraineeFilter,
    runs_query,
    trainees_query,
)
from isdc.extensions import db
from isdc.models import EnrolmentStatus
from isdc.models.base import local_today
from isdc.runs import catalogue
from isdc.web.access import roles_required
from isdc.web.analytics import bp
from isdc.web.analytics.frame import (
    STAFF,
    bad_parameter,
    current_scope,
    filter_choices,
    section_tabs,
)
from isdc.web.errors import abort_with
from isdc.web.runs import labels

PAGE_SIZE = 50
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
FINDING_KIND = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
SCORE_BAND = re.compile(r"^(\d{1,3})-(\d{1,3})$")
RESULTS = ("passed", "failed")
OUTCOMES = tuple(labels.OUTCOMES)
VEHICLES = tuple(labels.VEHICLES)


def _choice(
    name: str, allowed: tuple[str, ...] | None = None, pattern: re.Pattern[str] | None = None
) -> str | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    if (allowed is not None and raw not in allowed) or (
        pattern is not None and not pattern.match(raw)
    ):
        abort_with(400, bad_parameter(name, _("Not a valid choice: %(value)s", value=raw[:40])))
    return raw


def _number(name: str) -> int | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 18:
        abort_with(400, bad_parameter(name, _("Not a valid choice: %(value)s", value=raw[:40])))
    return int(raw)


@dataclass(frozen=True)
class Pager:
    """One page of a query's rows and the total (two queries, whatever the page)."""

    items: list[Any]
    page: int
    total: int

    @classmethod
    def of(cls, query: Select[Any], page: int, *, scalars: bool) -> Pager:
        total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
        result = db.session.execute(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE))
        items = list(result.scalars()) if scalars else list(result.all())
        return cls(items, page, total or 0)

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page * PAGE_SIZE < self.total


BASIS_LABELS = {
    TraineeBasis.SESSIONS: _l("Enrolments in sessions ending in the period"),
    TraineeBasis.ISSUED: _l("Certificates issued in the period"),
    TraineeBasis.REVOKED: _l("Certificates revoked in the period"),
    TraineeBasis.EXPIRING: _l("Valid certificates expiring in the next 90 days"),
}
SCOPE_ARGS = ("start", "end", "course", "organisation", "instructor")


def _narrowing() -> dict[str, str]:
    """The request's arguments but the page number: kept by the pager's links."""
    return {k: v for k, v in request.args.items() if k != "page"}


def _hidden(narrowing: dict[str, str]) -> dict[str, str]:
    """What the filter form must send back besides the scope (the bar's own narrowing)."""
    return {k: v for k, v in narrowing.items() if k not in SCOPE_ARGS}


def _page() -> int:
    return _number("page") or 1


def _score_band() -> tuple[int, int] | None:
    """``score=40-50``: runs scoring at least 40 and under 50 (up to 100 inclusive)."""
    raw = _choice("score", pattern=SCORE_BAND)
    if raw is None:
        return None
    low, high = (int(part) for part in raw.split("-"))
    if not 0 <= low < high <= 100:
        abort_with(400, bad_parameter("score", _("Not a valid choice: %(value)s", value=raw)))
    return low, high


@bp.route("/runs")
@roles_required(*STAFF)
def drill_runs() -> Any:
    """The runs behind a bar: the scope plus scenario, finding, month, result, outcome, ..."""
    scope = current_scope()
    wanted = RunFilter(
        scenario=_choice("scenario", tuple(catalogue.scenarios())),
        finding=_choice("finding", pattern=FINDING_KIND),
        month=_choice("month", pattern=MONTH),
        result=_choice("result", RESULTS),
        outcome=_choice("outcome", OUTCOMES),
        vehicle=_choice("vehicle", VEHICLES),
        facility_id=_number("facility"),
        trainee_id=_number("trainee"),
        score_band=_score_band(),
    )
    page = Pager.of(runs_query(scope, wanted), _page(), scalars=True)
    narrowing = _narrowing()
    return render_template(
        "analytics/drill_runs.html",
        hidden=_hidden(narrowing),
        scope=scope,
        wanted=wanted,
        page=page,
        narrowing=narrowing,
        tabs=section_tabs(scope),
        choices=filter_choices(scope),
    )


@bp.route("/trainees")
@roles_required(*STAFF)
def drill_trainees() -> Any:
    """The trainees behind a bar: enrolments of sessions ending in the period, or of
    certificates issued, revoked or expiring; narrowed by month and enrolment status."""
    scope = current_scope()
    status = _choice("status", tuple(s.value for s in EnrolmentStatus))
    wanted = TraineeFilter(
        basis=_choice("basis", TraineeBasis.ALL) or TraineeBasis.SESSIONS,
        month=_choice("month", pattern=MONTH),
        status=EnrolmentStatus(status) if status else None,
    )
    today = local_today(scope.tzinfo)
    page = Pager.of(trainees_query(scope, wanted, today), _page(), scalars=False)
    narrowing = _narrowing()
    choices = filter_choices(scope)
    return render_template(
        "analytics/drill_trainees.html",
        hidden=_hidden(narrowing),
        basis_label=str(BASIS_LABELS[wanted.basis]),
        organisation_names=dict(choices.organisations),
        scope=scope,
        wanted=wanted,
        page=page,
        narrowing=narrowing,
        tabs=section_tabs(scope),
        choices=choices,
    )
