"""A table of an analytics page as a CSV download (UTF-8 with BOM, so Excel reads it)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from flask import Response

from isdc.imports.export import csv_bytes
from isdc.web.backoffice import csv_download


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> Response:
    """``rows`` as a CSV attachment; formula-like cells are defused, dates written ISO."""
    return csv_download(csv_bytes(header, rows), filename)
