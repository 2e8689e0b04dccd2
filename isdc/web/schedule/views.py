"""The session list: upcoming, past or all, filtered by course, instructor and status."""

from __future__ import annotations

from typing import Any

from flask import render_template, request
from flask_login import current_user
from sqlalchemy import select

from isdc.extensions import db
from isdc.models import Course, Instructor, RecordStatus, Role, SessionStatus
from isdc.models.base import utcnow
from isdc.web.access import roles_required
from isdc.web.backoffice import paginate, url_args
from isdc.web.i18n import locale_code
from isdc.web.schedule import bp, queries


@bp.route("")
@roles_required(Role.ADMIN, Role.INSTRUCTOR)
def index() -> Any:
    site_id = current_user.site_id
    now = utcnow()
    wanted = queries.SessionFilter.from_args(request.args)
    if "instructor" not in request.args and current_user.role == Role.INSTRUCTOR:
        # An instructor starts with their own sessions; "all instructors" is one click away.
        wanted = queries.SessionFilter(wanted.period, wanted.course_id,
                                       current_user.instructor_id, wanted.status)  # fmt: skip
    pages = paginate(queries.count_sessions(db.session, site_id, wanted, now))
    rows = queries.session_rows(db.session, site_id, wanted, now, pages.offset, pages.per_page)
    locale = locale_code()
    courses = [(c.id, f"{c.code} · {c.title(locale)}") for c in db.session.scalars(
        select(Course).where(Course.site_id == site_id).order_by(Course.code))]  # fmt: skip
    instructors = db.session.execute(
        select(Instructor.id, Instructor.rank, Instructor.full_name)
        .where(Instructor.site_id == site_id, Instructor.status == RecordStatus.ACTIVE)
        .order_by(Instructor.full_name)
    ).all()
    args = url_args(page=None)
    if wanted.instructor_id and "instructor" not in args:
        args["instructor"] = wanted.instructor_id
    return render_template(
        "schedule/index.html",
        rows=rows,
        pages=pages,
        wanted=wanted,
        courses=courses,
        instructors=instructors,
        statuses=list(SessionStatus),
        args=args,
        now=now,
    )
