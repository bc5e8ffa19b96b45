"""The example notebooks run from top to bottom in a fresh kernel (nbclient, one timeout per
notebook) and show their charts as images: every figure a cell returns is displayed as a PNG,
not as the text ``<Figure size 750x420 with 1 Axes>``, with the kernel's default backend and
with a non-interactive one.

The kernel is a separate process started in a temporary folder: it is given the folder of the
salescomp this test imported (a dev tree on a relative ``PYTHONPATH`` included)."""

from __future__ import annotations

import base64
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


@pytest.fixture(autouse=True)
def kernel_imports_this_salescomp(monkeypatch):
    package_root = Path(sc.__file__).absolute().parents[1]  # not resolved: the dev tree links its sources
    if package_root.name not in ("site-packages", "dist-packages"):
        monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(package_root),
                                                                      os.environ.get("PYTHONPATH")])))


def run(path: Path, tmp_path: Path) -> nbformat.NotebookNode:
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=TIMEOUT, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    return nb


def outputs(nb: nbformat.NotebookNode) -> list[dict]:
    return [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]


def images(nb: nbformat.NotebookNode) -> list[dict]:
    return [o for o in outputs(nb) if "image/png" in o.get("data", {})]


def figures_shown_as_text(nb: nbformat.NotebookNode) -> list[str]:
    """Outputs that are a figure's text repr with no image beside it."""
    out = []
    for o in outputs(nb):
        data = o.get("data", {})
        text = data.get("text/plain", "")
        if "Figure" in text and "image/png" not in data:
            out.append(text)
    return out


def test_there_are_notebooks():
    names = {p.stem.split("_", 1)[1] for p in NOTEBOOKS}
    assert {"quickstart", "designing_and_comparing_plans", "attainment_and_forecasting", "attribution"} <= names


def test_no_notebook_chooses_a_backend():
    for path in NOTEBOOKS:
        code = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
        assert "matplotlib.use(" not in code and "%matplotlib" not in code, path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_and_shows_its_charts(path, tmp_path):
    if not hasattr(getattr(sc, "engine", None), "run_period") and path.stem.split("_", 1)[1] in (
            "quickstart", "designing_and_comparing_plans"):
        pytest.skip("this build has no salescomp.engine.run_period (plan area)")
    nb = run(path, tmp_path)
    errors = [o for o in outputs(nb) if o.get("output_type") == "error"]
    assert not errors
    shown = images(nb)
    assert shown, f"{path.name} displays no image"
    assert not figures_shown_as_text(nb)
    for o in shown:  # a real chart, shown at its size (drawn at twice the pixels for sharpness)
        png = base64.b64decode(o["data"]["image/png"])
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 8000
        assert int(o["metadata"]["image/png"]["width"]) >= 500


def test_charts_show_with_a_non_interactive_backend(tmp_path, monkeypatch):
    """MPLBACKEND=agg in the kernel: pyplot's inline display never starts, and the figures
    still show, since they carry their own PNG representation."""
    if not hasattr(getattr(sc, "engine", None), "run_period"):
        pytest.skip("this build has no salescomp.engine.run_period (plan area)")
    monkeypatch.setenv("MPLBACKEND", "agg")
    nb = run(next(p for p in NOTEBOOKS if p.stem.endswith("quickstart")), tmp_path)
    assert len(images(nb)) >= 2 and not figures_shown_as_text(nb)
    assert (tmp_path / "northwind-q3-report" / "report.html").is_file()  # write_report ran in the notebook
