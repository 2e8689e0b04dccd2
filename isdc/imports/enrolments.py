"""Enrolling a list sent by a company or school into one session.

Each row names a trainee by NIK and name. Trainees already in the records are matched (the name
must agree, so a mistyped NIK does not enrol someone else); new ones need the full trainee
columns and are created. The preview says for every row what will happen - enrolled, or which
place on the waitlist - or why it cannot; the import does all of it or nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from isdc.imports.columns import ENROLMENT_REQUIRED, match_header
from isdc.imports.csvfile import CsvTable
from isdc.imports.trainees import (
    REQUIRED,
    RowResult,
    cells_of,
    field_count_problem,
    mark_duplicates,
    organisations_by_name,
    read_trainee,
    registered_niks,
)
from isdc.models import (
    CourseSession,
    Enrolment,
    EnrolmentSource,
    EnrolmentStatus,
    RecordStatus,
    ResourceKind,
    Site,
    Trainee,
)
from isdc.models.audit import AuditAction, audit, suspended
from isdc.models.rules import N_, InvalidRecord, RuleViolation
from isdc.scheduling.clashes import find_clashes
from isdc.scheduling.enrolment import enrol as enrol_one
from isdc.scheduling.enrolment import places, session_problems, trainee_requests


@dataclass
class EnrolmentRow(RowResult):
    existing: Trainee | None = None
    outcome: EnrolmentStatus | None = None  # what the import will make of the row
    waitlist_position: int | None = None
    clash_names: list[str] = field(default_factory=list)


@dataclass
class EnrolmentPreview:
    session_problems: list[RuleViolation]
    file_problems: list[RuleViolation]
    ignored_columns: list[str]
    rows: list[EnrolmentRow]

    @property
    def ok(self) -> bool:
        return (
            not self.session_problems
            and not self.file_problems
            and bool(self.rows)
            and all(r.ok for r in self.rows)
        )

    @property
    def bad_rows(self) -> list[EnrolmentRow]:
        return [r for r in self.rows if not r.ok]

    @property
    def new_trainees(self) -> int:
        return sum(1 for r in self.rows if r.ok and r.existing is None)


def _same_name(a: str, b: str) -> bool:
    return " ".join(a.lower().split()) == " ".join(b.lower().split())


def preview_enrolment_import(
    db: Session, session: CourseSession, table: CsvTable, today: date, now: datetime
) -> EnrolmentPreview:
    """Check every row against the records and the session; nothing is written."""
    site: Site = session.site
    blocked = session_problems(session, now)
    header = match_header(table.header, ENROLMENT_REQUIRED)
    if header.problems:
        return EnrolmentPreview(blocked, header.problems, header.ignored, [])
    organisations = organisations_by_name(db, site)
    rows: list[EnrolmentRow] = []
    for row in table.rows:
        cells = cells_of(row, header.positions)
        result = EnrolmentRow(row.line, cells, None)
        if len(row.values) != len(table.header):
            result.problems.append(field_count_problem(row, table))
        rows.append(result)
    known = registered_niks(db, [r.nik for r in rows if r.nik])
    for row in rows:
        if row.problems:
            continue
        trainee = known.get(row.nik)
        if trainee is None:
            # Not in the records yet: every trainee column is needed to create them.
            row.data, row.problems = read_trainee(row.cells, today, organisations, REQUIRED)
            continue
        row.existing = trainee
        _check_existing(row, trainee)
    mark_duplicates(rows)
    _check_session(db, session, rows)
    if not blocked and all(r.ok for r in rows):
        _predict(db, session, rows)
    return EnrolmentPreview(blocked, [], header.ignored, rows)


def _check_existing(row: EnrolmentRow, trainee: Trainee) -> None:
    name = " ".join(row.cells.get("full_name", "").split())
    if not name:
        row.problems.append(
            RuleViolation("full_name", N_("%(column)s is empty."), {"column": "Nama lengkap"})
        )
    elif not _same_name(name, trainee.full_name):
        row.problems.append(
            RuleViolation(
                "full_name",
                N_('NIK %(nik)s belongs to %(name)s in the records, not to "%(given)s".'),
                {"nik": trainee.nik, "name": trainee.full_name, "given": name},
            )
        )
    if trainee.status == RecordStatus.RETIRED:
        row.problems.append(
            RuleViolation(
                "trainee", N_("%(name)s is retired and cannot be enrolled."),
                {"name": trainee.full_name},
            )
        )  # fmt: skip


def _check_session(db: Session, session: CourseSession, rows: list[EnrolmentRow]) -> None:
    """Trainees already in the session, or enrolled elsewhere at the same time (one query
    for the whole list)."""
    existing = [r for r in rows if r.existing is not None]
    if not existing:
        return
    ids = [r.existing.id for r in existing if r.existing]
    already = dict(
        db.execute(
            select(Enrolment.trainee_id, Enrolment.status).where(
                Enrolment.session_id == session.id,
                Enrolment.trainee_id.in_(ids),
                Enrolment.status != EnrolmentStatus.WITHDRAWN,
            )
        ).all()
    )
    requests = [req for trainee_id in ids for req in trainee_requests(session, trainee_id)]
    clashes = find_clashes(db, requests, session.site.tzinfo)
    for row in existing:
        trainee = row.existing
        assert trainee is not None
        status = already.get(trainee.id)
        if status is not None:
            message = (
                N_("%(name)s is already on the waiting list of this session.")
                if status == EnrolmentStatus.WAITLISTED
                else N_("%(name)s is already enrolled in this session.")
            )
            row.problems.append(RuleViolation("trainee", message, {"name": trainee.full_name}))
            continue
        for clash in clashes:
            if clash.resource_kind == ResourceKind.TRAINEE and clash.resource_id == trainee.id:
                row.problems.append(
                    RuleViolation(
                        "trainee",
                        N_("%(name)s is enrolled in %(session)s at the same time (%(day)s)."),
                        {"name": trainee.full_name,
                         "session": clash.other_session_name or clash.reason or "",
                         "day": clash.day.strftime("%d/%m/%Y")},
                    )
                )  # fmt: skip
                break


def _predict(db: Session, session: CourseSession, rows: list[EnrolmentRow]) -> None:
    """Who gets a place and who waits, in file order (as the import will do it)."""
    count = places(db, session)
    free = count.free if count.waiting == 0 else 0
    waiting = count.waiting
    for row in rows:
        if free > 0:
            row.outcome = EnrolmentStatus.ENROLLED
            free -= 1
        else:
            waiting += 1
            row.outcome = EnrolmentStatus.WAITLISTED
            row.waitlist_position = waiting


def import_enrolments(
    db: Session,
    session: CourseSession,
    preview: EnrolmentPreview,
    *,
    by_user_id: int | None,
    now: datetime,
    file_name: str | None = None,
) -> list[Enrolment]:
    """Create the new trainees and enrol everyone in file order (the caller commits: all or
    nothing). Raises what :func:`isdc.scheduling.enrolment.enrol` raises if the session
    changed since the preview."""
    if not preview.ok:
        raise InvalidRecord(
            preview.session_problems
            or preview.file_problems
            or [p for r in preview.bad_rows for p in r.problems]
        )
    site = session.site
    created: list[Trainee] = []
    enrolments: list[Enrolment] = []
    with suspended():
        for row in preview.rows:
            trainee = row.existing
            if trainee is None:
                assert row.data is not None
                trainee = row.data.to_trainee(site)
                db.add(trainee)
                db.flush()
                created.append(trainee)
            enrolments.append(
                enrol_one(db, session, trainee, source=EnrolmentSource.CSV,
                          by_user_id=by_user_id, now=now)
            )  # fmt: skip
    audit(
        db,
        AuditAction.IMPORT,
        session,
        file=file_name,
        enrolled=[e.trainee_id for e in enrolments if e.status == EnrolmentStatus.ENROLLED],
        waitlisted=[e.trainee_id for e in enrolments if e.status == EnrolmentStatus.WAITLISTED],
        created_trainees=[t.id for t in created],
    )
    return enrolments
