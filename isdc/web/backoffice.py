"""Helpers shared by the back-office areas (trainees, instructors, facilities, courses,
schedule): records of the signed-in user's site or 404, domain refusals onto forms, paging,
CSV downloads, and who may manage a session."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from math import ceil
from typing import Any, TypeVar
from urllib.parse import quote

from flask import Response, request
from flask_babel import gettext
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from isdc.extensions import db
from isdc.models import CourseSession, Role, SessionInstructor
from isdc.models.base import local_today
from isdc.models.rules import InvalidRecord, RuleViolation
from isdc.web.errors import abort_with
from isdc.web.i18n import explain

T = TypeVar("T")
PER_PAGE = 25


def site_today() -> date:
    """Today on the signed-in user's site calendar."""
    return local_today(current_user.site.tzinfo)


def record_or_404(model: type[T], ident: int, what: str | None = None) -> T:
    """The record with this id on the user's site; a 404 page naming what was not found."""
    record = db.session.get(model, ident)
    if record is None or getattr(record, "site_id", current_user.site_id) != current_user.site_id:
        abort_with(404, what or gettext("There is no such record."))
    return record  # type: ignore[return-value]


def explain_all(error: InvalidRecord) -> list[str]:
    return [explain(v) for v in error.violations]


def show_on_form(
    form: FlaskForm, violations: InvalidRecord | list[RuleViolation], fields: Mapping[str, str] = {}
) -> None:
    """Put each broken rule under its field (``fields`` maps rule fields to form fields), or
    above the form when no field matches."""
    found = violations.violations if isinstance(violations, InvalidRecord) else violations
    for violation in found:
        name = fields.get(violation.field, violation.field)
        field = getattr(form, name, None) if name else None
        message = explain(violation)
        if field is not None and hasattr(field, "errors") and name != "meta":
            field.errors = [*field.errors, message]
        else:
            form.form_errors.append(message)


@dataclass(frozen=True)
class Pagination:
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    @property
    def first_shown(self) -> int:
        return self.offset + 1 if self.total else 0

    @property
    def last_shown(self) -> int:
        return min(self.total, self.offset + self.per_page)

    def window(self, around: int = 2) -> list[int | None]:
        """Page numbers to link, with None for a gap: 1 … 4 5 [6] 7 8 … 20."""
        shown = sorted({1, self.pages, *range(max(1, self.page - around),
                                              min(self.pages, self.page + around) + 1)})  # fmt: skip
        result: list[int | None] = []
        for number in shown:
            if result and number - (result[-1] or 0) > 1:
                result.append(None)
            result.append(number)
        return result


def page_number() -> int:
    raw = request.args.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 1_000_000 else 1


def paginate(total: int, per_page: int = PER_PAGE) -> Pagination:
    page = min(page_number(), max(1, ceil(total / per_page)))
    return Pagination(page, per_page, total)


def url_args(**changes: Any) -> dict[str, Any]:
    """The current query arguments with some changed (for paging and sorting links)."""
    args = {k: v for k, v in request.args.items() if v != ""}
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    return args


def csv_download(data: bytes, filename: str) -> Response:
    return Response(
        data,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}",
            "Cache-Control": "no-store",
        },
    )


def is_admin() -> bool:
    return current_user.is_authenticated and current_user.role == Role.ADMIN


def can_manage_session(session: CourseSession) -> bool:
    """Admins manage every session; an instructor the sessions they teach or scheduled."""
    if is_admin():
        return True
    if current_user.role != Role.INSTRUCTOR:
        return False
    if session.created_by_id == current_user.id:
        return True
    if current_user.instructor_id is None:
        return False
    return (
        db.session.scalar(
            select(SessionInstructor.id).where(
                SessionInstructor.session_id == session.id,
                SessionInstructor.instructor_id == current_user.instructor_id,
            )
        )
        is not None
    )


def require_manage(session: CourseSession) -> None:
    if not can_manage_session(session):
        abort_with(
            403,
            gettext("Only the session's instructors and administrators can change this session."),
        )


def uploaded_bytes(field_name: str = "file") -> tuple[bytes, str] | None:
    """The uploaded file's content and name, or None when nothing was chosen."""
    upload = request.files.get(field_name)
    if upload is None or not upload.filename:
        return None
    return upload.read(), upload.filename
