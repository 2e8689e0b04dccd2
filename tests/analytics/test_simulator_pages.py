"""The simulator and risk pages over HTTP on the shared analytics world: figures on the page
match the world's rows, CSV files, drill-down links, "no data", bad input and roles."""

from __future__ import annotations

import csv
import io
import re

from tests.analytics.conftest import RUNS


def in_period(row) -> bool:  # type: ignore[no-untyped-def]
    started = row[3]
    return (started.year, started.month) >= (2026, 7) and not (
        started.month == 6 and started.day == 30
    )


def read_csv(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_simulator_page_figures_and_csv(signed_in, world) -> None:  # type: ignore[no-untyped-def]
    client = signed_in("admin")
    page = client.get("/analisis/simulator", query_string=world.args())
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for panel in ("score-distribution", "findings-by-scenario", "findings-by-vehicle",
                  "infraction-share", "improvement", "attempts", "heatmap"):  # fmt: skip
        assert f'id="panel-{panel}"' in html
    assert 'style="' not in html.split("<main", 1)[-1]  # CSP: no inline styles in the content
    counted = [r for r in RUNS if in_period(r)]
    rows = read_csv(
        client.get("/analisis/simulator", query_string=world.args(csv="score-distribution"))
    )
    by_scenario = {r[0]: r for r in rows[1:]}
    for scenario in {r[2] for r in counted}:
        mine = [r for r in counted if r[2] == scenario]
        assert int(by_scenario[scenario][1]) == len(mine)
        assert int(by_scenario[scenario][2]) == sum(1 for r in mine if r[5])
        assert float(by_scenario[scenario][4]) == round(sum(r[4] for r in mine) / len(mine), 2)
    share = read_csv(
        client.get("/analisis/simulator", query_string=world.args(csv="infraction-share"))
    )
    speeding = next(r for r in share[1:] if r[0] == "speeding")
    with_speeding = sum(1 for r in counted if "speeding" in r[7])
    assert (int(speeding[1]), int(speeding[2]), int(speeding[3])) == (
        sum(r[7].count("speeding") for r in counted),
        with_speeding,
        len(counted),
    )
    # A histogram bar and a finding bar lead to the runs behind them.
    assert re.search(r'href="/analisis/runs\?[^"]*score=60-70', html)
    assert re.search(r'href="/analisis/runs\?[^"]*finding=speeding', html)
    drill = client.get(
        "/analisis/runs", query_string=world.args(scenario="braking_zone", score="60-70")
    )
    assert drill.status_code == 200
    # Ani's 62 in braking zone is the only run in that band.
    assert drill.get_data(as_text=True).count("/runs/") >= 1


def test_attempts_csv_lists_first_and_latest(signed_in, world) -> None:  # type: ignore[no-untyped-def]
    client = signed_in("admin")
    rows = read_csv(client.get("/analisis/simulator", query_string=world.args(csv="attempts")))
    # Only Ani drove a scenario twice in the period: braking zone 62 -> 81.
    assert rows[1:] == [["Ani", "braking_zone", "2", "62.0", "81.0", "19.0"]]


def test_risk_page_and_drill_to_trainees(signed_in, world) -> None:  # type: ignore[no-untyped-def]
    client = signed_in("admin")
    page = client.get("/analisis/risk", query_string=world.args())
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    maju = world.organisations["maju"]
    assert f"organisation={maju.id}" in html
    rows = read_csv(client.get("/analisis/risk", query_string=world.args(csv="organisations")))
    counted = [r for r in RUNS if in_period(r)]
    got = {r[0]: r for r in rows[1:]}
    from tests.analytics.conftest import TRAINEES

    for key, org in world.organisations.items():
        mine = [r for r in counted if TRAINEES[r[0]] == key]
        assert int(got[org.name][2]) == len(mine)
        assert int(got[org.name][3]) == sum(len(r[7]) for r in mine)
        assert got[org.name][7] == "no"  # a handful of runs: listed, not rated
        assert got[org.name][8] == ""


def test_no_data_and_bad_input(signed_in, world) -> None:  # type: ignore[no-untyped-def]
    client = signed_in("admin")
    empty = {"start": "2020-01-01", "end": "2020-01-31"}
    for path in ("/analisis/simulator", "/analisis/risk"):
        page = client.get(path, query_string=empty)
        assert page.status_code == 200
        assert "anev-no-data" in page.get_data(as_text=True)
    bad = client.get("/analisis/simulator", query_string=world.args(scenario="nope"))
    assert bad.status_code == 400 and "nope" in bad.get_data(as_text=True)
    bad = client.get("/analisis/simulator", query_string=world.args(kind="DROP TABLE"))
    assert bad.status_code == 400
    bad = client.get("/analisis/runs", query_string=world.args(score="70-20"))
    assert bad.status_code == 400


def test_roles(signed_in, world, client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/analisis/simulator").status_code in (302, 401)
    signed_in("trainee")
    assert client.get("/analisis/simulator").status_code == 403
    assert client.get("/analisis/risk").status_code == 403
