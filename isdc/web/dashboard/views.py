"""Dashboards: one page, shaped by the role of whoever opens it."""

from __future__ import annotations

from typing import Any

from flask import redirect, render_template, url_for
from flask_login import current_user

from isdc.extensions import db
from isdc.models import Role
from isdc.models.base import utcnow
from isdc.scheduling.resources import expiring_qualifications, expiring_registrations
from isdc.web.access import login_required, public
from isdc.web.dashboard import bp, queries
from isdc.web.i18n import local_now


@bp.route("/")
@public
def home() -> Any:
    """The site root: the dashboard when signed in, else the sign-in page."""
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    return redirect(url_for("auth.login"))


@bp.route("/dashboard")
@login_required
def index() -> Any:
    user = current_user
    if user.role == Role.ADMIN:
        overview = queries.admin_overview(db.session, user.site_id, utcnow())
        today = local_now().date()
        return render_template(
            "dashboard/admin.html",
            overview=overview,
            # Back office: what runs out within 30 days (or has run out).
            qualification_warnings=expiring_qualifications(db.session, user.site_id, today),
            stnk_warnings=expiring_registrations(db.session, user.site_id, today),
        )
    if user.role == Role.INSTRUCTOR:
        day = None
        warnings = []
        if user.instructor_id is not None:
            now = local_now()
            day = queries.instructor_day(db.session, user.instructor_id, now.date(), now.tzinfo)
            warnings = expiring_qualifications(
                db.session, user.site_id, now.date(), instructor_id=user.instructor_id
            )
        return render_template(
            "dashboard/instructor.html", plan=day, now=utcnow(), qualification_warnings=warnings
        )
    schedule = None
    if user.trainee_id is not None:
        schedule = queries.trainee_schedule(db.session, user.trainee_id, utcnow())
    return render_template("dashboard/trainee.html", schedule=schedule, now=utcnow())
