"""Scoring: telemetry in, explainable score report out; pure functions over numpy arrays.

Public API::

    from isdc.scoring import score, format_text, load_rubric
    report = score(telemetry)            # rubric of the run's scenario
    report.to_dict()                     # SPEC 7 JSON contract (docs/scoring.md)
    print(format_text(report, lang="en"))
"""

from isdc.scoring.engine import score
from isdc.scoring.report import SCORER_VERSION, ScoreReport, format_text
from isdc.scoring.rubric import (
    Rubric,
    RubricError,
    available_rubrics,
    load_rubric,
    load_rubric_file,
    parse_rubric,
)

__all__ = [
    "SCORER_VERSION",
    "Rubric",
    "RubricError",
    "ScoreReport",
    "available_rubrics",
    "format_text",
    "load_rubric",
    "load_rubric_file",
    "parse_rubric",
    "score",
]
