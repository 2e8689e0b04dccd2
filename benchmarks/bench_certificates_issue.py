"""Certificates through the issuing service on a real database: a cohort of 500, and one.

Figures (issue 7, SPEC §8):

* ``cert_issue_500_s`` - one cohort of 500 eligible trainees: eligibility checked under the
  serial counter's lock, 500 gap-free serials, 500 PDFs (800 px logo, 1200 px signature)
  rendered, written and fsync'ed, 500 rows and audit entries committed - then the batch PDF
  read back from the stored files (hashes checked) and built. Budget <= 3 s (median of rounds).
* ``cert_issue_one_ms`` - one certificate issued end to end (one transaction, one PDF, one
  file), median over a series. Budget <= 20 ms, the SPEC's figure for one certificate.

The database is a SQLite file in a temporary folder (the default installation), or the
PostgreSQL database named by ``ISDC_BENCH_DATABASE_URL`` (its tables are created and dropped).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine, insert
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402
from bench_certificates import FIRST, LAST, make_logo, make_signature  # noqa: E402

from isdc.config import normalise_database_url  # noqa: E402
from isdc.models import (  # noqa: E402
    Attendance,
    AttendanceStatus,
    Base,
    Course,
    CourseCategory,
    CourseScenarioRequirement,
    CourseSession,
    Enrolment,
    EnrolmentStatus,
    Run,
    SessionSlot,
    Sex,
    Site,
    Trainee,
    VehicleKind,
)
from isdc.models.identity import nik_date_part  # noqa: E402
from isdc.models.issuing import (  # noqa: E402
    CertificateStore,
    Issuer,
    issue_certificate,
    issue_to_session,
    print_session,
)

COHORT = 500
ROUNDS = 3
SINGLES = 30
TZ = ZoneInfo("Asia/Jakarta")
SCENARIOS = ("urban_intersection", "emergency_brake")


def configured_site(db: Session, instance: Path) -> Site:
    branding = instance / "branding"
    branding.mkdir(parents=True, exist_ok=True)
    (branding / "logo.png").write_bytes(make_logo())
    (branding / "signature.png").write_bytes(make_signature())
    site = Site(
        name="Indonesia Safety Driving Center (ISDC) Serpong",
        code="SRP",
        address="Jl. Raya Serpong, Tangerang Selatan, Banten",
        public_base_url="https://isdc.example.go.id",
        certificate_signatory_name="Kombes Pol. Dr. Bagus Hendrawan, S.I.K., M.Si.",
        certificate_signatory_title="Kepala Indonesia Safety Driving Center",
        certificate_signatory_title_en="Head of the Indonesia Safety Driving Center",
        certificate_place="Serpong",
        logo_path="branding/logo.png",
        signature_path="branding/signature.png",
    )
    db.add(site)
    db.flush()
    return site


def eligible_cohort(db: Session, site: Site, course: Course, size: int, tag: str) -> CourseSession:
    """A two-day session that ended yesterday; everyone attended, passed and was signed off.
    Bulk inserts (this is set-up, not measured)."""
    last = date.today() - timedelta(days=1)
    days = [last - timedelta(days=1), last]
    session = CourseSession(
        site=site,
        course=course,
        name=f"Angkatan {tag}",
        capacity=size,
        starts_at=datetime.combine(days[0], clock(8), tzinfo=TZ),
        ends_at=datetime.combine(days[-1], clock(16), tzinfo=TZ),
    )
    session.slots = [
        SessionSlot(
            starts_at=datetime.combine(d, clock(8), tzinfo=TZ),
            ends_at=datetime.combine(d, clock(16), tzinfo=TZ),
        )
        for d in days
    ]
    db.add(session)
    db.flush()
    birth = date(1990, 5, 17)
    trainee_rows = [
        {
            "site_id": site.id,
            "nik": f"3674{hash(tag) % 100:02d}{nik_date_part(birth, Sex.MALE)}{i:04d}",
            "full_name": f"{FIRST[i % 10]} {LAST[(i // 10) % 10]} {tag}{i}",
            "birth_date": birth,
            "sex": Sex.MALE.value,
            "status": "active",
        }
        for i in range(size)
    ]
    trainee_ids = list(db.scalars(insert(Trainee).returning(Trainee.id), trainee_rows))
    enrolled_at = session.starts_at - timedelta(days=7)
    signed = session.ends_at
    enrolment_ids = list(
        db.scalars(
            insert(Enrolment).returning(Enrolment.id),
            [
                {
                    "trainee_id": t,
                    "session_id": session.id,
                    "status": EnrolmentStatus.ENROLLED.value,
                    "enrolled_at": enrolled_at,
                    "status_changed_at": enrolled_at,
                    "source": "manual",
                    "practical_signed_off_at": signed,
                }  # fmt: skip
                for t in trainee_ids
            ],
        )
    )
    db.execute(
        insert(Attendance),
        [
            {"enrolment_id": e, "day": d, "status": AttendanceStatus.PRESENT.value}
            for e in enrolment_ids
            for d in days
        ],
    )
    started = session.ends_at - timedelta(hours=2)
    db.execute(
        insert(Run),
        [
            {
                "id": uuid.uuid4(),
                "site_id": site.id,
                "trainee_id": t,
                "scenario_id": s,
                "scenario_version": "1",
                "vehicle": "car",
                "driver": "wheel",
                "seed": 1,
                "started_at": started,
                "duration_s": 200.0,
                "ticks": 12000,
                "outcome": "completed",
                "simulator_version": "bench",
                "telemetry_path": "runs/x.isdc.npz",
                "telemetry_sha256": "0" * 64,
                "telemetry_size": 1,
                "received_at": started,
                "updated_at": started,
                "score": 70.0 + i % 30,
                "passed": True,
                "rubric_version": "1",
                "scorer_version": "bench",
            }  # fmt: skip
            for i, t in enumerate(trainee_ids)
            for s in SCENARIOS
        ],
    )
    db.commit()
    return session


def new_database(url: str | None, instance: Path):  # type: ignore[no-untyped-def]
    engine = create_engine(url or f"sqlite:///{instance / 'bench.sqlite'}")
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    return engine


def one_round(url: str | None, number: int) -> tuple[float, float, list[float]]:
    with tempfile.TemporaryDirectory(prefix="isdc-bench-issue-") as folder:
        instance = Path(folder)
        engine = new_database(url, instance)
        try:
            with Session(engine) as db:
                site = configured_site(db, instance)
                course = Course(site=site, code="DDC", title_id="Mengemudi Defensif (Mobil)",
                                title_en="Defensive Driving (Car)", category=CourseCategory.DEFENSIVE_CAR,
                                duration_days=2, duration_hours=16, min_attendance_pct=100,
                                requires_practical_signoff=True, certificate_validity_months=36)  # fmt: skip
                course.scenario_requirements = [
                    CourseScenarioRequirement(
                        scenario_id=s, vehicle=VehicleKind.CAR, min_score=70, position=i
                    )
                    for i, s in enumerate(SCENARIOS)
                ]
                db.add(course)
                db.flush()
                cohort = eligible_cohort(db, site, course, COHORT, f"R{number}")
                singles = eligible_cohort(db, site, course, SINGLES, f"S{number}")
                issuer = Issuer(store=CertificateStore(instance), base_url=site.public_base_url)

                started, cpu = time.perf_counter(), time.process_time()
                issued = issue_to_session(db, cohort, issuer)
                issue_s = time.perf_counter() - started
                batch, printed = print_session(db, cohort, issuer.store, "pdf")
                total_s = time.perf_counter() - started
                cpu_s = time.process_time() - cpu
                assert len(issued) == len(printed) == COHORT

                one_ms = []
                for enrolment in list(singles_enrolments(db, singles)):
                    t0 = time.perf_counter()
                    issue_certificate(db, enrolment, issuer)
                    one_ms.append((time.perf_counter() - t0) * 1000)
                print(
                    f"  round {number + 1}: issue {issue_s:.2f} s + batch {total_s - issue_s:.2f} s "
                    f"= {total_s:.2f} s for {COHORT} ({len(batch) / 1e6:.1f} MB batch; "
                    f"CPU {cpu_s:.2f} s); "
                    f"one: median {statistics.median(one_ms):.1f} ms",
                    file=sys.stderr,
                )
                return total_s, issue_s, one_ms
        finally:
            if url:
                Base.metadata.drop_all(engine)
            engine.dispose()


def singles_enrolments(db: Session, session: CourseSession) -> list[Enrolment]:
    from sqlalchemy import select

    return list(db.scalars(select(Enrolment).where(Enrolment.session_id == session.id)))


def main() -> list[harness.Result]:
    url = os.environ.get("ISDC_BENCH_DATABASE_URL")
    url = normalise_database_url(url) if url else None
    print(f"  database: {'PostgreSQL' if url else 'SQLite file'}", file=sys.stderr)
    totals, singles = [], []
    for number in range(ROUNDS):
        total_s, _issue_s, one_ms = one_round(url, number)
        totals.append(total_s)
        singles.extend(one_ms)
    return [
        harness.Result("cert_issue_500_s", statistics.median(totals), 3.0, "s", "lower"),
        harness.Result("cert_issue_one_ms", statistics.median(singles), 20.0, "ms", "lower"),
    ]


if __name__ == "__main__":
    harness.report(main)
