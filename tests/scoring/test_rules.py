"""Rule infractions: each multiplies the score by its rubric factor; collisions fail the run."""

import numpy as np
import pytest

from isdc.scoring import load_rubric, parse_rubric, score
from tests.scoring.factory import KMH, drive, with_events

CLEAN = drive(speed=45 * KMH, scenario="toll_merge")  # toll_merge fails only on collisions


@pytest.mark.parametrize(
    ("event", "factor_kind", "factor", "rule"),
    [
        ({"kind": "collision", "with": "pedestrian"}, "collision_pedestrian", 0.50, "106(2)"),
        ({"kind": "collision", "with": "vehicle"}, "collision_vehicle", 0.60, "106(1)"),
        ({"kind": "collision", "with": "static"}, "collision_static", 0.65, "106(1)"),
        ({"kind": "red_light"}, "red_light", 0.70, "Pasal 287(2) jo 106(4)c"),
        ({"kind": "amber_light"}, "amber_light", 0.90, "106(4)c"),
        ({"kind": "stop_sign"}, "stop_sign", 0.80, "Pasal 287(1) jo 106(4)a"),
        ({"kind": "fail_to_yield"}, "fail_to_yield", 0.70, "Pasal 284 jo 106(2)"),
        ({"kind": "off_road"}, "off_road", 0.85, "106(1)"),
        ({"kind": "wrong_side"}, "wrong_side", 0.80, "Pasal 108"),
        ({"kind": "solid_line", "side": "right"}, "solid_line", 0.80, "Pasal 287(1) jo 106(4)b"),
        ({"kind": "timeout"}, "timeout", 0.70, "ISDC"),
    ],
)
def test_each_infraction_multiplies_the_score_by_its_factor(event, factor_kind, factor, rule):
    clean = score(CLEAN)
    hit = score(with_events(CLEAN, {"t": 30.0, **event}))
    assert hit.score == pytest.approx(clean.score * factor, rel=1e-9)
    assert [f.to_dict() for f in hit.factors] == [
        {"kind": factor_kind, "count": 1, "each": factor, "factor": factor}
    ]
    (finding,) = [f for f in hit.findings if f.kind == factor_kind]
    data = finding.to_dict()
    assert rule in data["rule"]
    assert data["t"] == 30.0 and data["position"]["route_s"] == pytest.approx(375, abs=1)
    assert data["advice"]["id"] and data["advice"]["en"]


def test_the_advice_names_the_speed_at_the_infraction():
    hit = score(with_events(CLEAN, {"t": 30.0, "kind": "red_light"}))
    (finding,) = hit.findings
    assert "45 km/h" in finding.advice_en and "45 km/jam" in finding.advice_id


def test_repeated_infractions_multiply_again():
    hit = score(
        with_events(CLEAN, {"t": 10.0, "kind": "red_light"}, {"t": 40.0, "kind": "red_light"})
    )
    assert hit.factor_total == pytest.approx(0.49)
    assert hit.factors[0].count == 2


def test_a_collision_fails_the_run_whatever_the_score():
    lenient = parse_rubric(
        {
            "rubric": {"scenario": "toll_merge", "version": "t"},
            "factors": {"collision_static": 0.95},
        }
    )
    hit = score(with_events(CLEAN, {"t": 30.0, "kind": "collision", "with": "static"}), lenient)
    assert hit.score == pytest.approx(95)
    assert not hit.passed
    assert [r["code"] for r in hit.fail_reasons] == ["fail_on_collision_static"]


def test_one_crash_touching_twice_counts_once_but_two_crashes_count_twice():
    same = score(
        with_events(
            CLEAN,
            {"t": 30.0, "kind": "collision", "with": "vehicle", "other": "car-3"},
            {"t": 31.5, "kind": "collision", "with": "vehicle", "other": "car-3"},
        )
    )
    assert same.factors[0].count == 1
    two = score(
        with_events(
            CLEAN,
            {"t": 30.0, "kind": "collision", "with": "vehicle", "other": "car-3"},
            {"t": 50.0, "kind": "collision", "with": "vehicle", "other": "car-3", "x": 900.0},
        )
    )
    assert two.factors[0].count == 2


