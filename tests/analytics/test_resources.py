"""Resource figures against the raw rows: utilisation, instructor load, bay idle time."""

from __future__ import annotations

from datetime import date

import pytest

from isdc.analytics.resources import open_days, weekday_counts
from tests.analytics import expected
from tests.analytics.conftest import PERIOD
from tests.analytics.helpers import csv_table, number

PATH = "/analisis/resources"


def test_facility_utilisation(signed_in, world):
    rows = {
        r["Facility"]: r
        for r in csv_table(signed_in("admin"), PATH, "facility-utilisation", **PERIOD)
    }
    for key, name in (("class", "Kelas 1"), ("bay", "Bay 1")):
        bookable, booked = expected.bookable_hours(key), expected.booked_hours(key)
        assert number(rows[name]["Bookable hours"]) == bookable
        assert number(rows[name]["Booked hours"]) == booked
        assert number(rows[name]["Utilisation (%)"]) == round(100 * booked / bookable, 1)
    # Maintenance (two overlapping periods, six weekdays) comes off the bay's bookable hours.
    assert expected.bookable_hours("class") - expected.bookable_hours("bay") == 60


def test_instructor_load(signed_in, world):
    rows = {
        r["Instructor"]: r for r in csv_table(signed_in("admin"), PATH, "instructor-load", **PERIOD)
    }
    weeks = expected.weeks_in_period()
    for key, name in (("agus", "Agus"), ("bambang", "Bambang")):
        per_week = expected.instructor_weeks(key)
        row = rows[name]
        assert number(row["Hours in the period"]) == sum(per_week.values())
        assert int(row["Weeks taught"]) == len(per_week)
        assert number(row["Busiest week (hours)"]) == max(per_week.values())
        assert number(row["Mean hours per week"]) == round(sum(per_week.values()) / weeks, 1)
        assert number(row["Load (%)"]) == round(100 * sum(per_week.values()) / weeks / 40, 1)


def test_teaching_hours_per_week(signed_in, world):
    rows = csv_table(signed_in("admin"), PATH, "teaching-hours-per-week", **PERIOD)
    want: dict[str, float] = {}
    for key in ("agus", "bambang"):
        for monday, hours in expected.instructor_weeks(key).items():
            want[monday.isoformat()] = want.get(monday.isoformat(), 0) + hours
    assert {r["Week from"]: number(r["Teaching hours"]) for r in rows} == want


def test_bay_idle_time(signed_in, world):
    rows = csv_table(signed_in("admin"), PATH, "bay-idle-time", **PERIOD)
    (bay,) = rows
    driven = expected.driven_hours()
    bookable = expected.bookable_hours("bay")
    assert number(bay["Driven hours"]) == round(driven, 1)
    assert int(bay["Runs"]) == 8
    assert number(bay["Idle hours"]) == round(bookable - driven, 1)
    assert number(bay["Idle (%)"]) == round(100 * (bookable - driven) / bookable, 1)


def test_instructor_sees_own_load_only(signed_in, world):
    rows = csv_table(signed_in("bambang"), PATH, "instructor-load", **PERIOD)
    assert len(rows) == 1 and list(rows[0].values())[0] == "Bambang"


@pytest.mark.parametrize(
    ("first", "last"),
    [(date(2026, 7, 1), date(2026, 9, 30)), (date(2026, 2, 27), date(2026, 3, 2)),
     (date(2026, 1, 5), date(2026, 1, 5)), (date(2025, 12, 29), date(2027, 1, 3))],
)  # fmt: skip
def test_weekday_counts_match_walking_the_days(first, last):
    walked = {d: 0 for d in range(1, 8)}
    day = first
    while day <= last:
        walked[day.isoweekday()] += 1
        day = date.fromordinal(day.toordinal() + 1)
    assert weekday_counts(first, last) == walked
    assert open_days("135", first, last) == walked[1] + walked[3] + walked[5]


def test_overloaded_instructor_is_drawn_in_the_second_colour(signed_in, world, db_session):
    from isdc.analytics.charts import PALETTE

    world.instructors["agus"].weekly_hours = 10  # agus teaches 16 hours in the week of 13 July
    db_session.commit()
    html = signed_in("admin").get(PATH, query_string=PERIOD).get_data(as_text=True)
    chart = html.split('id="chart-instructor-load"', 1)[1].split("</svg>", 1)[0]
    agus, bambang = chart.split("Agus</title>", 1)[1], chart.split("Bambang</title>", 1)[1]
    assert f'fill="{PALETTE[1]}"' in agus.split("</rect>", 1)[0]
    assert f'fill="{PALETTE[0]}"' in bambang.split("</rect>", 1)[0]
