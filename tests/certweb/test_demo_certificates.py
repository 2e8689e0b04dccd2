"""The demo's certificates: months of them, issued through the real service (stored PDFs,
gap-free serials in calendar order), one reissued, one revoked, some expired, and a finished
session whose eligible trainees still wait for the administrator."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from isdc.certificates import is_well_formed, parse_serial
from isdc.demo import seed_demo
from isdc.demo.certificates import REISSUE_REASON, REVOKED_REASON, WAITING_SESSION
from isdc.models import (
    Base,
    Certificate,
    CertificateStatus,
    CourseSession,
    EffectiveStatus,
    Site,
    User,
)
from isdc.models.eligibility import session_eligibility
from isdc.models.issuing import CertificateStore

FRIDAY = date(2026, 11, 27)


def seeded(folder, seed: int = 11):  # type: ignore[no-untyped-def]
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    db = Session(engine)
    site = Site(name="ISDC Serpong", code="SRP")
    db.add(site)
    store = CertificateStore(folder)
    demo = seed_demo(db, site, FRIDAY, seed=seed, certificate_store=store)
    db.commit()
    return db, demo, store


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):  # type: ignore[no-untyped-def]
    return seeded(tmp_path_factory.mktemp("demo-instance"))


def test_months_of_certificates_with_stored_pdfs(demo_db) -> None:
    db, _, store = demo_db
    certificates = db.scalars(select(Certificate)).all()
    assert len(certificates) > 60
    months = {(c.issued_at.year, c.issued_at.month) for c in certificates}
    assert len(months) >= 6
    for certificate in certificates:
        assert is_well_formed(certificate.verification_code)
        assert store.read(certificate)[:5] == b"%PDF-"  # the file exists and is the one issued
    assert sorted(store.files()) == sorted(c.pdf_path for c in certificates)


def test_serials_are_gap_free_per_course_and_year_in_calendar_order(demo_db) -> None:
    db, _, _ = demo_db
    groups: dict[tuple[int, str], list[tuple[object, int]]] = {}
    for certificate in db.scalars(select(Certificate)):
        serial = parse_serial(certificate.serial)
        groups.setdefault((serial.year, serial.course_code), []).append(
            (certificate.issued_at, serial.number)
        )
    for key, items in groups.items():
        numbers = [n for _, n in sorted(items, key=lambda item: (item[0], item[1]))]
        assert numbers == list(range(1, len(numbers) + 1)), key


def test_one_reissued_one_revoked_and_some_expired(demo_db) -> None:
    db, _, _ = demo_db
    revoked = db.scalars(
        select(Certificate).where(Certificate.status == CertificateStatus.REVOKED)
    ).all()
    assert sorted(c.revoke_reason for c in revoked) == sorted([REISSUE_REASON, REVOKED_REASON])
    replacement = db.scalar(select(Certificate).where(Certificate.replaces_id.is_not(None)))
    old = db.get(Certificate, replacement.replaces_id)
    assert old.revoke_reason == REISSUE_REASON and old.holder_name != replacement.holder_name
    assert replacement.valid_until == old.valid_until
    assert all(c.revoked_at > c.issued_at for c in revoked)
    expired = [
        c
        for c in db.scalars(select(Certificate))
        if c.effective_status(FRIDAY) == EffectiveStatus.EXPIRED
    ]
    assert len(expired) >= 3 and all(c.serial.startswith("ISDC/2024/SRM/") for c in expired)


def test_a_finished_session_waits_with_eligible_and_ineligible_trainees(demo_db) -> None:
    db, _, _ = demo_db
    waiting = db.scalar(select(CourseSession).where(CourseSession.name == WAITING_SESSION))
    assert (
        db.scalar(select(func.count(Certificate.id)).where(Certificate.session_id == waiting.id))
        == 0
    )
    checks = session_eligibility(
        db, waiting, waiting.ends_at.replace(year=waiting.ends_at.year + 1)
    )
    eligible = [c for c in checks.values() if c.eligible]
    fields = sorted(v.field for c in checks.values() for v in c.shortfalls)
    assert len(eligible) >= 5
    assert "scenario" in fields and "enrolment" in fields  # one still has to pass, one failed


def test_the_demo_trainee_has_a_certificate(demo_db) -> None:
    db, _, _ = demo_db
    peserta = db.scalar(select(User).where(User.username == "peserta"))
    owned = db.scalars(
        select(Certificate).where(Certificate.trainee_id == peserta.trainee_id)
    ).all()
    assert [c.course_title_id for c in owned] == ["Safety Riding Sepeda Motor"]


def test_the_demo_certificates_are_deterministic(demo_db, tmp_path) -> None:
    db, _, _ = demo_db
    again, _, _ = seeded(tmp_path)
    query = select(Certificate.serial, Certificate.holder_name, Certificate.verification_code,
                   Certificate.pdf_sha256).order_by(Certificate.serial)  # fmt: skip
    assert db.execute(query).all() == again.execute(query).all()


def test_without_a_store_the_demo_issues_nothing(tmp_path) -> None:
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    db = Session(engine)
    site = Site(name="ISDC Serpong", code="SRP")
    db.add(site)
    seed_demo(db, site, FRIDAY, seed=11)
    db.commit()
    assert db.scalar(select(func.count(Certificate.id))) == 0
