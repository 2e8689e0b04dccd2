"""The scenarios this server can assign and score: built-in scenarios that have a rubric.

Titles and briefs come from the scenario files; loading one builds its road layout, so each
process loads a scenario once and keeps it (scenario files ship with the code).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

VEHICLES: tuple[str, ...] = ("car", "motorcycle", "truck")


@dataclass(frozen=True)
class ScenarioInfo:
    id: str
    version: int
    title: dict[str, str]
    brief: dict[str, str]
    scorable: bool  # a rubric exists, so runs of it can be scored

    def title_in(self, lang: str) -> str:
        return self.title.get(lang) or self.title["en"]

    def brief_in(self, lang: str) -> str:
        return self.brief.get(lang) or self.brief["en"]


@functools.cache
def scenarios() -> dict[str, ScenarioInfo]:
    """Every built-in scenario (variants included), in the order of the ISDC programme."""
    from isdc.scoring import available_rubrics
    from isdc.simulator.scenario import builtin_ids

    rubrics = set(available_rubrics())
    found: dict[str, ScenarioInfo] = {}
    for sid in builtin_ids():
        data = _scenario_data(sid)
        found[sid] = ScenarioInfo(
            id=sid,
            version=int(data["version"]),
            title=dict(data["title"]),
            brief=dict(data["brief"]),
            scorable=sid in rubrics,
        )
    return found


def _scenario_data(sid: str) -> dict[str, Any]:
    return scenario(sid).data


@functools.lru_cache(maxsize=32)
def scenario(sid: str) -> Any:
    """The loaded scenario (with its road layout) for drawing; ScenarioError when unknown."""
    from isdc.simulator.scenario import load_scenario

    return load_scenario(sid)


def get(sid: str) -> ScenarioInfo | None:
    return scenarios().get(sid)


def assignable() -> list[ScenarioInfo]:
    """Scenarios an instructor may assign: those whose runs can be scored."""
    return [s for s in scenarios().values() if s.scorable]


def title(sid: str, lang: str) -> str:
    info = get(sid)
    return info.title_in(lang) if info else sid
