"""Golden tests on hand-built drives: each measure finds what a person would see in the data."""

import numpy as np
import pytest

from isdc.scoring import score
from tests.scoring.factory import KMH, drive, with_column, with_events

G = 9.81


def kinds(report, kind):
    return [f for f in report.findings if f.kind == kind]


# --------------------------------------------------------------------------- harsh events


def two_hard_brakes(t):
    """0.5 g for 0.8 s at 20 s and 0.45 g for 1 s at 40 s; a 0.05 s spike at 10 s."""
    a = np.zeros_like(t)
    a[(t >= 20) & (t < 20.8)] = -0.5 * G
    a[(t >= 40) & (t < 41)] = -0.45 * G
    a[(t >= 10) & (t < 10.05)] = -0.9 * G
    return a


def test_a_drive_with_exactly_two_harsh_brakes_finds_two_at_the_right_times():
    report = score(drive(speed=50 * KMH, accel_lon=two_hard_brakes, brake=0.0))
    brakes = kinds(report, "harsh_braking")
    assert [round(f.t, 2) for f in brakes] == [20.0, 40.0]
    assert report.measures["harsh_braking"] == 2
    assert "0.50 g" in brakes[0].advice_en and "0,50 g" in brakes[0].advice_id
    assert report.part("harsh").value < 100


def test_hysteresis_keeps_a_wavering_brake_as_one_event():
    def wavering(t):
        a = np.zeros_like(t)
        on = (t >= 20) & (t < 23)
        # Between 0.36 g and 0.44 g: dips under the 0.40 g threshold but never under the
        # 0.332 g release level (17 % hysteresis).
        a[on] = -(0.40 + 0.04 * np.sign(np.sin(2 * np.pi * 2 * t[on]))) * G
        return a

    report = score(drive(speed=50 * KMH, accel_lon=wavering, brake=0.0))
    assert report.measures["harsh_braking"] == 1


def test_harsh_braking_below_the_speed_gate_does_not_count():
    report = score(drive(speed=5 * KMH, accel_lon=two_hard_brakes, brake=0.0))
    assert report.measures["harsh_braking"] == 0


def test_thresholds_follow_the_vehicle_type():
    # 0.33 g braking: harsh for a truck (0.30 g), not for a car (0.40 g).
    def brake(t):
        return np.where((t > 20) & (t < 21), -0.33 * G, 0.0)

    car = score(drive(speed=50 * KMH, accel_lon=brake, brake=0.0, vehicle="car"))
    truck = score(drive(speed=50 * KMH, accel_lon=brake, brake=0.0, vehicle="truck"))
    assert car.measures["harsh_braking"] == 0
    assert truck.measures["harsh_braking"] == 1


def test_braking_hard_for_a_hazard_is_not_a_harsh_brake():
    hazard = {"t": 19.5, "kind": "hazard", "id": "ped-1"}
    report = score(
        drive(speed=50 * KMH, accel_lon=two_hard_brakes, brake=0.0, events=[hazard]),
    )
    assert [round(f.t) for f in kinds(report, "harsh_braking")] == [40]
    assert report.measures["hazard_braking_exempt"] == 1


def test_using_most_of_the_grip_on_a_wet_road_is_a_finding():
    # 0.35 g of cornering is below the car's 0.45 g, but 88 % of the grip at mu 0.4.
    report = score(
        drive(speed=60 * KMH, accel_lat=lambda t: np.where(t > 30, 0.35 * G, 0), friction=0.4)
    )
    assert report.measures["harsh_cornering"] == 0
    (grip,) = kinds(report, "grip_limit")
    assert grip.severity == "major" and "wet road" in grip.advice_en


# --------------------------------------------------------------------------- speed


