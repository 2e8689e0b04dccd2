"""docs/scoring.md stays true: its example rubric loads and its tables name what the code does."""

import re
import tomllib
from pathlib import Path

from isdc.scoring import parse_rubric, score
from isdc.scoring.legal import LEGAL_BASIS
from isdc.scoring.rubric import FACTOR_KINDS
from tests.scoring.factory import KMH, drive

DOC = (Path(__file__).resolve().parents[2] / "docs" / "scoring.md").read_text(encoding="utf-8")


def example_rubric() -> str:
    match = re.search(r"<!-- example rubric -->\s*```toml\n(.*?)```", DOC, re.S)
    assert match, "the example rubric block is missing from docs/scoring.md"
    return match.group(1)


def test_the_documented_example_rubric_loads_and_scores_a_run():
    rubric = parse_rubric(tomllib.loads(example_rubric()), source="docs/scoring.md")
    assert rubric.scenario == "school_zone" and rubric.version == "serpong-2026.1"
    assert rubric.pass_rules.mark == 80 and rubric.speed.school_zone_weight == 4
    report = score(drive(speed=28 * KMH, speed_limit=30 * KMH, scenario="school_zone"), rubric)
    assert report.to_dict()["rubric"]["version"] == "serpong-2026.1"


def test_every_finding_kind_factor_and_measure_is_documented():
    for kind in LEGAL_BASIS:
        assert f"`{kind}`" in DOC, kind
    for kind in FACTOR_KINDS:
        assert f"`{kind}`" in DOC, kind
    measures = score(drive(speed=45 * KMH)).measures
    for name in measures:
        assert f"`{name}`" in DOC, name