def test_a_cyclist_counts_as_a_vulnerable_road_user():
    hit = score(with_events(CLEAN, {"t": 30.0, "kind": "collision", "with": "cyclist"}))
    assert hit.factors[0].kind == "collision_pedestrian"


def test_a_scenario_rubric_can_make_an_infraction_fail_the_run():
    tel = drive(speed=45 * KMH, scenario="urban_intersection")
    assert "red_light" in load_rubric("urban_intersection").pass_rules.fail_on
    hit = score(with_events(tel, {"t": 30.0, "kind": "red_light"}))
    assert not hit.passed and "fail_on_red_light" in [r["code"] for r in hit.fail_reasons]


def test_route_completion_scales_the_score_and_an_unfinished_route_fails():
    full = score(CLEAN)
    half = score(drive(speed=45 * KMH, scenario="toll_merge", route_length_m=1500.0))
    assert half.route_completion == pytest.approx(0.5, abs=0.01)
    assert half.score == pytest.approx(full.score * half.route_completion)
    assert not half.passed
    assert "route_incomplete" in [r["code"] for r in half.fail_reasons]
    assert any(f.kind == "incomplete" and "50 %" in f.advice_en for f in half.findings)


def test_a_timed_out_run_is_penalised_once_and_not_passed():
    timed_out = score(drive(speed=45 * KMH, scenario="toll_merge", outcome="timeout"))
    assert timed_out.factors[0].kind == "timeout" and timed_out.factors[0].count == 1
    assert "not_completed" in [r["code"] for r in timed_out.fail_reasons]


def test_a_rule_event_with_unknown_position_still_scores():
    tel = drive(speed=45 * KMH, scenario="toll_merge", duration_s=0.5)
    tel.events.append({"t": 0.2, "kind": "off_road", "x": 1.0, "y": 2.0})
    report = score(tel)
    assert report.factors[0].kind == "off_road"
    assert np.isfinite(report.score)


@pytest.mark.parametrize(
    ("event", "english", "indonesian"),
    [
        (
            {"kind": "red_light", "red_for_s": 1.4},
            "The light had been red for 1.4 s.",
            "Lampu sudah merah 1,4 dtk.",
        ),
        (
            {"kind": "amber_light", "distance_at_onset_m": 48.0, "stopping_distance_m": 31.0},
            "you were 48 m from the line and needed 31 m to stop",
            "Anda 48 m dari garis; jarak henti Anda 31 m",
        ),
        (
            {"kind": "stop_sign", "min_speed_kmh": 12.0},
            "did not stop fully at the stop sign (12 km/h)",
            "rambu STOP (kecepatan 12 km/jam)",
        ),
        (
            {"kind": "off_road", "duration_s": 2.5},
            "left the road at 45 km/h (for 2.5 s).",
            "pada 45 km/jam (selama 2,5 dtk).",
        ),
        (
            {"kind": "solid_line", "side": "right"},
            "across a solid line to the right.",
            "melewati garis utuh ke kanan.",
        ),
    ],
)
def test_advice_uses_what_the_detector_recorded(event, english, indonesian):
    (finding,) = score(with_events(CLEAN, {"t": 30.0, **event})).findings
    assert english in finding.advice_en
    assert indonesian in finding.advice_id


def test_running_into_the_vehicle_ahead_gets_following_advice():
    tel = drive(speed=45 * KMH, scenario="toll_merge", lead_gap=lambda t: np.clip(30 - t, 0, 30))
    (finding,) = [
        f
        for f in score(
            with_events(tel, {"t": 30.0, "kind": "collision", "with": "vehicle"})
        ).findings
        if f.kind == "collision_vehicle"
    ]
    assert "ran into the vehicle ahead" in finding.advice_en
    assert "3-second gap" in finding.advice_en


def test_hitting_a_cone_is_named_in_the_advice():
    hit = score(
        with_events(
            CLEAN, {"t": 30.0, "kind": "collision", "with": "static", "object_kind": "cone"}
        )
    )
    (finding,) = hit.findings
    assert "You hit a traffic cone at 45 km/h" in finding.advice_en
    assert "menabrak kerucut lalu lintas" in finding.advice_id
