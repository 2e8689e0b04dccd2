"""Traffic-light controllers: fixed-time phases with amber and all-red, counted in ticks.

A controller drives signal groups (one per approach, or per set of approaches that move
together). Each phase names the groups that are green and for how long. Between phases, groups
that lose their green show amber for ``amber_s`` and then every changing group shows red for
``all_red_s`` before the next phase's groups turn green. Time is counted in whole ticks so the
same scenario changes its lights on exactly the same tick every run.
"""

from __future__ import annotations

from dataclasses import dataclass

GREEN, AMBER, RED = "green", "amber", "red"


@dataclass(frozen=True)
class Phase:
    green: frozenset[str]
    duration_ticks: int


class SignalController:
    def __init__(
        self,
        signal_id: str,
        groups: list[str],
        phases: list[Phase],
        amber_ticks: int,
        all_red_ticks: int,
        start_phase: int = 0,
        offset_ticks: int = 0,
    ):
        self.id = signal_id
        self.groups = list(groups)
        self.phases = phases
        self.amber_ticks = amber_ticks
        self.all_red_ticks = all_red_ticks
        self.phase = start_phase
        self.next_phase = (start_phase + 1) % len(phases)
        self.stage = GREEN
        self.stage_end = phases[start_phase].duration_ticks - offset_ticks
        self.state: dict[str, str] = {}
        self.since: dict[str, int] = {g: 0 for g in groups}  # tick the current state began
        self._hold: int | None = None
        self._apply(0)

    def group_state(self, group: str) -> str:
        return self.state[group]

    def update(self, tick: int) -> list[tuple[str, str]]:
        """Advance to ``tick``; returns the (group, new state) changes made on this tick."""
        changes: list[tuple[str, str]] = []
        while tick >= self.stage_end:
            start = self.stage_end
            if self.stage == GREEN:
                leaving = self.phases[self.phase].green - self.phases[self.next_phase].green
                if leaving and self.amber_ticks > 0:
                    self.stage, self.stage_end = AMBER, start + self.amber_ticks
                else:
                    self._to_all_red_or_green(start)
            elif self.stage == AMBER:
                self._to_all_red_or_green(start)
            else:
                self._begin_green(start)
            changes.extend(self._apply(start))
        return changes

    def force(self, phase: int, tick: int, hold_ticks: int | None = None) -> list[tuple[str, str]]:
        """Start changing to ``phase`` now (amber, all-red, then its green), as an action does."""
        if self.stage == GREEN and self.phase == phase:
            if hold_ticks is not None:
                self.stage_end = tick + hold_ticks
            return []
        self.next_phase = phase
        self._hold = hold_ticks
        if self.stage == GREEN:
            self.stage_end = tick
        return self.update(tick)

    def _to_all_red_or_green(self, start: int) -> None:
        if self.all_red_ticks > 0:
            self.stage, self.stage_end = RED, start + self.all_red_ticks
        else:
            self._begin_green(start)

    def _begin_green(self, start: int) -> None:
        self.phase = self.next_phase
        self.next_phase = (self.phase + 1) % len(self.phases)
        duration = self.phases[self.phase].duration_ticks
        if self._hold is not None:
            duration, self._hold = self._hold, None
        self.stage, self.stage_end = GREEN, start + duration

    def _apply(self, tick: int) -> list[tuple[str, str]]:
        now = self.phases[self.phase].green
        nxt = self.phases[self.next_phase].green
        changes = []
        for g in self.groups:
            if self.stage == GREEN:
                st = GREEN if g in now else RED
            elif self.stage == AMBER:
                st = (GREEN if g in nxt else AMBER) if g in now else RED
            else:  # all-red between phases: only groups green on both sides keep going
                st = GREEN if g in now and g in nxt else RED
            if self.state.get(g) != st:
                self.state[g] = st
                self.since[g] = tick
                changes.append((g, st))
        return changes
