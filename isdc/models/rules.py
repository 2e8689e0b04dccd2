"""How domain rules report a broken rule: a message (an English msgid) plus its parameters.

Rules run without Flask and without a locale, so they never translate; they mark their
messages with :func:`N_` for extraction, and the web layer translates them for the reader
(``isdc.web.i18n.explain``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


def N_(message: str) -> str:
    """Mark ``message`` for translation without translating it here."""
    return message


@dataclass(frozen=True)
class RuleViolation:
    """One broken rule: which field, and why (``message % params`` in English)."""

    field: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.message % self.params if self.params else self.message


class InvalidRecord(ValueError):
    """A record breaks one or more domain rules; nothing was written."""

    def __init__(self, violations: Iterable[RuleViolation]):
        self.violations = tuple(violations)
        super().__init__("; ".join(str(v) for v in self.violations))

    def for_field(self, name: str) -> list[RuleViolation]:
        return [v for v in self.violations if v.field == name]