def test_speeding_time_excess_and_advice_name_the_speed_and_the_limit():
    report = score(drive(speed=lambda t: np.where((t >= 10) & (t < 20), 60, 45) * KMH))
    m = report.measures
    assert m["time_over_limit_s"] == pytest.approx(10, abs=0.05)
    assert m["max_excess_kmh"] == pytest.approx(10, abs=0.01)
    (finding,) = kinds(report, "speeding")
    assert finding.severity == "major"
    assert "60 km/h in a 50 km/h zone" in finding.advice_en
    assert "60 km/jam di zona 50 km/jam" in finding.advice_id
    assert finding.detail["duration_s"] == pytest.approx(10, abs=0.05)


def test_speed_within_the_tolerance_is_not_speeding():
    report = score(drive(speed=52 * KMH))
    assert report.measures["time_over_limit_s"] == 0
    assert report.part("speed").value == 100
    assert not kinds(report, "speeding")


def test_speeding_in_a_school_zone_costs_more_than_the_same_speeding_elsewhere():
    fast = lambda t: np.where((t >= 10) & (t < 20), 40, 25) * KMH  # noqa: E731
    zone_flag = lambda t: ((t >= 5) & (t < 25)).astype(float)  # noqa: E731
    outside = score(drive(speed=fast, speed_limit=30 * KMH))
    inside = score(drive(speed=fast, speed_limit=30 * KMH, school_zone=zone_flag))
    assert inside.score < outside.score
    (finding,) = kinds(inside, "school_zone_speeding")
    assert "ZoSS" in finding.advice_en and finding.severity == "major"


# --------------------------------------------------------------------------- following


def test_following_too_closely_is_measured_and_reported():
    gap = lambda t: np.where((t >= 10) & (t < 20), 0.8 * 50 * KMH, np.nan)  # noqa: E731
    report = score(drive(speed=50 * KMH, lead_gap=gap, lead_closing=0.0))
    m = report.measures
    assert m["headway_min_s"] == pytest.approx(0.8, abs=0.01)
    assert m["headway_share_below_1s"] == pytest.approx(1.0)
    (finding,) = kinds(report, "close_following")
    assert "0.8 s" in finding.advice_en and "0,8 detik" in finding.advice_id
    assert report.part("following").value < 100


def test_three_seconds_is_enough_on_a_dry_road_but_not_on_a_wet_one():
    gap = 3.0 * 50 * KMH
    dry = score(drive(speed=50 * KMH, lead_gap=gap, lead_closing=0.0, friction=0.7))
    wet = score(drive(speed=50 * KMH, lead_gap=gap, lead_closing=0.0, friction=0.4))
    assert dry.part("following").value == 100
    assert wet.part("following").value < 100
    assert "Wet road" in kinds(wet, "short_headway")[0].advice_en


def test_closing_fast_gives_a_low_time_to_collision_and_time_exposed():
    # Gap shrinks from 40 m at 10 m/s closing: TTC falls below 1.5 s for the last stretch.
    gap = lambda t: np.where((t >= 10) & (t < 13.8), 40 - 10 * (t - 10), np.nan)  # noqa: E731
    report = score(drive(speed=50 * KMH, lead_gap=gap, lead_closing=10.0))
    assert report.measures["ttc_min_s"] < 0.5
    assert report.measures["tet_s"] == pytest.approx(1.5 - 0.2, abs=0.05)
    assert kinds(report, "low_ttc")


def test_no_vehicle_ahead_makes_following_not_applicable_and_gives_its_weight_away():
    report = score(drive(speed=45 * KMH))
    following = report.part("following")
    assert not following.applicable and report.weights["following"] == 0
    assert sum(report.weights.values()) == pytest.approx(1)


# --------------------------------------------------------------------------- lane keeping


def test_sdlp_of_a_steady_weave_is_its_rms():
    report = score(drive(lane_offset=lambda t: 0.6 * np.sin(2 * np.pi * t / 5)))
    assert report.measures["sdlp_m"] == pytest.approx(0.6 / np.sqrt(2), abs=0.005)
    assert report.part("lane").value < 100


