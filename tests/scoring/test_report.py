"""The score report: the JSON contract (schema), the text report in both languages, determinism."""

import json
from pathlib import Path

import jsonschema
import numpy as np

import isdc.scoring
from isdc import telemetry as T
from isdc.scoring import SCORER_VERSION, format_text, score
from tests.scoring.factory import KMH, drive, with_column

SCHEMA = json.loads(
    (Path(isdc.scoring.__file__).parent / "report.schema.json").read_text(encoding="utf-8")
)


def eventful_run():
    return drive(
        speed=lambda t: np.where((t > 10) & (t < 20), 62, 45) * KMH,
        lead_gap=lambda t: np.where((t > 30) & (t < 40), 10.0, np.nan),
        lead_closing=0.0,
        accel_lon=lambda t: np.where((t > 50) & (t < 51), -5.0, 0.0),
        brake=0.0,
        events=[
            {"t": 25.0, "kind": "red_light"},
            {"t": 45.0, "kind": "hazard", "id": "ped-1"},
            {"t": 55.0, "kind": "collision", "with": "pedestrian"},
        ],
    )


def test_the_json_report_follows_the_documented_schema():
    report = score(eventful_run()).to_dict()
    jsonschema.validate(report, SCHEMA)
    json.dumps(report, allow_nan=False)  # no NaN or numpy types anywhere
    assert report["scorer_version"] == SCORER_VERSION


def test_the_contract_keys_hold_what_spec_7_says():
    tel = eventful_run()
    report = score(tel).to_dict()
    assert 0 <= report["score"] <= 100 and report["passed"] is False
    assert {p["name"] for p in report["parts"]} == {
        "speed", "harsh", "following", "lane", "hazard", "smoothness"
    }  # fmt: skip
    assert abs(sum(p["weight"] for p in report["parts"]) - 1) < 1e-3
    finding = report["findings"][0]
    assert set(finding) >= {"t", "position", "kind", "severity", "rule", "advice"}
    assert set(finding["advice"]) == {"id", "en"}
    assert report["run"]["run_id"] == tel.run_id
    assert report["run"]["ticks"] == tel.ticks
    assert report["run"]["duration_s"] == tel.duration_s
    assert "columns" not in report["run"]


def test_the_score_is_explained_by_its_parts_factors_and_completion():
    report = score(eventful_run()).to_dict()
    base = sum(p["weight"] * p["value"] for p in report["parts"])
    assert abs(base - report["base_score"]) < 0.1
    expected = report["base_score"] * report["factor_total"] * report["route_completion"]
    assert abs(report["score"] - expected) < 0.1
    for part in report["parts"]:
        lost = sum(d["points"] for d in part["deductions"])
        assert abs(part["value"] - max(0.0, 100 - lost)) < 0.1


def test_scoring_is_deterministic_and_survives_a_file_round_trip(tmp_path):
    tel = eventful_run()
    first = score(tel).to_dict()
    assert score(tel).to_dict() == first
    back = T.read(T.write(tmp_path / "run.isdc.npz", tel))
    assert score(back).to_dict() == first


def test_missing_numbers_are_null_not_nan():
    tel = with_column(drive(speed=60 * KMH), "x", np.full(3600, np.nan))
    report = score(tel).to_dict()
    text = json.dumps(report, allow_nan=False)
    assert '"x": null' in text


def test_the_text_report_in_indonesian_and_english():
    report = score(eventful_run())
    indonesian = format_text(report)
    english = format_text(report, lang="en")
    assert "NILAI:" in indonesian and "TIDAK LULUS" in indonesian
    assert "SCORE:" in english and "NOT PASSED" in english
    assert "Kecepatan" in indonesian and "Speed" in english
    # Every finding appears with its rule and its advice in the chosen language.
    for finding in report.findings:
        data = finding.to_dict()
        assert data["rule"] in english and data["advice"]["en"] in english
        assert data["advice"]["id"] in indonesian
    assert "pedestrian collision fails the run" in english
    assert "25,0 dtk" in indonesian and "25.0 s" in english


def test_the_text_report_of_a_clean_run_says_so():
    english = format_text(score(drive(speed=45 * KMH)), lang="en")
    assert "PASSED" in english and "No findings" in english


def test_a_run_whose_columns_do_not_fit_together_is_refused_clearly():
    import pytest

    tel = drive(duration_s=2)
    tel.columns["speed"] = tel.columns["speed"][:-5]
    with pytest.raises(T.TelemetryError, match="'speed' has 115 samples but the header says 120"):
        score(tel)
    tel = drive(duration_s=2)
    tel.columns["t"] = tel.columns["t"][::-1].copy()
    with pytest.raises(T.TelemetryError, match="not strictly increasing"):
        score(tel)
