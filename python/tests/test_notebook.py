"""docs/exploration.py (the cells of docs/exploration.ipynb) runs with the package and draws its
figures; tests/suite/notebook.rs checks that the notebook holds exactly the script's cells."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "exploration.py"


def test_notebook_draws_the_heatmap_and_stance_bars(tmp_path):
    pytest.importorskip("matplotlib", reason="pip install matplotlib to run the notebook")
    env = dict(os.environ, STANCE_OUT=str(tmp_path), MPLBACKEND="Agg")
    env.pop("STANCE_CORPUS", None)
    run = subprocess.run([sys.executable, str(SCRIPT)], env=env, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    for png in ["heatmap.png", "stances.png"]:
        data = (tmp_path / png).read_bytes()
        assert data.startswith(b"\x89PNG") and len(data) > 10_000, png
    assert "<stance.Analysis model=" in run.stdout
