"""Reading analytics pages in tests: a panel's table through its CSV export."""

from __future__ import annotations

import csv
import io
from typing import Any

BOM = "\ufeff"


def csv_table(client: Any, path: str, name: str, **args: Any) -> list[dict[str, str]]:
    """The rows of panel ``name`` on ``path`` as dicts (header -> cell), via ``?csv=``."""
    response = client.get(path, query_string={**args, "csv": name})
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith(BOM)
    return list(csv.DictReader(io.StringIO(text[1:])))


def number(cell: str) -> float | None:
    return None if cell == "" else float(cell)


def panel(html: str, name: str) -> str:
    """The HTML of panel ``name`` on a page."""
    start = html.index(f'id="panel-{name}"')
    return html[start : html.index("</section>", start)]
