"""The analytics frame: access, scope parsing (400 naming the field), drill-down, CSV."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from isdc.analytics.scope import Scope, ScopeError, default_period
from tests.analytics.conftest import ENROLMENTS, PERIOD, RUNS, WIB


def test_trainee_is_refused(signed_in):
    client = signed_in("trainee")
    for path in ("/analisis/", "/analisis/runs", "/analisis/trainees"):
        assert client.get(path).status_code == 403


def test_anonymous_goes_to_login(client, world):
    response = client.get("/analisis/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_nav_entry_lights_up(signed_in):
    html = signed_in("admin").get("/analisis/", query_string=PERIOD).get_data(as_text=True)
    assert 'href="/analisis/"' in html
    assert 'class="nav-link active" href="/analisis/"' in html


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"start": "2026-13-01"}, "Period start"),
        ({"end": "kemarin"}, "Period end"),
        ({"start": "2026-09-01", "end": "2026-08-01"}, "Period start"),
        ({"start": "2010-01-01", "end": "2026-01-01"}, "Period end"),
        ({"course": "abc"}, "Course"),
        ({"course": "999999"}, "Course"),
        ({"organisation": "-1"}, "Organisation"),
        ({"instructor": "424242"}, "Instructor"),
    ],
)
def test_bad_filter_is_400_naming_the_field(signed_in, args, field):
    client = signed_in("admin")
    response = client.get("/analisis/", query_string=args)
    assert response.status_code == 400
    assert field in response.get_data(as_text=True)


def test_bad_drill_argument_is_400(signed_in):
    client = signed_in("admin")
    for args, name in (({"month": "2026-13"}, "month"), ({"result": "maybe"}, "result"),
                       ({"scenario": "moon_base"}, "scenario"), ({"page": "x"}, "page")):  # fmt: skip
        response = client.get("/analisis/runs", query_string={**PERIOD, **args})
        assert response.status_code == 400, args
        assert name in response.get_data(as_text=True)
    response = client.get("/analisis/trainees", query_string={"basis": "everyone"})
    assert response.status_code == 400


def test_scope_bounds_are_local_days():
    scope = Scope(start=date(2026, 7, 1), end=date(2026, 7, 31), site_id=1)
    lo, hi = scope.bounds_utc()
    assert lo.isoformat() == "2026-06-30T17:00:00+00:00"
    assert hi.isoformat() == "2026-07-31T17:00:00+00:00"
    assert scope.months() == ["2026-07"]
    assert Scope(date(2025, 11, 5), date(2026, 2, 1), 1).months() == [
        "2025-11", "2025-12", "2026-01", "2026-02"]  # fmt: skip


def test_default_period_is_six_full_months_and_this_one():
    assert default_period(date(2026, 11, 28)) == (date(2026, 5, 1), date(2026, 11, 28))
    assert default_period(date(2026, 3, 2)) == (date(2025, 9, 1), date(2026, 3, 2))


def test_scope_error_names_field():
    error = ScopeError("course", "Unknown course: %(value)s", value=7)
    assert error.field == "course" and "7" in str(error)


def _local_month(moment) -> str:
    return (moment + timedelta(hours=WIB)).strftime("%Y-%m")


def _rows(html: str, table_id: str) -> int:
    body = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    return body.count("<tr>") - 1  # the header row


def test_drill_runs_lists_the_runs_of_a_scenario_and_month(signed_in, world):
    client = signed_in("admin")
    html = client.get(
        "/analisis/runs", query_string=world.args(scenario="braking_zone", month="2026-07")
    ).get_data(as_text=True)
    expected = [
        r
        for r in RUNS
        if r[2] == "braking_zone" and (r[3].month, r[3].day) < (7, 32) and r[3].month == 7
    ]
    assert _rows(html, "drill-runs-table") == len(expected) == 4
    # A run started 31 Aug 20:00 UTC is 1 Sep in Serpong.
    html = client.get("/analisis/runs", query_string=world.args(month="2026-09")).get_data(
        as_text=True
    )
    expected = [r for r in RUNS if _local_month(r[3]) == "2026-09"]
    assert "Fajar" in html and _rows(html, "drill-runs-table") == len(expected) == 3


def test_drill_runs_by_finding_and_organisation(signed_in, world):
    client = signed_in("admin")
    org = world.organisations["maju"].id
    html = client.get(
        "/analisis/runs", query_string=world.args(finding="speeding", organisation=org)
    ).get_data(as_text=True)
    names = {"ani", "budi", "citra"}
    expected = [r for r in RUNS if r[0] in names and "speeding" in r[7]]
    assert _rows(html, "drill-runs-table") == len(expected) == 2


def test_drill_trainees_completed_in_a_month(signed_in, world):
    client = signed_in("admin")
    html = client.get(
        "/analisis/trainees", query_string=world.args(month="2026-07", status="completed")
    ).get_data(as_text=True)
    expected = [e for e in ENROLMENTS if e[1] == "ddc-jul" and e[2].value == "completed"]
    assert _rows(html, "drill-trainees-table") == len(expected) == 2
    assert "Ani" in html and "Budi" in html and "Citra" not in html


def test_drill_empty_says_no_data(signed_in, world):
    html = (
        signed_in("admin")
        .get("/analisis/runs", query_string={"start": "2020-01-01", "end": "2020-01-31"})
        .get_data(as_text=True)
    )
    assert "anev-no-data" in html


def test_instructor_sees_only_own_sessions_runs(signed_in, world):
    client = signed_in("bambang")
    html = client.get("/analisis/runs", query_string=world.args()).get_data(as_text=True)
    own = {"sr-aug", "ddc-sep"}
    expected = [r for r in RUNS if r[1] in own]
    assert _rows(html, "drill-runs-table") == len(expected) == 3
    # Asking for another instructor changes nothing for an instructor.
    other = world.instructors["agus"].id
    html = client.get("/analisis/runs", query_string=world.args(instructor=other)).get_data(
        as_text=True
    )
    assert _rows(html, "drill-runs-table") == 3


def test_instructor_account_without_record_sees_nothing(client, world, make):
    from isdc.models import Role
    from tests.conftest import login
    from tests.factories import PASSWORD

    make.user(Role.INSTRUCTOR, username="anev-norecord")
    assert login(client, "anev-norecord", PASSWORD).status_code == 302
    html = client.get("/analisis/runs", query_string=PERIOD).get_data(as_text=True)
    assert "anev-no-data" in html


def test_drill_pages_keep_the_bar_narrowing_in_the_filter_form(signed_in, world):
    html = (
        signed_in("admin")
        .get("/analisis/runs", query_string={**PERIOD, "scenario": "braking_zone"})
        .get_data(as_text=True)
    )
    assert '<input type="hidden" name="scenario" value="braking_zone">' in html


def test_links_keep_an_administrators_instructor_filter(signed_in, world):
    agus = world.instructors["agus"].id
    html = (
        signed_in("admin")
        .get("/analisis/throughput", query_string={**PERIOD, "instructor": agus})
        .get_data(as_text=True)
    )
    assert f"instructor={agus}" in html.split('id="anev-sections"', 1)[1].split("</ul>", 1)[0]
    assert f"/analisis/trainees?start=2026-07-01&amp;end=2026-09-30&amp;instructor={agus}" in html
