"""Accepted-when journey of the simulator bays (issue 6), end to end over real processes:
gunicorn serves the back office; an admin registers a station; an instructor assigns the
course's scenario and sends the trainee to the bay; `isdc-sim station --once --headless`
drives it with the autopilot and uploads; the trainee finds the scored run on their results
page. Then again with the server stopped while the trainee drives and started afterwards: the
run is uploaded once when it returns. The report page is photographed in both languages."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import func, select

from tests.browser.conftest import ARTIFACTS, free_port
from tests.conftest import TEST_SECRET
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser
SCENARIO = "braking_zone"  # the shortest built-in scenario


class Server:
    """gunicorn (2 workers) on a fixed port, stoppable and startable again."""

    def __init__(self, env: dict[str, str], instance: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = env
        self.log_path = instance / "gunicorn.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        log = self.log_path.open("a")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind",
             f"127.0.0.1:{self.port}", "--no-control-socket", "isdc:create_app()"],
            env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        log.close()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(self.log_path.read_text()[-2000:])
            try:
                if requests.get(self.url + "/api/v1/health", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer within 30 s")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None


@pytest.fixture(scope="module")
def bay_server(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    from isdc.extensions import db
    from isdc.models import CourseScenarioRequirement, FacilityKind, Role, Site, VehicleKind
    from tests.conftest import empty_all_tables, running_app
    from tests.factories import Factory

    instance = tmp_path_factory.mktemp("bay-instance")
    with running_app(database_url, instance) as app:
        site = Site(name="ISDC Serpong", code="SRP", timezone="Asia/Jakarta")
        db.session.add(site)
        db.session.commit()
        make = Factory(db.session, site)
        make.facility(name="Bay Simulator 1", kind=FacilityKind.SIMULATOR_BAY, capacity=1)
        course = make.course(code="DDC")
        course.scenario_requirements = [
            CourseScenarioRequirement(scenario_id=SCENARIO, vehicle=VehicleKind.CAR, min_score=70)
        ]
        session = make.session(course=course, name="DDC E2E")
        trainee = make.trainee(full_name="Budi Santoso")
        make.enrolment(trainee, session)
        make.user(Role.ADMIN, username="boss", locale="en")
        make.user(Role.INSTRUCTOR, username="guru", locale="en")
        make.user(Role.TRAINEE, username="budi", trainee=trainee, locale="en")
        ids = {"session": session.id, "trainee": trainee.id}
        url = app.config["SQLALCHEMY_DATABASE_URI"]
    env = {**os.environ, "DATABASE_URL": url, "ISDC_INSTANCE_PATH": str(instance),
           "ISDC_SECRET_KEY": TEST_SECRET}  # fmt: skip
    server = Server(env, instance)
    server.start()
    try:
        yield {"server": server, "url": url, "instance": instance, **ids}
    finally:
        server.stop()
        with running_app(database_url, instance):
            empty_all_tables(db.engine)


def signed_in(base: str, username: str) -> requests.Session:
    client = requests.Session()
    page = client.get(base + "/login").text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    answer = client.post(base + "/login", data={"username": username, "password": PASSWORD,
                                                "csrf_token": token}, allow_redirects=False)  # fmt: skip
    assert answer.status_code == 302
    return client


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def station_command(base: str, token: str, outbox: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "isdc.simulator.cli", "station", "--server", base, "--token",
            token, "--once", "--headless", "--driver", "autopilot", "--lang", "en", "--outbox",
            str(outbox), "--poll", "0.2", "--max-wait", "120", *extra]  # fmt: skip


def runs_of(url: str, trainee_id: int) -> list[Any]:
    from sqlalchemy import create_engine

    from isdc.models import Run

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(
                select(Run.id, Run.score, Run.passed).where(Run.trainee_id == trainee_id)
            ).all()
    finally:
        engine.dispose()


def assignment_sent(url: str, trainee_id: int) -> bool:
    from sqlalchemy import create_engine

    from isdc.models import Assignment, AssignmentStatus

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return bool(conn.scalar(select(func.count()).where(
                Assignment.trainee_id == trainee_id, Assignment.status == AssignmentStatus.SENT)))  # fmt: skip
    finally:
        engine.dispose()


def test_a_bay_drives_an_assignment_and_the_trainee_sees_the_scored_run(
    bay_server, tmp_path, browser
) -> None:
    server: Server = bay_server["server"]
    base = server.url
    # Admin: register the bay's station; the token is shown once.
    admin = signed_in(base, "boss")
    form = admin.get(base + "/simulator/stations/new").text
    bay_id = re.search(r'<option value="(\d+)">Bay Simulator 1</option>', form).group(1)
    page = admin.post(base + "/simulator/stations/new",
                      data={"csrf_token": csrf(form), "name": "SIM-01", "bay": bay_id}).text  # fmt: skip
    token = re.search(r'id="token" readonly value="([^"]+)"', page).group(1)

    # Instructor: assign the course's required scenario and send the trainee to the bay.
    guru = signed_in(base, "guru")
    session_url = f"{base}/simulator/sessions/{bay_server['session']}"
    html = guru.get(session_url).text
    guru.post(session_url + "/assign-required", data={"csrf_token": csrf(html)})
    html = guru.get(session_url).text
    station_id = re.search(
        r'<option value="(\d+)">Bay Simulator 1 \(SIM-01\)</option>', html
    ).group(1)
    guru.post(f"{session_url}/send/{bay_server['trainee']}",
              data={"csrf_token": csrf(html), "station": station_id})  # fmt: skip

    # The station serves it headless with the autopilot.
    outbox = tmp_path / "outbox"
    done = subprocess.run(station_command(base, token, outbox), capture_output=True, text=True,
                          timeout=180)  # fmt: skip
    assert done.returncode == 0, done.stderr + done.stdout
    assert "Budi Santoso" in done.stdout and "Score:" in done.stdout
    runs = runs_of(bay_server["url"], bay_server["trainee"])
    assert len(runs) == 1 and runs[0].passed
    run_id = str(runs[0].id)

    budi = signed_in(base, "budi")
    results = budi.get(base + "/simulator/my-results").text
    assert f"/simulator/runs/{run_id}" in results
    report = budi.get(f"{base}/simulator/runs/{run_id}").text
    assert 'id="score-value"' in report and "Braking zone" in report

    # Again, with the server stopped while the trainee drives and started again afterwards.
    html = guru.get(session_url).text
    enrolment = re.search(r'name="enrolment" value="(\d+)"', html).group(1)
    guru.post(session_url + "/assign", data={"csrf_token": csrf(html), "scenario": SCENARIO,
                                             "vehicle": "car", "seed": "5", "enrolment": enrolment})  # fmt: skip
    guru.post(f"{session_url}/send/{bay_server['trainee']}",
              data={"csrf_token": csrf(html), "station": station_id})  # fmt: skip
    station = subprocess.Popen(station_command(base, token, outbox, "--brief-seconds", "3"),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    deadline = time.monotonic() + 30
    while not assignment_sent(bay_server["url"], bay_server["trainee"]):
        assert time.monotonic() < deadline and station.poll() is None
        time.sleep(0.1)
    server.stop()  # the trainee is reading the brief, then drives: the server is away
    time.sleep(5)
    assert len(list(outbox.glob("*.isdc.npz"))) == 1  # the run waits in the outbox
    server.start()
    out, err = station.communicate(timeout=120)
    assert station.returncode == 0, err + out
    assert "kept in the outbox" in out
    runs = runs_of(bay_server["url"], bay_server["trainee"])
    assert len(runs) == 2 and list(outbox.glob("*.isdc.npz")) == []

    # The report page, as the trainee sees it, in both languages.
    context = browser.new_context(base_url=base, viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    problems: list[str] = []
    tab.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda exc: problems.append(str(exc)))
    try:
        tab.goto("/login")
        tab.fill("#username", "budi")
        tab.fill("#password", PASSWORD)
        tab.click("#login-button")
        tab.wait_for_url("**/dashboard")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        for lang, heading in (("en", "Findings"), ("id", "Temuan")):
            tab.goto("/simulator/my-results")
            tab.click("#language-menu")
            tab.click(f"button[data-language={lang}]")
            tab.wait_for_load_state()
            tab.goto(f"/simulator/runs/{run_id}")
            assert tab.locator("#findings-title").inner_text().startswith(heading)
            for element in ("#speed-plot", "#trajectory-plot", "#parts-table", "#score-value"):
                assert tab.locator(element).is_visible(), element
            tab.screenshot(path=str(ARTIFACTS / f"run-report-{lang}.png"), full_page=True)
        assert problems == []
    finally:
        context.close()