def test_a_lane_change_is_not_a_departure_but_drifting_over_the_line_is():
    def change(t):
        # Moves right across the line at 30 s: offset runs to -1.75, jumps to +1.75, settles.
        x = np.clip((t - 28) / 4, 0, 1) * 3.5  # 0 .. 3.5 m to the right over 4 s
        off = -x
        return np.where(off < -1.75, off + 3.5, off)

    def drift(t):
        return np.where((t > 40) & (t < 41.2), 1.1, 0.0)  # left wheel 25 cm over for 1.2 s

    changed = score(drive(lane_offset=change))
    assert changed.measures["lane_changes"] == 1
    assert changed.measures["lane_departures"] == 0
    drifted = score(drive(lane_offset=drift))
    (finding,) = kinds(drifted, "lane_departure")
    assert finding.detail["side"] == "left"
    assert "25 cm" in finding.advice_en


# --------------------------------------------------------------------------- hazard response


def braking_from(start):
    return lambda t: np.where(t >= start, 0.6, 0.0)


def test_quick_reaction_costs_nothing_and_a_late_one_costs_in_proportion():
    hazard = [{"t": 10.0, "kind": "hazard", "id": "ped-1"}]
    quick = score(drive(brake=braking_from(10.8), events=hazard))
    late = score(drive(brake=braking_from(12.0), events=hazard))
    assert quick.measures["reaction_time_mean_s"] == pytest.approx(0.8, abs=0.02)
    assert quick.part("hazard").value == 100
    # 2.0 s: (2.0 - 1.25) / (3.0 - 1.25) of the 60 points for a missed hazard.
    assert late.part("hazard").value == pytest.approx(100 - 60 * 0.75 / 1.75, abs=0.7)
    (slow,) = kinds(late, "slow_reaction")
    assert "2.0 s" in slow.advice_en and "(ped-1)" in slow.advice_en


def test_no_brake_after_a_hazard_is_a_missed_response():
    report = score(drive(brake=0.0, events=[{"t": 10.0, "kind": "hazard"}]))
    assert report.measures["hazards_missed"] == 1
    assert kinds(report, "missed_hazard")[0].severity == "major"
    assert report.part("hazard").value == pytest.approx(40)


def test_a_hazard_while_standing_still_needs_no_reaction():
    report = score(
        drive(speed=lambda t: np.where(t < 15, 0.0, 30 * KMH), brake=0.0, events=[
            {"t": 10.0, "kind": "hazard"}
        ])
    )  # fmt: skip
    assert report.measures["hazards"] == 0
    assert not report.part("hazard").applicable


# --------------------------------------------------------------------------- smoothness


def test_steering_reversals_are_counted_per_minute():
    # 0.5 Hz weave of +-0.2: two reversals per cycle, 60 per minute.
    report = score(drive(steering=lambda t: 0.2 * np.sin(2 * np.pi * 0.5 * t)))
    assert report.measures["steering_reversal_rate_per_min"] == pytest.approx(60, abs=2)
    assert kinds(report, "weaving")


def test_small_steering_jitter_is_not_a_reversal():
    report = score(drive(steering=lambda t: 0.01 * np.sin(2 * np.pi * 2 * t)))
    assert report.measures["steering_reversals"] == 0


def test_jerky_pedals_raise_jerk_and_cost_smoothness():
    smooth = score(drive(accel_lon=lambda t: 0.5 * np.sin(2 * np.pi * t / 20)))
    jerky = score(drive(accel_lon=lambda t: 2.0 * np.sign(np.sin(2 * np.pi * t / 2))))
    assert smooth.measures["jerk_rms"] < 0.5
    assert jerky.measures["jerk_rms"] > 3
    assert jerky.part("smoothness").value < smooth.part("smoothness").value
    assert kinds(jerky, "jerky_driving")


# --------------------------------------------------------------------------- data quality


def test_missing_samples_are_reported_and_left_out():
    base = drive(speed=45 * KMH)
    speed = base["speed"].astype(float)
    speed[100:130] = np.nan
    report = score(with_column(base, "speed", speed))
    (warning,) = [w for w in report.warnings if w["code"] == "missing_samples"]
    assert warning["column"] == "speed" and warning["count"] == 30
    assert "speed" in warning["en"] and "speed" in warning["id"]
    assert report.passed  # 30 of 3600 samples is below the 5 % the rubric tolerates


