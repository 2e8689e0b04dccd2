"""The simulator pages: stations, assignments, cohort, run report, progress; who sees what."""

from __future__ import annotations

import re
import uuid

from sqlalchemy import select

from isdc.models import Assignment, AssignmentStatus, Role, Station
from tests.conftest import csrf_from, login
from tests.factories import PASSWORD
from tests.runs.helpers import run_bytes


def signed_in(app, make, role, username, **fields):  # type: ignore[no-untyped-def]
    make.user(role, username=username, **fields)
    client = app.test_client()
    assert login(client, username, PASSWORD).status_code == 302
    return client


def upload(client, bay, **kw) -> str:  # type: ignore[no-untyped-def]
    response = client.post("/api/v1/runs", data=run_bytes(**kw), headers=bay.auth)
    assert response.status_code == 201, response.json
    return response.json["run_id"]


# ----------------------------------------------------------------------------- stations


def test_admin_registers_a_station_and_sees_its_token_once(app, make, db_session) -> None:
    from isdc.models import FacilityKind

    bay = make.facility(name="Bay Simulator 7", kind=FacilityKind.SIMULATOR_BAY, capacity=1)
    admin = signed_in(app, make, Role.ADMIN, "boss")
    form = admin.get("/simulator/stations/new")
    assert form.status_code == 200 and "Bay Simulator 7" in form.get_data(as_text=True)
    page = admin.post("/simulator/stations/new", data={
        "csrf_token": csrf_from(form.get_data(as_text=True)), "name": "SIM-07", "bay": bay.id})  # fmt: skip
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    token = re.search(r'id="token" readonly value="([^"]+)"', page.get_data(as_text=True)).group(1)
    station = db_session.scalar(select(Station).where(Station.name == "SIM-07"))
    assert station.facility_id == bay.id and station.token_hash != token  # stored hashed
    api = app.test_client()
    info = api.get("/api/v1/station", headers={"Authorization": f"Bearer {token}"})
    assert info.json == {"name": "SIM-07", "bay": "Bay Simulator 7", "site": "ISDC Serpong"}

    listing = admin.get("/simulator/stations").get_data(as_text=True)
    assert "SIM-07" in listing and token not in listing
    revoke = admin.post(f"/simulator/stations/{station.id}/revoke",
                        data={"csrf_token": csrf_from(listing)})  # fmt: skip
    assert revoke.status_code == 302
    assert (
        api.get("/api/v1/station", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    )
    db_session.expire_all()
    assert db_session.get(Station, station.id).revoked_at is not None


def test_a_station_name_is_unique_and_checked(app, make, db_session, site) -> None:
    db_session.add(Station(site=site, name="SIM-01"))
    db_session.commit()
    admin = signed_in(app, make, Role.ADMIN, "boss", locale="en")
    form = admin.get("/simulator/stations/new").get_data(as_text=True)
    for name, message in (
        ("sim-01", "already a station with this name"),
        ("", "Give the station a name"),
        ("<b>", "Use letters, digits"),
    ):
        page = admin.post("/simulator/stations/new",
                          data={"csrf_token": csrf_from(form), "name": name, "bay": 0})  # fmt: skip
        html = page.get_data(as_text=True)
        assert page.status_code == 200 and 'id="token"' not in html and message in html, name


def test_the_station_pages_are_for_admins_only(app, make) -> None:
    instructor = signed_in(app, make, Role.INSTRUCTOR, "guru")
    assert instructor.get("/simulator/stations").status_code == 403


# ----------------------------------------------------------------------------- assignments


def test_an_instructor_assigns_required_scenarios_and_sends_a_trainee_to_a_bay(
    app, make, bay, db_session
) -> None:
    # the fixture's assignment is already queued; start from an unassigned trainee
    other = make.trainee(full_name="Siti Aminah")
    make.enrolment(other, bay.session)
    guru = signed_in(app, make, Role.INSTRUCTOR, "guru")
    page = guru.get(f"/simulator/sessions/{bay.session.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Siti Aminah" in html and "SIM-01" in html
    done = guru.post(f"/simulator/sessions/{bay.session.id}/assign-required",
                     data={"csrf_token": csrf_from(html)})  # fmt: skip
    assert done.status_code == 302
    mine = db_session.scalars(select(Assignment).where(Assignment.trainee_id == other.id)).all()
    assert [(a.scenario_id, a.vehicle, a.status) for a in mine] == [
        ("braking_zone", "car", AssignmentStatus.PENDING)
    ]
    assert mine[0].station_id is None and 1 <= mine[0].seed <= 99_999
    # pressing it again does not assign the same scenario twice
    guru.post(
        f"/simulator/sessions/{bay.session.id}/assign-required",
        data={"csrf_token": csrf_from(html)},
    )
    assert (
        len(db_session.scalars(select(Assignment).where(Assignment.trainee_id == other.id)).all())
        == 1
    )

    sent = guru.post(f"/simulator/sessions/{bay.session.id}/send/{other.id}",
                     data={"csrf_token": csrf_from(html), "station": bay.station.id})  # fmt: skip
    assert sent.status_code == 302
    station_api = app.test_client()
    first = station_api.get("/api/v1/assignments/next", headers=bay.auth).json
    second = station_api.get("/api/v1/assignments/next", headers=bay.auth).json
    assert {first["trainee"]["name"], second["trainee"]["name"]} == {"Budi Santoso", "Siti Aminah"}
    assert station_api.get("/api/v1/assignments/next", headers=bay.auth).status_code == 204
    assert second["scenario"]["brief"]["id"] and second["scenario"]["title"]["en"]


def test_one_scenario_with_a_fixed_seed_for_the_ticked_trainees(app, make, bay, db_session) -> None:
    guru = signed_in(app, make, Role.INSTRUCTOR, "guru")
    html = guru.get(f"/simulator/sessions/{bay.session.id}").get_data(as_text=True)
    response = guru.post(f"/simulator/sessions/{bay.session.id}/assign", data={
        "csrf_token": csrf_from(html), "scenario": "school_zone", "vehicle": "car", "seed": "42",
        "enrolment": [str(bay.enrolment.id)]})  # fmt: skip
    assert response.status_code == 302
    made = db_session.scalar(select(Assignment).where(Assignment.scenario_id == "school_zone"))
    assert made.seed == 42 and made.trainee_id == bay.trainee.id
    bad = guru.post(f"/simulator/sessions/{bay.session.id}/assign", data={
        "csrf_token": csrf_from(html), "scenario": "moon_landing", "vehicle": "car",
        "enrolment": [str(bay.enrolment.id)]}, follow_redirects=True)  # fmt: skip
    assert bad.status_code == 200
    assert (
        db_session.scalar(select(Assignment).where(Assignment.scenario_id == "moon_landing"))
        is None
    )


def test_cancel_and_send_again(app, make, bay, db_session) -> None:
    guru = signed_in(app, make, Role.INSTRUCTOR, "guru")
    app.test_client().get("/api/v1/assignments/next", headers=bay.auth)  # the station takes it
    html = guru.get(f"/simulator/sessions/{bay.session.id}").get_data(as_text=True)
    assert "Send again" in html or "Kirim lagi" in html
    guru.post(
        f"/simulator/assignments/{bay.assignment.id}/resend", data={"csrf_token": csrf_from(html)}
    )
    db_session.expire_all()
    assert db_session.get(Assignment, bay.assignment.id).status == AssignmentStatus.PENDING
    guru.post(
        f"/simulator/assignments/{bay.assignment.id}/cancel", data={"csrf_token": csrf_from(html)}
    )
    db_session.expire_all()
    assert db_session.get(Assignment, bay.assignment.id).status == AssignmentStatus.CANCELLED
    assert app.test_client().get("/api/v1/assignments/next", headers=bay.auth).status_code == 204


def test_the_cohort_view_shows_who_passed(app, make, bay) -> None:
    run_id = upload(app.test_client(), bay, assignment=bay.assignment.id)
    guru = signed_in(app, make, Role.INSTRUCTOR, "guru", locale="en")
    html = guru.get(f"/simulator/sessions/{bay.session.id}").get_data(as_text=True)
    assert "1 of 1 trainees have passed every required scenario" in html
    assert f"/simulator/runs/{run_id}" in html
    assert "DDC" in guru.get("/simulator/sessions").get_data(as_text=True)


# ----------------------------------------------------------------------------- results


def test_the_run_report_shows_score_parts_plots_and_findings_in_the_readers_language(
    app, make, bay
) -> None:
    run_id = upload(app.test_client(), bay, trainee=bay.trainee.id, driver="autopilot-aggressive")
    for locale, words in (("en", ("Findings", "Advice", "Speed against time")),
                          ("id", ("Temuan", "Saran", "Kecepatan terhadap waktu"))):  # fmt: skip
        client = signed_in(app, make, Role.INSTRUCTOR, f"guru-{locale}", locale=locale)
        page = client.get(f"/simulator/runs/{run_id}")
        html = page.get_data(as_text=True)
        assert page.status_code == 200
        for word in words:
            assert word in html, (locale, word)
        assert 'id="speed-plot"' in html and 'id="trajectory-plot"' in html
        assert 'id="findings-table"' in html and "Budi Santoso" in html
        assert "<script" not in html.split("</main>")[0].split('<main id="main"')[1]
    from isdc.extensions import db
    from isdc.models import ScoreReport as Stored

    report = db.session.scalar(select(Stored).where(Stored.run_id == uuid.UUID(run_id))).report
    assert report["findings"], "the aggressive driver should have findings"
    first = report["findings"][0]
    id_page = signed_in(app, make, Role.ADMIN, "boss", locale="id").get(f"/simulator/runs/{run_id}")
    text = id_page.get_data(as_text=True)
    from markupsafe import escape

    assert (
        str(escape(first["advice"]["id"])) in text
        and str(escape(first["advice"]["en"])) not in text
    )


def test_a_trainee_sees_only_their_own_runs(app, make, bay) -> None:
    own = upload(app.test_client(), bay, assignment=bay.assignment.id)
    budi = signed_in(app, make, Role.TRAINEE, "budi", trainee=bay.trainee)
    assert budi.get(f"/simulator/runs/{own}").status_code == 200
    mine = budi.get("/simulator/my-results").get_data(as_text=True)
    assert own in mine and "Braking zone" in mine or "Zona pengereman" in mine
    assert budi.get(f"/simulator/runs/{own}/telemetry").status_code == 200

    siti = signed_in(app, make, Role.TRAINEE, "siti", trainee=make.trainee(full_name="Siti"))
    assert siti.get(f"/simulator/runs/{own}").status_code == 404
    assert siti.get(f"/simulator/runs/{own}/telemetry").status_code == 404
    assert own not in siti.get("/simulator/my-results").get_data(as_text=True)
    assert siti.get(f"/simulator/trainees/{bay.trainee.id}").status_code == 403
    assert siti.get("/simulator/").status_code == 403


def test_progress_across_attempts(app, make, bay) -> None:
    for driver in ("autopilot-aggressive", "autopilot", "autopilot"):
        upload(app.test_client(), bay, trainee=bay.trainee.id, driver=driver)
    guru = signed_in(app, make, Role.INSTRUCTOR, "guru", locale="en")
    html = guru.get(f"/simulator/trainees/{bay.trainee.id}").get_data(as_text=True)
    assert "3 attempts" in html and 'id="trend-0"' in html and "Passed" in html
    listing = guru.get("/simulator/?result=passed").get_data(as_text=True)
    assert listing.count("/simulator/runs/") == 2


def test_the_telemetry_download_is_the_file_received(app, make, bay) -> None:
    body = run_bytes(assignment=bay.assignment.id)
    run_id = app.test_client().post("/api/v1/runs", data=body, headers=bay.auth).json["run_id"]
    guru = signed_in(app, make, Role.INSTRUCTOR, "guru")
    response = guru.get(f"/simulator/runs/{run_id}/telemetry")
    assert response.status_code == 200 and response.data == body
