"""Fixtures for the runs tests: a station with a token, a trainee with an assignment."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.runs.helpers import SCENARIO


@dataclass
class Bay:
    station: Any
    token: str
    trainee: Any
    session: Any
    enrolment: Any
    assignment: Any

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@pytest.fixture
def bay(db_session, make, site):  # type: ignore[no-untyped-def]
    """Station SIM-01 in Bay Simulator 1, and trainee Budi with one assignment queued there."""
    from isdc.models import (
        Assignment,
        AssignmentStatus,
        CourseScenarioRequirement,
        FacilityKind,
        Station,
        VehicleKind,
    )

    facility = make.facility(name="Bay Simulator 1", kind=FacilityKind.SIMULATOR_BAY, capacity=1)
    station = Station(site=site, name="SIM-01", facility=facility)
    token = station.issue_token()
    db_session.add(station)
    course = make.course(code="DDC")
    course.scenario_requirements = [
        CourseScenarioRequirement(scenario_id=SCENARIO, vehicle=VehicleKind.CAR, min_score=70)
    ]
    session = make.session(course=course)
    trainee = make.trainee(full_name="Budi Santoso")
    enrolment = make.enrolment(trainee, session)
    assignment = Assignment(
        site=site,
        trainee=trainee,
        enrolment_id=enrolment.id,
        session_id=session.id,
        scenario_id=SCENARIO,
        vehicle="car",
        seed=3,
        station=station,
        status=AssignmentStatus.PENDING,
    )
    db_session.add(assignment)
    db_session.commit()
    return Bay(station, token, trainee, session, enrolment, assignment)
