"""Local month, week and day buckets computed by the database (SQLite or PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import literal, select

from isdc.analytics.buckets import days_between, local_day, local_month, local_week
from isdc.models import Run


@pytest.mark.parametrize(
    ("moment", "month", "week", "day"),
    [
        (datetime(2026, 8, 31, 20, tzinfo=UTC), "2026-09", "2026-08-31", "2026-09-01"),
        (datetime(2026, 8, 31, 16, 59, tzinfo=UTC), "2026-08", "2026-08-31", "2026-08-31"),
        (datetime(2026, 12, 31, 17, 0, tzinfo=UTC), "2027-01", "2026-12-28", "2027-01-01"),
        (datetime(2026, 11, 29, 18, 0, tzinfo=UTC), "2026-11", "2026-11-30", "2026-11-30"),
    ],
)
def test_buckets_are_local(db_session, world, moment, month, week, day):
    run = world.runs[0]
    run.started_at = moment
    db_session.commit()
    got = db_session.execute(
        select(
            local_month(Run.started_at, "Asia/Jakarta"),
            local_week(Run.started_at, "Asia/Jakarta"),
            local_day(Run.started_at, "Asia/Jakarta"),
        ).where(Run.id == run.id)  # fmt: skip
    ).one()
    assert tuple(got) == (month, week, day)


def test_days_between(db_session, world):
    run = world.runs[0]
    run.received_at = datetime(2026, 7, 15, 15, tzinfo=UTC)  # 36 h after it started
    db_session.commit()
    got = db_session.scalar(
        select(days_between(Run.received_at, Run.started_at)).where(Run.id == run.id)
    )
    assert got == pytest.approx(1.5)


def test_zone_names_are_checked():
    with pytest.raises(ValueError):
        local_month(literal("x"), "Asia/Jakarta'; DROP TABLE runs; --")
