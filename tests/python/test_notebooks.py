"""The example notebooks run from top to bottom (nbclient, one timeout per notebook)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("matplotlib")
pytest.importorskip("pyarrow")
import salescomp as sc  # noqa: E402

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "examples" / "notebooks").glob("*.ipynb"))
TIMEOUT = int(os.environ.get("SALESCOMP_NOTEBOOK_TIMEOUT", "180"))


def test_there_are_notebooks():
    names = {p.stem.split("_", 1)[1] for p in NOTEBOOKS}
    assert {"quickstart", "designing_and_comparing_plans", "attainment_and_forecasting", "attribution"} <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path, tmp_path):
    if not hasattr(getattr(sc, "engine", None), "run_period") and path.stem.split("_", 1)[1] in (
            "quickstart", "designing_and_comparing_plans"):
        pytest.skip("this build has no salescomp.engine.run_period (plan area)")
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=TIMEOUT, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors
    assert any(c.get("outputs") for c in nb.cells if c.cell_type == "code")