def test_a_run_with_too_much_missing_data_cannot_pass():
    base = drive(speed=45 * KMH)
    brake = base["brake"].astype(float)
    brake[::10] = np.nan
    report = score(with_column(base, "brake", brake))
    assert not report.passed
    assert "insufficient_data" in [r["code"] for r in report.fail_reasons]


def test_infinite_values_are_treated_as_missing():
    base = drive(speed=45 * KMH)
    accel = base["accel_lon"].astype(float)
    accel[50] = np.inf
    report = score(with_column(base, "accel_lon", accel))
    codes = [w["code"] for w in report.warnings]
    assert "infinite_values" in codes and "missing_samples" in codes
    assert report.measures["harsh_accelerating"] == 0


def test_an_empty_run_scores_zero_and_fails():
    report = score(drive(duration_s=0))
    assert report.score == 0 and not report.passed
    assert [w["code"] for w in report.warnings][0] == "no_samples"


def test_a_careful_drive_passes_with_no_findings():
    report = score(
        drive(
            speed=45 * KMH,
            lane_offset=lambda t: 0.1 * np.sin(t / 3),
            lead_gap=3 * 45 * KMH,
            lead_closing=0.0,
        )
    )
    assert report.passed and report.score > 95
    assert report.findings == []


def test_events_appended_later_are_kept_in_time_order():
    report = score(
        with_events(
            drive(speed=45 * KMH),
            {"t": 30.0, "kind": "amber_light"},
            {"t": 10.0, "kind": "stop_sign"},
        )
    )
    assert [f.kind for f in report.findings] == ["stop_sign", "amber_light"]


def test_a_near_miss_that_ends_in_a_crash_is_reported_once_as_the_crash():
    gap = lambda t: np.where((t >= 10) & (t < 14), 40 - 10 * (t - 10), np.nan)  # noqa: E731
    crash = {"t": 14.0, "kind": "collision", "with": "vehicle"}
    report = score(drive(speed=50 * KMH, lead_gap=gap, lead_closing=10.0, events=[crash]))
    assert not kinds(report, "low_ttc")
    assert kinds(report, "collision_vehicle")
    assert report.measures["tet_s"] > 1  # the exposure still counts


def test_a_following_episode_is_told_by_its_typical_headway_from_where_it_began():
    # 0.8 s for 8 s, closing to 0.5 s for the last second.
    gap = lambda t: np.where(  # noqa: E731
        (t >= 10) & (t < 19), np.where(t < 18, 0.8, 0.5) * 50 * KMH, np.nan
    )
    report = score(drive(speed=50 * KMH, lead_gap=gap, lead_closing=0.0))
    (finding,) = kinds(report, "close_following")
    assert finding.t == pytest.approx(10.0, abs=0.02)
    assert "about 0.8 s" in finding.advice_en and "closest 0.5 s" in finding.advice_en
    assert "sekitar 0,8 detik" in finding.advice_id


def uneven(tel, keep):
    """The same run with only the samples where ``keep`` is True (timestamps kept)."""
    from isdc import telemetry as T

    cols = {k: v[keep] for k, v in tel.columns.items()}
    header = {**tel.header, "ticks": int(keep.sum())}
    return T.Telemetry(header=header, columns=cols, events=list(tel.events))


def busy_drive():
    return drive(
        speed=lambda t: np.where((t > 10) & (t < 25), 62, 45) * KMH,
        lane_offset=lambda t: 0.5 * np.sin(2 * np.pi * t / 6),
        steering=lambda t: 0.15 * np.sin(2 * np.pi * 0.4 * t),
        lead_gap=lambda t: np.where((t > 30) & (t < 45), 10.0, np.nan),
        lead_closing=0.5,
        accel_lon=lambda t: np.where((t > 50) & (t < 51.5), -5.0, 0.3 * np.sin(t)),
        brake=lambda t: np.where((t > 50) & (t < 51.5), 0.6, 0.0),
        events=[{"t": 49.0, "kind": "hazard"}],
    )


