"""Anev dashboards at centre scale: a throwaway SQLite database with 20,000 trainees, 5,000
sessions over two years and 100,000 scored runs (isdc.demo.bulk_analytics), pages rendered by
the app in this process (server time: routing, queries, charts, templates; no network), signed
in as an administrator.

Figures (issue 8, SPEC §8): ``analytics_<page>_p50_ms`` and ``analytics_<page>_p99_ms`` for
each dashboard page (budget p99 <= 300 ms; the default period and the same page filtered by a
course and by an organisation, in turn), ``anev_monthly_pdf_s`` (the monthly PDF report of the
last full month, budget <= 5 s) and ``analytics_volume_build_s`` (building the data set,
budget <= 120 s). A page whose endpoint does not exist is skipped with a message.
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
import harness  # noqa: E402

TRAINEES, SESSIONS, RUNS = 20_000, 5_000, 100_000
REQUESTS = 60  # per page, after a warm-up: the three scopes in turn
PDF_ROUNDS = 3
PAGES = ("index", "throughput", "certificates", "resources", "simulator", "risk")
PASSWORD = "bench-password-1"


def seed(instance: Path) -> tuple[dict[str, int], float]:
    from sqlalchemy import func, select

    from isdc import create_app
    from isdc.cli import refresh_planner_statistics
    from isdc.demo.bulk_analytics import seed_analytics
    from isdc.extensions import db
    from isdc.models import Course, Role, Site, Trainee, User
    from isdc.schema import upgrade_to_head

    app = create_app({"INSTANCE_PATH": str(instance)})
    with app.app_context():
        upgrade_to_head()
        site = Site(name="ISDC Serpong", code="SRP", timezone="Asia/Jakarta")
        db.session.add(site)
        db.session.flush()
        started = time.perf_counter()
        counts = seed_analytics(db.session, site, trainees=TRAINEES, sessions=SESSIONS, runs=RUNS)
        admin = User(username="admin", role=Role.ADMIN, site=site, display_name="Admin")
        admin.set_password(PASSWORD)
        db.session.add(admin)
        db.session.commit()
        built = time.perf_counter() - started
        # Planner statistics, as a database in service has them (`init-db` refreshes them;
        # docs/analytics.md "Benchmark"): without them SQLite answers an organisation filter
        # by probing every (trainee, session) pair.
        refresh_planner_statistics()
        print(f"  built {counts} in {built:.1f} s", file=sys.stderr)
        # Filters a leader would pick: the busiest course and the organisation sending most.
        course = db.session.scalar(select(Course.id).where(Course.code == "DDC"))
        organisation = db.session.execute(
            select(Trainee.organisation_id, func.count())
            .group_by(Trainee.organisation_id)
            .order_by(func.count().desc())
        ).first()[0]
        db.engine.dispose()
    return {"course": course, "organisation": organisation}, built


def measure(client, urls: list[str]) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """p50 and p99 of the time to serve the URLs in turn, REQUESTS times in all."""
    for url in urls:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
    samples = []
    for n in range(REQUESTS):
        url = urls[n % len(urls)]
        started = time.perf_counter()
        response = client.get(url)
        response.get_data()
        samples.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
    return harness.percentile(samples, 50), harness.percentile(samples, 99)


def last_full_month(today: date) -> date:
    from isdc.analytics.scope import months_back

    return months_back(today, 1)


def main() -> list[harness.Result]:
    from flask import url_for

    from isdc import create_app
    from isdc.models.base import local_today

    results: list[harness.Result] = []
    with tempfile.TemporaryDirectory(prefix="isdc-bench-anev-") as folder:
        instance = Path(folder)
        filters, built = seed(instance)
        results.append(harness.Result("analytics_volume_build_s", built, 120, "s", "lower"))
        app = create_app({"INSTANCE_PATH": str(instance)})
        client = harness.signed_in_client(app, "admin", PASSWORD)
        endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
        for page in PAGES:
            endpoint = f"analytics.{page}"
            if endpoint not in endpoints:
                print(f"  {endpoint}: not in this build, skipped", file=sys.stderr)
                continue
            with app.test_request_context():
                urls = [
                    url_for(endpoint),
                    url_for(endpoint, course=filters["course"]),
                    url_for(endpoint, organisation=filters["organisation"]),
                ]
            p50, p99 = measure(client, urls)
            results.append(harness.Result(f"analytics_{page}_p50_ms", p50, 300, "ms", "lower"))
            results.append(harness.Result(f"analytics_{page}_p99_ms", p99, 300, "ms", "lower"))
        results += monthly_pdf(app, last_full_month(local_today()))
        with app.app_context():
            from isdc.extensions import db

            db.engine.dispose()
    return results


def monthly_pdf(app, month: date) -> list[harness.Result]:  # type: ignore[no-untyped-def]
    try:
        from isdc.analytics.monthly_report import render_monthly_report
    except ImportError:
        print("  monthly report: not in this build, skipped", file=sys.stderr)
        return []
    from isdc.extensions import db
    from isdc.models import Site

    timings = []
    with app.app_context():
        site = db.session.query(Site).one()
        for _ in range(PDF_ROUNDS):
            started = time.perf_counter()
            pdf = render_monthly_report(db.session, site, month)
            timings.append(time.perf_counter() - started)
            db.session.rollback()
    print(f"  monthly report {month:%Y-%m}: {len(pdf)} bytes", file=sys.stderr)
    return [harness.Result("anev_monthly_pdf_s", max(timings), 5, "s", "lower")]


if __name__ == "__main__":
    harness.report(main)
