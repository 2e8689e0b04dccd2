"""Scenario files: the built-in eight (and the wet variant) load; bad files are refused clearly."""

import re
from pathlib import Path

import pytest

from isdc.simulator import ScenarioError, Simulation, builtin_ids, load_scenario
from isdc.simulator.scenario import BUILTIN_DIR

EIGHT = ["urban_intersection", "school_zone", "toll_merge", "emergency_brake", "wet_curve",
         "motorcycle_mix", "night_pedestrian", "braking_zone"]  # fmt: skip
DOCS = Path(__file__).resolve().parents[2] / "docs" / "scenarios.md"


def test_the_eight_isdc_scenarios_and_the_wet_braking_zone_are_built_in():
    assert builtin_ids() == EIGHT + ["braking_zone_wet"]


@pytest.mark.parametrize("sid", EIGHT + ["braking_zone_wet"])
def test_each_builtin_has_bilingual_title_and_brief_and_a_reachable_goal(sid):
    sc = load_scenario(sid)
    for lang in ("id", "en"):
        assert sc.title(lang) and len(sc.brief(lang)) > 40
    assert sc.title("id") != sc.title("en")
    assert sc.layout.goal.route_s > 50
    assert sc.time_limit_s > 0 and sc.tick_rate == 60


def test_the_wet_variant_is_the_same_exercise_on_a_wet_track():
    dry, wet = load_scenario("braking_zone"), load_scenario("braking_zone_wet")
    assert (dry.layout.weather, wet.layout.weather) == ("dry", "rain")
    assert wet.layout.friction < dry.layout.friction
    assert wet.layout.goal.box_from > dry.layout.goal.box_from
    info = Simulation(wet, "car", 1).header["scenario"]
    assert (info["id"], info["base"], info["variant"]) == (
        "braking_zone_wet",
        "braking_zone",
        "wet",
    )
    assert info["rubric"] == "braking_zone_wet"


def write(tmp_path, text: str) -> Path:
    path = tmp_path / "mine.toml"
    path.write_text(text, encoding="utf-8")
    return path


def base_text() -> str:
    return (BUILTIN_DIR / "emergency_brake.toml").read_text(encoding="utf-8")


def test_a_file_path_loads_like_a_builtin(tmp_path):
    sc = load_scenario(write(tmp_path, base_text()))
    assert sc.id == "emergency_brake" and sc.source.endswith("mine.toml")


@pytest.mark.parametrize(
    ("mangle", "message"),
    [
        (
            lambda t: t.replace("version = 1", "version = = 1"),
            r"mine\.toml: TOML syntax error: .*line",
        ),
        (
            lambda t: t.replace("time_limit_s = 100", "time_limit_s = 100\ntime_limt = 3"),
            r"mine\.toml: time_limt: unknown key",
        ),
        (
            lambda t: t.replace('lane = "main:f1"\ns = 50', 'lane = "main:f9"\ns = 50'),
            r"emergency_brake: vehicles\[0\]\.lane: no lane 'main:f9' \(lanes of road 'main': ",
        ),
        (
            lambda t: t.replace(
                "forward = 1\nbackward = 1", "forward = 1\nbackward = 1\nlimit_kmh = -30"
            ),
            r"roads\[0\]\.limit_kmh: a speed limit must be positive, got -30",
        ),
        (
            lambda t: t.replace("speed_kmh = 40\ndesired_kmh", 'speed_kmh = "fast"\ndesired_kmh'),
            r"vehicles\[0\]\.speed_kmh: expected a number, got 'fast'",
        ),
        (
            lambda t: t.replace(
                '[goal]\nkind = "reach"\nlane = "main:f1"\ns = 680',
                '[goal]\nkind = "reach"\nlane = "main:b1"\ns = 680',
            ),
            r"goal\.lane: lane main:b1 is not on the ego's route",
        ),
        (
            lambda t: t.replace('entity = "lead", decel', 'entity = "nobody", decel'),
            r"events\[0\]\.actions\[0\]\.entity: no vehicle 'nobody'",
        ),
        (lambda t: t.replace("[brief]", "[brief_x]"), r"brief_x: unknown key"),
    ],
    ids=[
        "syntax",
        "unknown-key",
        "unknown-lane",
        "negative-limit",
        "wrong-type",
        "goal-off-route",
        "unknown-entity",
        "missing-brief",
    ],
)
def test_a_bad_scenario_file_is_refused_with_one_clear_line(tmp_path, mangle, message):
    text = mangle(base_text())
    assert text != base_text()
    with pytest.raises(ScenarioError) as err:
        load_scenario(write(tmp_path, text))
    assert re.search(message, str(err.value)), str(err.value)
    assert "\n" not in str(err.value)


def test_an_unknown_id_names_the_builtins():
    with pytest.raises(ScenarioError, match="unknown scenario 'school_zon'; built-in scenarios: "):
        load_scenario("school_zon")


def test_a_missing_file_and_a_non_text_file(tmp_path):
    with pytest.raises(ScenarioError, match="scenario file not found"):
        load_scenario(tmp_path / "nope.toml")
    bad = tmp_path / "bin.toml"
    bad.write_bytes(b"\xff\xfe\x00binary")
    with pytest.raises(ScenarioError, match="not a text"):
        load_scenario(bad)


def test_the_example_in_docs_scenarios_md_loads_and_runs(tmp_path):
    text = DOCS.read_text(encoding="utf-8")
    block = re.search(r"<!-- example -->\s*```toml\n(.*?)```", text, re.S)
    assert block, "docs/scenarios.md must hold the example after an <!-- example --> marker"
    sc = load_scenario(write(tmp_path, block.group(1)))
    from isdc.simulator import make_driver

    sim = Simulation(sc, "car", 3)
    tel = sim.run(make_driver("autopilot"))
    assert sim.outcome == "completed", [e["kind"] for e in tel.events]
