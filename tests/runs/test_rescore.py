"""`flask --app isdc rescore`: a new rubric gives a new current report; the old ones stay."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from isdc.models import Run, RunFinding, RunMeasure, ScoreReport
from isdc.scoring.rubric import BUILTIN_DIR
from tests.runs.helpers import run_bytes


def upload(client, bay, **kw) -> uuid.UUID:  # type: ignore[no-untyped-def]
    response = client.post("/api/v1/runs", data=run_bytes(**kw),
                           headers=bay.auth)  # fmt: skip
    assert response.status_code == 201
    return uuid.UUID(response.json["run_id"])


def stricter_rubric(folder) -> None:  # type: ignore[no-untyped-def]
    """The centre's own braking-zone rubric: speeding weighs far more."""
    text = (BUILTIN_DIR / "braking_zone.toml").read_text()
    text = text.replace("version = 1", 'version = "centre-2"', 1)
    text = text.replace("speed = 0.30", "speed = 0.90", 1)
    (folder / "braking_zone.toml").write_text(text)


def test_rescore_adds_a_current_report_and_keeps_the_old_one(
    runner, client, bay, db_session, tmp_path, monkeypatch
) -> None:
    body = run_bytes(trainee=bay.trainee.id, driver="autopilot-aggressive")
    first_answer = client.post("/api/v1/runs", data=body, headers=bay.auth)
    run_id = uuid.UUID(first_answer.json["run_id"])
    before = db_session.get(Run, run_id)
    first_score = before.score
    assert before.rubric_version == "1" and before.passed is False

    stricter_rubric(tmp_path)
    monkeypatch.setenv("ISDC_RUBRICS", str(tmp_path))
    result = runner.invoke(args=["rescore", "--scenario", "braking_zone"])
    assert result.exit_code == 0, result.output
    assert "Rescored 1 run(s)" in result.output and str(run_id) in result.output

    db_session.expire_all()
    run = db_session.get(Run, run_id)
    assert run.rubric_version == "centre-2" and run.score < first_score
    reports = db_session.scalars(
        select(ScoreReport).where(ScoreReport.run_id == run_id).order_by(ScoreReport.id)
    ).all()
    assert [r.rubric_version for r in reports] == ["1", "centre-2"]
    assert [r.is_current for r in reports] == [False, True]
    assert reports[0].score == first_score and reports[1].score == run.score
    # findings and measures are kept per report
    for report in reports:
        assert db_session.scalars(select(RunMeasure).where(RunMeasure.report_id == report.id)).all()
    assert {f.report_id for f in db_session.scalars(select(RunFinding))} <= {r.id for r in reports}

    current_score = reports[1].score
    again = runner.invoke(args=["rescore"])
    assert again.exit_code == 0 and "Rescored 0 run(s); 1 already had" in again.output
    # An upload repeated after rescoring still answers what the first upload answered ...
    repeat = client.post("/api/v1/runs", data=body, headers=bay.auth)
    assert repeat.status_code == 200 and repeat.json == first_answer.json
    # ... while the report the API and the pages show is the current one.
    current = client.get(f"/api/v1/runs/{run_id}", headers=bay.auth).json
    assert current["rubric"]["version"] == "centre-2" and current["score"] == current_score


def test_rescore_refuses_an_unknown_scenario(runner) -> None:
    result = runner.invoke(args=["rescore", "--scenario", "moon_landing"])
    assert result.exit_code != 0 and "unknown scenario 'moon_landing'" in result.output


def test_rescore_reports_a_run_whose_file_is_gone(runner, client, bay, db_session, app) -> None:
    from pathlib import Path

    run_id = upload(client, bay, assignment=bay.assignment.id)
    run = db_session.get(Run, run_id)
    (Path(app.instance_path) / "runs" / run.telemetry_path).unlink()
    result = runner.invoke(args=["rescore"])
    assert (
        result.exit_code == 1 and "not rescored" in result.output and str(run_id) in result.output
    )
