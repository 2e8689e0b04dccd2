"""Concurrent issuing for one course and year: serials stay unique and without gaps, each
enrolment gets one certificate, and a failing issuer gives its numbers back.

Runs on the test database of the session: on PostgreSQL (``ISDC_TEST_DATABASE_URL``) the
counter row lock and the partial unique index do the work; SQLite serialises writers itself.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from isdc.certificates import parse_serial
from isdc.extensions import db
from isdc.models import Certificate, CertificateSerialCounter, Enrolment
from isdc.models.base import utcnow
from isdc.models.issuing import CertificateStore, Issuer, IssueRefused, issue_certificate
from tests.certweb.helpers import BASE_URL, configure_site, finished_cohort, make_course


class FullDisk(CertificateStore):
    """A store that fails after the numbers were taken, to prove they are given back."""

    def write_new(self, files: Sequence[tuple[str, bytes]]) -> list[str]:
        raise OSError(28, "No space left on device")


def run_together(jobs: list[tuple[int, Issuer]]) -> list[object]:
    """Issue each (enrolment id, issuer) in its own thread and database session, all released
    at once; returns each job's certificate serial or the exception it raised."""
    engine = db.engine
    barrier = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)

    def work(index: int, enrolment_id: int, issuer: Issuer) -> None:
        with Session(engine) as session:
            enrolment = session.get(Enrolment, enrolment_id)
            barrier.wait()
            try:
                results[index] = issue_certificate(session, enrolment, issuer).serial
            except Exception as exc:  # noqa: BLE001 - the test inspects what each thread met
                results[index] = exc

    threads = [
        threading.Thread(target=work, args=(i, enrolment_id, issuer))
        for i, (enrolment_id, issuer) in enumerate(jobs)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "an issuer hung"
    return results


def test_concurrent_issuers_get_unique_gap_free_serials(app, make, db_session) -> None:
    configure_site(db_session, make.site)
    course = make_course(make, code="KONK")
    first = finished_cohort(make, [f"Peserta A{i}" for i in range(4)], course=course)
    second = finished_cohort(make, [f"Peserta B{i}" for i in range(4)], course=course)
    store = CertificateStore(app.instance_path)
    good = Issuer(store=store, base_url=BASE_URL)
    broken = Issuer(store=FullDisk(app.instance_path), base_url=BASE_URL)
    enrolments = [e.id for e in first.enrolments + second.enrolments]
    jobs = [(e, good) for e in enrolments]
    jobs += [(enrolments[0], good), (enrolments[5], good)]  # the same trainee twice at once
    jobs += [(enrolments[3], broken), (enrolments[6], broken)]  # fail after taking numbers
    # The course's counter exists (as after its first certificate), so every issuer goes
    # through the locking UPDATE rather than racing to create the row.
    year = utcnow().astimezone(make.site.tzinfo).year
    db_session.add(CertificateSerialCounter(year=year, course_id=course.id, last_number=0))
    db_session.commit()
    db_session.close()  # let the threads have the database

    results = run_together(jobs)

    serials = [r for r in results if isinstance(r, str)]
    errors = [r for r in results if not isinstance(r, str)]
    assert sorted(parse_serial(s).number for s in serials) == list(range(1, 9)), results
    assert all(isinstance(e, IssueRefused | OSError) for e in errors), errors
    assert sum(isinstance(e, OSError) for e in errors) <= 2
    rows = db_session.execute(select(Certificate.enrolment_id, Certificate.serial)).all()
    assert sorted(e for e, _ in rows) == sorted(enrolments)  # one certificate each
    assert len({s for _, s in rows}) == 8
    assert sorted(store.files()) == sorted(
        c.pdf_path for c in db_session.scalars(select(Certificate))
    )
