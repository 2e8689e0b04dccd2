"""The front-end example in docs/simulator.md runs and writes the PNG it promises."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_the_frame_example_in_docs_simulator_md_runs(tmp_path: Path):
    text = (DOCS / "simulator.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- frontend-example -->\s*```python\n(.*?)```", text, re.S)
    assert block, "docs/simulator.md must keep its front-end example"
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    out = subprocess.run([sys.executable, "-c", block.group(1)], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=120)  # fmt: skip
    assert out.returncode == 0, out.stderr
    png = tmp_path / "school_zone_at_night.png"
    assert out.stdout.strip() == str(png.name) or Path(out.stdout.strip()) == png
    assert png.read_bytes().startswith(b"\x89PNG")


def test_the_docs_name_every_keyboard_key_the_driver_reads():
    text = (DOCS / "simulator.md").read_text(encoding="utf-8")
    for words in ("Left / Right, A / D", "Up, W", "Down, S", "Space", "isdc-sim calibrate",
                  "--at T --png OUT", "$ISDC_CONTROLS"):  # fmt: skip
        assert words in text, words
