"""The figures of the monthly Anev report: one calendar month of a site, read with the same
query functions as the dashboards (so the report and the pages never disagree).

The month is given as ``YYYY-MM``; :func:`parse_month` refuses anything else with a message
naming the problem, for the web route (400) and the CLI (exit status 2).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from isdc.analytics import certificates, overview, resources, risk, simulator, throughput
from isdc.analytics.scope import Scope, months_back
from isdc.models import Site
from isdc.models.rules import N_

TREND_MONTHS = 6  # the report month and the five before it
TOP_ORGANISATIONS = 10
TOP_FINDINGS = 8
FIRST_MONTH = date(2000, 1, 1)
_MONTH = re.compile(r"(\d{4})-(\d{2})")


class MonthError(ValueError):
    """A month the report cannot be made for. ``message`` is an English msgid with
    ``params``: the CLI prints it as is, the web view translates it."""

    def __init__(self, message: str, **params: Any):
        super().__init__(message % params)
        self.message = message
        self.params = params


def parse_month(text: str | None, today: date) -> date:
    """``YYYY-MM`` -> the first day of that month; it may not lie in the future."""
    raw = (text or "").strip()
    match = _MONTH.fullmatch(raw)
    if not match:
        raise MonthError(N_("Not a month (use YYYY-MM, e.g. 2026-10): %(value)s"), value=raw[:20])
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        raise MonthError(N_("There is no month %(value)s: use 01 to 12."), value=raw)
    first = date(year, month, 1)
    if first < FIRST_MONTH:
        raise MonthError(N_("%(value)s is too early: reports start in 2000."), value=raw)
    if first > today:
        raise MonthError(N_("%(value)s has not begun yet."), value=raw)
    return first


def last_day(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


@dataclass(frozen=True)
class MonthlyFigures:
    site_name: str
    month: date  # first day
    scope: Scope
    as_of: date  # "expiring in the next 90 days" counts from here
    generated_at: datetime
    enrolments: throughput.StatusCounts
    trend: list[throughput.CourseMonth]  # trained per month and course, TREND_MONTHS months
    trend_months: list[str]
    courses: list[throughput.CourseCounts]
    days_to_certificate: list[throughput.DaysToCertificate]
    organisations: list[throughput.OrganisationCounts]  # the TOP_ORGANISATIONS most trained
    runs: overview.RunFigures
    certificates: list[certificates.CourseCertificates]
    scores: list[simulator.ScenarioScores]
    findings: list[simulator.FindingCount]  # the TOP_FINDINGS most frequent, by share of runs
    improvement: list[simulator.ImprovementSummary]
    risk: list[risk.OrganisationRisk]  # enough runs to judge, highest ratio first
    bays: list[resources.BayUse]

    @property
    def certificates_issued(self) -> int:
        return sum(c.issued for c in self.certificates)

    @property
    def certificates_revoked(self) -> int:
        return sum(c.revoked for c in self.certificates)

    @property
    def certificates_expiring(self) -> int:
        return sum(c.expiring for c in self.certificates)

    @property
    def empty(self) -> bool:
        """Nothing happened in the month (in this scope): the report says so."""
        return (
            self.enrolments.enrolments == 0
            and self.runs.runs == 0
            and not any(c.issued or c.revoked for c in self.certificates)
        )


def monthly_figures(
    db: Session,
    site: Site,
    month: date,
    *,
    instructor_id: int | None = None,
    now: datetime | None = None,
) -> MonthlyFigures:
    """Every figure of the report for ``month`` (its first day) at ``site``; an instructor's
    report (``instructor_id``) covers only the sessions they teach, like their dashboards."""
    tz = site.tzinfo
    now = now or datetime.now(tz)
    scope = Scope(start=month, end=last_day(month), site_id=site.id,
                  instructor_id=instructor_id, timezone=site.timezone)  # fmt: skip
    trend_scope = Scope(start=months_back(month, TREND_MONTHS - 1), end=scope.end,
                        site_id=site.id, instructor_id=instructor_id, timezone=site.timezone)  # fmt: skip
    as_of = min(now.astimezone(tz).date(), scope.end)
    profile = risk.risk_profile(db, scope)
    judged = [o for o in profile.organisations if o.enough_runs and o.ratio is not None]
    return MonthlyFigures(
        site_name=site.name,
        month=month,
        scope=scope,
        as_of=as_of,
        generated_at=now,
        enrolments=throughput.totals(db, scope),
        trend=throughput.trained_by_month_and_course(db, trend_scope),
        trend_months=trend_scope.months(),
        courses=throughput.by_course(db, scope),
        days_to_certificate=throughput.days_to_certificate(db, scope),
        organisations=throughput.by_organisation(db, scope)[:TOP_ORGANISATIONS],
        runs=overview.run_figures(db, scope),
        certificates=certificates.by_course(db, scope, as_of),
        scores=simulator.score_distribution(db, scope),
        findings=simulator.finding_tables(db, scope).overall[:TOP_FINDINGS],
        improvement=simulator.improvement_summary(db, scope),
        risk=sorted(judged, key=lambda o: (-(o.ratio or 0.0), o.name))[:TOP_ORGANISATIONS],
        bays=resources.bay_use(db, scope),
    )
