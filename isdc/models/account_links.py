"""Which person an instructor or trainee account may belong to: one of the account's site,
active, without an account yet. Shared by the Pengguna pages and ``flask create-user``."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from isdc.models.accounts import User
from isdc.models.base import RecordStatus
from isdc.models.identity import normalise_nik
from isdc.models.people import Instructor, Trainee
from isdc.models.rules import N_, RuleViolation


def free_instructors(db: Session, site_id: int) -> list[Instructor]:
    """Active instructors of the site without an account, by name."""
    taken = select(User.instructor_id).where(User.instructor_id.is_not(None))
    return list(
        db.scalars(
            select(Instructor)
            .where(
                Instructor.site_id == site_id,
                Instructor.status == RecordStatus.ACTIVE,
                Instructor.id.not_in(taken),
            )
            .order_by(Instructor.full_name)
        )
    )


def linkable_trainee(
    db: Session, site_id: int, raw_nik: str
) -> tuple[Trainee | None, list[RuleViolation]]:
    """The trainee with this NIK (typed with or without separators) a new account may link
    to, or the broken rule: no NIK, no such trainee, retired, already has an account."""
    nik = normalise_nik(raw_nik or "")
    if not nik:
        return None, [RuleViolation("trainee_nik", N_("Enter the trainee's NIK."))]
    trainee = db.scalar(select(Trainee).where(Trainee.nik == nik, Trainee.site_id == site_id))
    if trainee is None:
        return None, [RuleViolation("trainee_nik", N_("No trainee has this NIK."))]
    if trainee.status != RecordStatus.ACTIVE:
        return None, [RuleViolation("trainee_nik", N_("This trainee is retired."))]
    holder = db.scalar(select(User.username).where(User.trainee_id == trainee.id))
    if holder:
        return None, [
            RuleViolation(
                "trainee_nik",
                N_("This trainee already has the account %(username)s."),
                {"username": holder},
            )
        ]
    return trainee, []
