"""The runnable example in docs/simulator.md runs, and the docs name what the code does."""

import re
import subprocess
import sys
from pathlib import Path

from isdc import telemetry

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_the_scripted_driver_example_in_docs_simulator_md_runs():
    text = (DOCS / "simulator.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- example -->\s*```python\n(.*?)```", text, re.S)
    assert block, "docs/simulator.md must keep its example after an <!-- example --> marker"
    out = subprocess.run([sys.executable, "-c", block.group(1)], capture_output=True, text=True,
                         timeout=120)  # fmt: skip
    assert out.returncode == 0, out.stderr
    outcome, _, rest = out.stdout.strip().partition(" ")
    assert outcome == "completed"
    assert "fail_to_yield" not in rest and "collision" not in rest


def test_docs_telemetry_md_lists_every_column_and_event_kind():
    text = (DOCS / "telemetry.md").read_text(encoding="utf-8")
    for name in telemetry.COLUMN_NAMES:
        assert f"`{name}`" in text, name
    for kind in telemetry.EVENT_KINDS:
        assert f"`{kind}`" in text, kind
