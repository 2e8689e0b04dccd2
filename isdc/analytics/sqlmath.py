"""SQL arithmetic both databases agree on: ``floor`` for binning scores and positions.

PostgreSQL has ``floor()``; SQLite has it only when built with its math functions, and its
``CAST(x AS INTEGER)`` truncates towards zero (wrong for negative coordinates), so on SQLite
the floor is spelled out with the truncation and a correction for negative fractions.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.functions import FunctionElement


class floor_of(FunctionElement[int]):  # noqa: N801 - reads like the SQL function it is
    """The largest integer not above the argument, as an integer, on SQLite and PostgreSQL."""

    type = Integer()
    inherit_cache = True
    name = "floor_of"

    def __init__(self, value: ColumnElement[Any]) -> None:
        super().__init__(value)


@compiles(floor_of)
def _floor_default(element: floor_of, compiler: Any, **kw: Any) -> str:
    return f"CAST(floor({compiler.process(element.clauses, **kw)}) AS INTEGER)"


@compiles(floor_of, "sqlite")
def _floor_sqlite(element: floor_of, compiler: Any, **kw: Any) -> str:
    value = compiler.process(element.clauses, **kw)
    truncated = f"CAST({value} AS INTEGER)"
    return f"({truncated} - (({value}) < {truncated}))"