def test_dropped_samples_change_the_score_little_and_a_gap_is_reported():
    tel = busy_drive()
    reference = score(tel)
    rng = np.random.default_rng(3)
    keep = rng.random(tel.ticks) > 0.1  # one sample in ten lost at random
    keep[0] = keep[-1] = True
    thinned = score(uneven(tel, keep))
    assert abs(thinned.score - reference.score) <= 2
    assert thinned.measures["harsh_braking"] == reference.measures["harsh_braking"]
    keep = np.ones(tel.ticks, dtype=bool)
    keep[1200:1260] = False  # one second missing
    gapped = score(uneven(tel, keep))
    assert "time_gaps" in [w["code"] for w in gapped.warnings]
    assert abs(gapped.score - reference.score) <= 2


def test_harsh_events_of_one_kind_moments_apart_are_one_manoeuvre():
    def bend(t):  # 0.6 g, a 0.3 s dip to 0.2 g, 0.6 g again: one bend taken too fast
        return np.where((t > 20) & (t < 21.5) & ~((t > 20.6) & (t < 20.9)), 0.6 * G, 0.2 * G)

    report = score(drive(speed=50 * KMH, accel_lat=bend))
    assert report.measures["harsh_cornering"] == 1


def test_a_departure_that_is_part_of_a_wrong_side_episode_is_not_counted_twice():
    drift = lambda t: np.where((t > 40) & (t < 41.2), -1.1, 0.0)  # noqa: E731
    alone = score(drive(lane_offset=drift))
    assert alone.measures["lane_departures"] == 1
    with_rule = score(
        drive(lane_offset=drift, events=[{"t": 40.5, "kind": "wrong_side", "duration_s": 2.0}])
    )
    assert with_rule.measures["lane_departures"] == 0
    assert [f.kind for f in with_rule.findings] == ["wrong_side"]


def test_school_zone_speeding_shows_true_amounts_and_the_extra_separately():
    fast = lambda t: np.where((t >= 10) & (t < 20), 40, 25) * KMH  # noqa: E731
    zone = lambda t: ((t >= 5) & (t < 25)).astype(float)  # noqa: E731
    report = score(
        drive(speed=fast, speed_limit=30 * KMH, school_zone=zone, scenario="school_zone")
    )
    cuts = {c.measure: c for c in report.part("speed").deductions}
    assert cuts["time_over_limit"].amount == pytest.approx(100 / 6, abs=0.2)  # 10 of 60 s
    assert cuts["time_over_limit_school_zone"].points == pytest.approx(
        2 * cuts["time_over_limit"].points
    )
    assert cuts["max_excess_school_zone"].amount == pytest.approx(7, abs=0.05)  # 40 - 30 - 3
    assert cuts["max_excess_school_zone"].points == pytest.approx(2 * 3 * 7, abs=0.3)


def test_the_jerk_of_an_emergency_stop_for_a_hazard_is_not_a_fault():
    def stop(t):  # a sudden 0.7 g stop from 20.5 s: high jerk at its onset and end
        return np.where((t > 20.5) & (t < 23), -0.7 * G, 0.0)

    plain = score(drive(speed=50 * KMH, accel_lon=stop, brake=0.0))
    for_hazard = score(
        drive(speed=50 * KMH, accel_lon=stop, brake=0.0, events=[{"t": 20.0, "kind": "hazard"}])
    )
    assert plain.measures["jerk_rms"] > for_hazard.measures["jerk_rms"]
    assert for_hazard.part("smoothness").value == 100


def test_speeding_advice_speaks_of_the_dark_and_the_wet():
    fast = lambda t: np.where((t >= 10) & (t < 20), 62, 45) * KMH  # noqa: E731
    tel = drive(speed=fast, friction=0.4)
    tel.header["conditions"] = {"light": "night", "weather": "rain"}
    (finding,) = kinds(score(tel), "speeding")
    assert "headlights" in finding.advice_en and "wet road" in finding.advice_en
    assert "malam hari" in finding.advice_id and "jalan basah" in finding.advice_id
