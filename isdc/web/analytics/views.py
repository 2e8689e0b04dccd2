"""The overview and the throughput, certificates and resources sections."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from isdc.analytics import certificates, charts, overview, resources, throughput
from isdc.analytics.drilldown import EXPIRY_WINDOW_DAYS
from isdc.analytics.scope import Scope
from isdc.extensions import db
from isdc.models import Role
from isdc.models.base import local_today
from isdc.web.access import roles_required
from isdc.web.analytics import bp
from isdc.web.analytics.frame import (
    STAFF,
    Cell,
    Panel,
    cells,
    current_scope,
    linker,
    month_label,
    number,
    percent,
    render_section,
    scope_url,
    week_label,
)
from isdc.web.i18n import format_day, locale_code
from isdc.web.labels import label


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
    trainees = linker("analytics.drill_trainees", scope)
    hrefs = [trainees(month=m, status="completed") for m in months]
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


@bp.route("/throughput", endpoint="throughput")
@roles_required(*STAFF)
def throughput_page() -> Any:
    scope = current_scope()
    session = db.session
    months = scope.months()
    labels = [month_label(m) for m in months]
    trainees = linker("analytics.drill_trainees", scope)

    # Trainees trained per month, by course (stacked).
    per_month = throughput.trained_by_month_and_course(session, scope)
    courses = sorted({(r.course_id, r.course_code) for r in per_month}, key=lambda c: c[1])
    trained = {(r.month, r.course_id): r.trained for r in per_month}
    series = [
        charts.Series(code, [trained.get((m, cid), 0) for m in months],
                      [trainees(month=m, course=cid, status="completed") for m in months])
        for cid, code in courses
    ]  # fmt: skip
    by_month = Panel(
        name="trained-by-month",
        title=_("Trainees trained per month, by course"),
        header=[_("Month"), *[code for _id, code in courses], _("Total")],
        rows=[
            cells(m, *[Cell(trained.get((m, cid), 0), href=trainees(month=m, course=cid,
                       status="completed")) for cid, _code in courses],
                  sum(trained.get((m, cid), 0) for cid, _code in courses))
            for m in months
        ] if per_month else [],
        chart=charts.month_chart(labels, series, title=_("Trainees trained per month, by course"),
                                 element_id="chart-trained-by-month", kind="bar", stacked=True,
                                 number=number),
        note=_("A trainee counts once per completed course, in the month the session ended."),
    )  # fmt: skip

    # By organisation.
    organisations = throughput.by_organisation(session, scope)
    no_org = _("(no organisation)")
    bars = [
        charts.Bar(o.name or no_org, o.counts.completed,
                   trainees(organisation=o.organisation_id, status="completed")
                   if o.organisation_id else None,
                   note=_("%(n)s enrolments", n=number(o.counts.enrolments)))
        for o in organisations[:15]
    ]  # fmt: skip
    by_org = Panel(
        name="trained-by-organisation",
        title=_("Trainees trained by organisation"),
        header=[_("Organisation"), _("Enrolments"), _("Completed"), _("Not passed"),
                _("Withdrawn"), _("Completion rate (%)"), _("Pass rate (%)")],
        rows=[
            cells(Cell(o.name or no_org, href=trainees(organisation=o.organisation_id)
                       if o.organisation_id else None),
                  o.counts.enrolments, o.counts.completed, o.counts.failed, o.counts.withdrawn,
                  _round(o.counts.completion_rate), _round(o.counts.pass_rate))
            for o in organisations
        ],
        chart=charts.hbar_chart(bars, title=_("Trainees trained by organisation"),
                                element_id="chart-trained-by-organisation", number=number),
        note=_("The fifteen organisations with most trainees trained are drawn; the table "
               "lists all."),
    )  # fmt: skip

    # Completion and pass rates by course.
    per_course = throughput.by_course(session, scope)
    overall = throughput.totals(session, scope)
    locale = locale_code()
    rates = Panel(
        name="rates-by-course",
        title=_("Completion and pass rates by course"),
        header=[_("Course"), _("Title"), _("Enrolments"), _("Completed"), _("Not passed"),
                _("Withdrawn"), _("Not yet decided"), _("Completion rate (%)"),
                _("Pass rate (%)")],
        rows=[
            cells(Cell(c.code, href=trainees(course=c.course_id)), c.title(locale),
                  c.counts.enrolments, c.counts.completed, c.counts.failed, c.counts.withdrawn,
                  c.counts.open, _round(c.counts.completion_rate), _round(c.counts.pass_rate))
            for c in per_course
        ] + ([cells(_("All courses"), "", overall.enrolments, overall.completed, overall.failed,
                    overall.withdrawn, overall.open, _round(overall.completion_rate),
                    _round(overall.pass_rate))] if per_course else []),
        chart=charts.bar_chart(
            [c.code for c in per_course],
            [charts.Series(_("Completion rate (%)"),
                           [c.counts.completion_rate or 0 for c in per_course],
                           [trainees(course=c.course_id) for c in per_course]),
             charts.Series(_("Pass rate (%)"), [c.counts.pass_rate or 0 for c in per_course],
                           [trainees(course=c.course_id, status="completed")
                            for c in per_course])],
            title=_("Completion and pass rates by course"), element_id="chart-rates",
            y_label="%", number=number, y_max=100),
        note=_("Completion rate: finished the course (passed or not) of all enrolled, "
               "withdrawn included. Pass rate: completed of those who finished."),
    )  # fmt: skip

    # Days from enrolment to certificate.
    days = throughput.days_to_certificate(session, scope)
    per_course_days = [d for d in days if d.course_id is not None]
    everyone = days[-1]
    waiting = Panel(
        name="days-to-certificate",
        title=_("Days from enrolment to certificate"),
        header=[_("Course"), _("Certificates"), _("Mean days"), _("Shortest"), _("Longest")],
        rows=[
            cells(Cell(d.code, href=trainees(course=d.course_id, basis="issued")),
                  d.certificates, _round(d.mean_days), _round(d.shortest_days),
                  _round(d.longest_days))
            for d in per_course_days
        ] + ([cells(_("All courses"), everyone.certificates, _round(everyone.mean_days),
                    _round(everyone.shortest_days), _round(everyone.longest_days))]
             if per_course_days else []),
        chart=charts.hbar_chart(
            [charts.Bar(d.code or "", d.mean_days or 0,
                        trainees(course=d.course_id, basis="issued"),
                        note=_("%(n)s certificates", n=number(d.certificates)))
             for d in per_course_days],
            title=_("Days from enrolment to certificate"), element_id="chart-days",
            x_label=_("mean days"), number=number),
        note=_("Certificates issued in the period, first issues only (reissues left out)."),
    )  # fmt: skip
    return render_section("analytics/section.html", scope, "throughput",
                          [by_month, by_org, rates, waiting], heading=_("Throughput"))  # fmt: skip


def _round(value: float | None) -> float | None:
    """A percentage or a mean for a table cell and the CSV: one decimal."""
    return None if value is None else round(value, 1)


@bp.route("/certificates", endpoint="certificates")
@roles_required(*STAFF)
def certificates_page() -> Any:
    scope = current_scope()
    session = db.session
    today = local_today(scope.tzinfo)
    months = scope.months()
    labels = [month_label(m) for m in months]
    trainees = linker("analytics.drill_trainees", scope)

    issued = certificates.issued_by_month_and_course(session, scope)
    revoked = certificates.revoked_by_month_and_course(session, scope)
    issued_m = _sum_by_month(issued)
    revoked_m = _sum_by_month(revoked)
    monthly = Panel(
        name="issued-revoked",
        title=_("Certificates issued and revoked per month"),
        header=[_("Month"), _("Issued"), _("Revoked")],
        rows=[cells(m, Cell(issued_m.get(m, 0), href=trainees(basis="issued", month=m)),
                    Cell(revoked_m.get(m, 0), href=trainees(basis="revoked", month=m)))
              for m in months] if issued or revoked else [],
        chart=charts.month_chart(labels, [
            charts.Series(_("Issued"), [issued_m.get(m, 0) for m in months],
                          [trainees(basis="issued", month=m) for m in months]),
            charts.Series(_("Revoked"), [revoked_m.get(m, 0) for m in months],
                          [trainees(basis="revoked", month=m) for m in months]),
        ], title=_("Certificates issued and revoked per month"), element_id="chart-issued",
            kind="bar", number=number),
    )  # fmt: skip

    per_course = certificates.by_course(session, scope, today)
    by_course = Panel(
        name="by-course",
        title=_("Certificates by course"),
        header=[_("Course"), _("Issued"), _("of which reissues"), _("Revoked"),
                _("Expiring in 90 days")],
        rows=[cells(c.code, Cell(c.issued, href=trainees(basis="issued", course=c.course_id)),
                    c.reissued,
                    Cell(c.revoked, href=trainees(basis="revoked", course=c.course_id)),
                    Cell(c.expiring, href=trainees(basis="expiring", course=c.course_id)))
              for c in per_course],
        chart=charts.bar_chart([c.code for c in per_course], [
            charts.Series(_("Issued"), [c.issued for c in per_course],
                          [trainees(basis="issued", course=c.course_id) for c in per_course]),
            charts.Series(_("Revoked"), [c.revoked for c in per_course],
                          [trainees(basis="revoked", course=c.course_id) for c in per_course]),
            charts.Series(_("Expiring in 90 days"), [c.expiring for c in per_course],
                          [trainees(basis="expiring", course=c.course_id) for c in per_course]),
        ], title=_("Certificates by course"), element_id="chart-cert-courses", number=number),
        note=_("Issued and revoked: in the period. Expiring: valid certificates whose validity "
               "ends in the next 90 days, counted from today whatever the period."),
    )  # fmt: skip

    expiring = certificates.expiring_by_month_and_course(session, scope, today)
    ahead = Scope(today, today + timedelta(days=EXPIRY_WINDOW_DAYS), scope.site_id).months()
    codes = sorted({(r.course_id, r.course_code) for r in expiring}, key=lambda c: c[1])
    counts = {(r.month, r.course_id): r.count for r in expiring}
    soon = Panel(
        name="expiring",
        title=_("Valid certificates expiring in the next 90 days"),
        header=[_("Month"), _("Course"), _("Certificates")],
        rows=[cells(r.month, r.course_code,
                    Cell(r.count, href=trainees(basis="expiring", month=r.month,
                                                course=r.course_id)))
              for r in expiring],
        chart=charts.bar_chart([month_label(m) for m in ahead], [
            charts.Series(code, [counts.get((m, cid), 0) for m in ahead],
                          [trainees(basis="expiring", month=m, course=cid) for m in ahead])
            for cid, code in codes
        ], title=_("Valid certificates expiring in the next 90 days"),
            element_id="chart-expiring", stacked=True, number=number),
        note=_("From %(first)s to %(last)s. Invite these holders to a refresher course.",
               first=format_day(today), last=format_day(today + timedelta(days=EXPIRY_WINDOW_DAYS))),
    )  # fmt: skip
    return render_section("analytics/section.html", scope, "certificates",
                          [monthly, by_course, soon], heading=_("Certificates"))  # fmt: skip


def _sum_by_month(rows: list[Any]) -> dict[str, int]:
    out: dict[str, int] = {}
    for row in rows:
        out[row.month] = out.get(row.month, 0) + row.count
    return out


@bp.route("/resources", endpoint="resources")
@roles_required(*STAFF)
def resources_page() -> Any:
    scope = current_scope()
    session = db.session
    admin = current_user.role == Role.ADMIN

    facilities = resources.facility_use(session, scope)
    used = [f for f in facilities if f.bookable_hours > 0]
    utilisation = Panel(
        name="facility-utilisation",
        title=_("Facility utilisation"),
        header=[_("Facility"), _("Kind"), _("Bookable hours"), _("Booked hours"),
                _("Utilisation (%)")],
        rows=[cells(Cell(f.name, href=url_for("facilities.detail", facility_id=f.facility_id)
                         if admin else None),
                    label(f.kind), _round(f.bookable_hours), _round(f.booked_hours),
                    _round(f.utilisation))
              for f in facilities] if any(f.booked_hours for f in facilities) else [],
        chart=charts.hbar_chart(
            [charts.Bar(f.name, f.utilisation or 0,
                        url_for("facilities.detail", facility_id=f.facility_id) if admin else None,
                        note=_("%(booked)s of %(bookable)s hours", booked=number(f.booked_hours),
                               bookable=number(f.bookable_hours)))
             for f in sorted(used, key=lambda f: -(f.utilisation or 0))],
            title=_("Facility utilisation"), element_id="chart-utilisation",
            x_label=_("booked hours / bookable hours (%)"), number=number),
        note=_("Bookable: opening hours on open weekdays, less maintenance days. Booked: active "
               "bookings starting in the period. The organisation filter does not apply."),
    )  # fmt: skip

    loads = resources.instructor_load(session, scope)
    # Drawn in the second colour: whoever taught more than their contracted hours in a week.
    overloaded = {i.name for i in loads if i.busiest_week_hours > i.weekly_hours}
    load = Panel(
        name="instructor-load",
        title=_("Instructor load: mean teaching hours per week"),
        header=[_("Instructor"), _("Contracted hours per week"), _("Hours in the period"),
                _("Weeks taught"), _("Mean hours per week"), _("Busiest week (hours)"),
                _("Load (%)")],
        rows=[cells(Cell(i.name, href=url_for("instructors.profile",
                                              instructor_id=i.instructor_id) if admin else None),
                    i.weekly_hours, _round(i.total_hours), i.weeks_taught,
                    _round(i.mean_week_hours), _round(i.busiest_week_hours), _round(i.load))
              for i in loads],
        chart=charts.hbar_chart(
            [charts.Bar(i.name, i.mean_week_hours,
                        url_for("instructors.profile", instructor_id=i.instructor_id)
                        if admin else None,
                        note=_("contracted %(hours)s h", hours=number(i.weekly_hours)))
             for i in loads],
            title=_("Instructor load: mean teaching hours per week"),
            element_id="chart-instructor-load", x_label=_("hours per week"), number=number,
            highlight=lambda bar: bar.label in overloaded),
        note=_("Mean over the %(weeks)s weeks the period touches; instructor bookings of the "
               "sessions in scope. Orange: the busiest week went over the contracted hours.",
               weeks=number(resources.weeks_in(scope))),
    )  # fmt: skip

    weeks = resources.teaching_hours_per_week(session, scope)
    weekly = Panel(
        name="teaching-hours-per-week",
        title=_("Teaching hours per week"),
        header=[_("Week from"), _("Teaching hours"), _("Instructors")],
        rows=[cells(w.week, _round(w.hours), w.instructors) for w in weeks],
        chart=charts.bar_chart([week_label(w.week) for w in weeks],
                               [charts.Series(_("Teaching hours"), [w.hours for w in weeks])],
                               title=_("Teaching hours per week"), element_id="chart-weeks",
                               y_label=_("hours"), number=number),
    )  # fmt: skip

    bays = resources.bay_use(session, scope, facilities)
    runs = linker("analytics.drill_runs", scope)
    idle = Panel(
        name="bay-idle-time",
        title=_("Simulator bays: bookable, booked and driven hours"),
        header=[_("Simulator bay"), _("Bookable hours"), _("Booked hours"), _("Driven hours"),
                _("Runs"), _("Idle hours"), _("Idle (%)")],
        rows=[cells(b.name, _round(b.bookable_hours), _round(b.booked_hours),
                    _round(b.driven_hours), Cell(b.runs, href=runs(facility=b.facility_id)),
                    _round(b.idle_hours), _round(b.idle_share))
              for b in bays] if any(b.booked_hours or b.runs for b in bays) else [],
        # One stacked bar per bay adding up to its bookable hours: driven, booked but not
        # driven, and neither - so the idle part is the visible rest of the bar.
        chart=charts.bar_chart([b.name for b in bays], [
            charts.Series(_("Driven"), [min(b.driven_hours, b.bookable_hours) for b in bays],
                          [runs(facility=b.facility_id) for b in bays]),
            charts.Series(_("Booked, not driven"),
                          [max(min(b.booked_hours, b.bookable_hours) - b.driven_hours, 0)
                           for b in bays]),
            charts.Series(_("Not booked"),
                          [max(b.bookable_hours - max(b.booked_hours, b.driven_hours), 0)
                           for b in bays]),
        ], title=_("Simulator bays: bookable, booked and driven hours"), stacked=True,
            element_id="chart-bays", y_label=_("hours"), number=number),
        note=_("Each bar is the bay's bookable hours. Idle = bookable hours not spent driving "
               "(the runs' simulated time at the bay's stations)."),
    )  # fmt: skip
    return render_section("analytics/section.html", scope, "resources",
                          [utilisation, load, weekly, idle], heading=_("Resources"))  # fmt: skip
