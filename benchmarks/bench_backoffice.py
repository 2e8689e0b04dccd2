"""Back-office pages at centre scale: a throwaway SQLite database with 10,000 trainees, 50
instructors, 60 facilities and 2,000 sessions (isdc.demo.bulk), pages rendered by the app in
this process (server time: routing, queries, templates; no network).

Figures (SPEC §8, budget p99 <= 100 ms each):
``trainee_search_p99_ms`` - the trainee list: first page, name and NIK searches, filters, deep
pages; ``calendar_site_week_p99_ms`` - the whole site's week; ``calendar_instructor_month_p99_ms``
- the busiest instructor's month.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
import harness  # noqa: E402

TRAINEES, SESSIONS, INSTRUCTORS, FACILITIES = 10_000, 2_000, 50, 60
REQUESTS = 300  # per figure, after a warm-up
PASSWORD = "bench-password-1"


def seed(instance: Path) -> dict[str, object]:
    from sqlalchemy import func, select

    from isdc import create_app
    from isdc.demo.bulk import seed_bulk
    from isdc.extensions import db
    from isdc.models import Booking, ResourceKind, Role, Site, Trainee, User
    from isdc.schema import upgrade_to_head

    app = create_app({"INSTANCE_PATH": str(instance)})
    with app.app_context():
        upgrade_to_head()
        site = Site(name="ISDC Serpong", code="SRP", timezone="Asia/Jakarta")
        db.session.add(site)
        db.session.flush()
        started = time.perf_counter()
        counts = seed_bulk(db.session, site, trainees=TRAINEES, sessions=SESSIONS,
                           instructors=INSTRUCTORS, facilities=FACILITIES)  # fmt: skip
        busiest = db.session.execute(
            select(Booking.instructor_id, func.count(Booking.id))
            .where(Booking.resource_kind == ResourceKind.INSTRUCTOR)
            .group_by(Booking.instructor_id)
            .order_by(func.count(Booking.id).desc())
        ).first()[0]
        admin = User(username="admin", role=Role.ADMIN, site=site, display_name="Admin")
        admin.set_password(PASSWORD)
        db.session.add(admin)
        db.session.commit()
        sample = db.session.execute(
            select(Trainee.nik, Trainee.full_name).order_by(Trainee.id).offset(5000).limit(1)
        ).one()
        print(f"  seeded {counts} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        db.engine.dispose()
    return {"instructor_id": busiest, "nik": sample.nik, "name": sample.full_name.split()[0]}


def measure(client, urls: list[str], check: Callable[[str], bool]) -> float:  # type: ignore[no-untyped-def]
    """p99 of the time to serve the URLs in turn, REQUESTS times in all (after a warm-up)."""
    for url in urls:
        response = client.get(url)
        if response.status_code != 200 or not check(response.get_data(as_text=True)):
            raise RuntimeError(f"{url} not served as expected ({response.status_code})")
    samples = []
    for n in range(REQUESTS):
        url = urls[n % len(urls)]
        started = time.perf_counter()
        response = client.get(url)
        response.get_data()
        samples.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
    return harness.percentile(samples, 99)


def main() -> list[harness.Result]:
    from isdc import create_app
    from isdc.models.base import local_today

    with tempfile.TemporaryDirectory(prefix="isdc-bench-bo-") as folder:
        instance = Path(folder)
        facts = seed(instance)
        app = create_app({"INSTANCE_PATH": str(instance)})
        client = harness.signed_in_client(app, "admin", PASSWORD)
        today = local_today()
        search = [
            "/trainees",
            f"/trainees?q={facts['name']}",
            f"/trainees?q={str(facts['nik'])[:6]}",
            "/trainees?sim_class=B1&status=all",
            "/trainees?organisation=3",
            "/trainees?page=200",
            "/trainees?q=wijaya&page=2",
        ]
        trainee_p99 = measure(client, search, lambda html: 'id="trainee-table"' in html)
        weeks = [f"/schedule/calendar?day={(today + timedelta(days=7 * k)).isoformat()}"
                 for k in (-1, 0, 1, 2)]  # fmt: skip
        site_week_p99 = measure(client, weeks, lambda html: 'id="calendar-week"' in html)
        instructor = facts["instructor_id"]
        months = [
            f"/schedule/calendar/instructors/{instructor}?view=month&day="
            f"{(today + timedelta(days=30 * k)).isoformat()}"
            for k in (-1, 0, 1)
        ]
        month_p99 = measure(client, months, lambda html: 'id="calendar-month"' in html)
        with app.app_context():
            from isdc.extensions import db

            db.engine.dispose()
    return [
        harness.Result("trainee_search_p99_ms", trainee_p99, 100, "ms", "lower"),
        harness.Result("calendar_site_week_p99_ms", site_week_p99, 100, "ms", "lower"),
        harness.Result("calendar_instructor_month_p99_ms", month_p99, 100, "ms", "lower"),
    ]


if __name__ == "__main__":
    harness.report(main)
