"""Throughput figures against the same figures worked out in Python from the raw rows."""

from __future__ import annotations

from tests.analytics import expected
from tests.analytics.conftest import COURSES, PERIOD
from tests.analytics.helpers import csv_table, number, panel

PATH = "/analisis/throughput"


def test_trained_per_month_by_course(signed_in, world):
    rows = csv_table(signed_in("admin"), PATH, "trained-by-month", **PERIOD)
    want = expected.trained_by_month_and_course()
    assert [r["Month"] for r in rows] == ["2026-07", "2026-08", "2026-09"]
    for row in rows:
        for code in COURSES:
            assert int(row.get(code) or 0) == want.get((row["Month"], code), 0), (row, code)
        assert int(row["Total"]) == sum(v for (m, _c), v in want.items() if m == row["Month"])
    assert sum(want.values()) == 5  # the world itself, so the comparison is not vacuous


def test_rates_by_course(signed_in, world):
    rows = csv_table(signed_in("admin"), PATH, "rates-by-course", **PERIOD)
    want = expected.rates_by_course()
    got = {r["Course"]: r for r in rows}
    assert set(got) == {*want, "All courses"}
    for code, (total, completed, failed, completion, passing) in want.items():
        row = got[code]
        assert int(row["Enrolments"]) == total
        assert int(row["Completed"]) == completed
        assert int(row["Not passed"]) == failed
        assert number(row["Completion rate (%)"]) == completion
        assert number(row["Pass rate (%)"]) == passing
    total, completed, failed, completion, passing = expected.rates(expected.population())
    assert int(got["All courses"]["Enrolments"]) == total
    assert number(got["All courses"]["Pass rate (%)"]) == passing == 71.4


def test_by_organisation(signed_in, world):
    rows = csv_table(signed_in("admin"), PATH, "trained-by-organisation", **PERIOD)
    got = {r["Organisation"]: r for r in rows}
    for key, (name, _kind) in [
        ("maju", ("PT Maju Jaya", None)),
        ("sman1", ("SMA Negeri 1 Serpong", None)),
    ]:
        total, completed, failed, completion, passing = expected.rates(
            expected.population(organisation=key)
        )
        assert int(got[name]["Enrolments"]) == total
        assert int(got[name]["Completed"]) == completed
        assert number(got[name]["Pass rate (%)"]) == passing
    # Trainees without an organisation have their own row.
    assert int(got["(no organisation)"]["Enrolments"]) == len(
        [r for r in expected.population() if r[0] in ("fajar", "hadi")]
    )


def test_days_from_enrolment_to_certificate(signed_in, world):
    rows = csv_table(signed_in("admin"), PATH, "days-to-certificate", **PERIOD)
    got = {r["Course"]: number(r["Mean days"]) for r in rows}
    want = expected.days_to_certificate()
    assert {k: v for k, v in got.items() if k != "All courses"} == want
    assert want["DDC"] == 15.0 and want["SR"] == 26.9


def test_course_and_organisation_filters(signed_in, world):
    client = signed_in("admin")
    args = {
        **PERIOD,
        "course": world.courses["DDC"].id,
        "organisation": world.organisations["maju"].id,
    }
    rows = csv_table(client, PATH, "rates-by-course", **args)
    total, completed, failed, completion, passing = expected.rates(
        expected.population(course="DDC", organisation="maju")
    )
    ddc = next(r for r in rows if r["Course"] == "DDC")
    assert (int(ddc["Enrolments"]), int(ddc["Completed"]), int(ddc["Not passed"])) == (
        total,
        completed,
        failed,
    )
    assert all(r["Course"] in ("DDC", "All courses") for r in rows)


def test_instructor_sees_own_sessions_only(signed_in, world):
    rows = csv_table(signed_in("bambang"), PATH, "rates-by-course", **PERIOD)
    want = expected.rates_by_course(instructor="bambang")
    # Indonesian headers for the instructor: the second-to-last-but-... columns by position.
    got = {r[next(iter(r))]: list(r.values()) for r in rows}
    for code, (total, completed, failed, _c, _p) in want.items():
        assert [int(v) for v in got[code][2:5]] == [total, completed, failed]
    assert want != expected.rates_by_course()  # the filter really narrows


def test_empty_period_says_no_data(signed_in, world):
    client = signed_in("admin")
    for path in ("/analisis/", PATH, "/analisis/resources"):
        response = client.get(path, query_string={"start": "2020-01-01", "end": "2020-01-31"})
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        assert html.count("anev-panel") == html.count("anev-no-data") > 0, path
    # Expiring certificates look ahead from today, whatever the period; the rest is empty.
    html = client.get(
        "/analisis/certificates", query_string={"start": "2020-01-01", "end": "2020-01-31"}
    ).get_data(as_text=True)
    assert "anev-no-data" in panel(html, "issued-revoked")
    assert "anev-no-data" not in panel(html, "expiring")


def test_filter_matching_nothing_says_no_data(signed_in, world, make):
    from isdc.models import Organisation, OrganisationKind

    empty = Organisation(site=world.site, name="Tidak Ada", kind=OrganisationKind.AGENCY)
    make._save(empty)
    client = signed_in("admin")
    html = client.get(PATH, query_string={**PERIOD, "organisation": empty.id}).get_data(
        as_text=True
    )
    assert html.count("anev-no-data") == 4
    overview = client.get("/analisis/", query_string={**PERIOD, "organisation": empty.id})
    assert overview.status_code == 200 and "–" in overview.get_data(as_text=True)


def test_csv_export_names_section_and_period(signed_in, world):
    response = signed_in("admin").get(PATH, query_string={**PERIOD, "csv": "rates-by-course"})
    disposition = response.headers["Content-Disposition"]
    assert "anev-throughput-rates-by-course-2026-07-01_2026-09-30.csv" in disposition
    assert response.get_data().startswith(b"\xef\xbb\xbf")


def test_unknown_csv_table_is_400(signed_in, world):
    response = signed_in("admin").get(PATH, query_string={"csv": "nothing"})
    assert response.status_code == 400 and "csv" in response.get_data(as_text=True)


def test_bars_link_to_the_trainees_behind_them(signed_in, world):
    client = signed_in("admin")
    html = client.get(PATH, query_string=PERIOD).get_data(as_text=True)
    course = world.courses["DDC"].id
    link = f"/analisis/trainees?start=2026-07-01&amp;end=2026-09-30&amp;month=2026-07&amp;course={course}&amp;status=completed"
    assert f'<a href="{link}">' in html
    listing = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert listing.count("/trainees/") >= 2 and "Ani" in listing and "Budi" in listing
