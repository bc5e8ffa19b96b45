"""The demo's report.html in a real browser (headless Chromium over the DevTools pipe, no port,
no network): it loads without a console error or a failed load, fetches nothing but its own
file and its embedded images, and every chart is present, decoded and sized for the page.

Needs Debian's ``chromium`` (scripts/bootstrap.sh installs it); skipped where there is none."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

pytest.importorskip("pyarrow")
pytest.importorskip("matplotlib")
pytest.importorskip("jinja2")
import salescomp as sc  # noqa: E402
from salescomp import demo, report  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("chromium_page", ROOT / "scripts" / "chromium_page.py")
chromium_page = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = chromium_page  # its dataclasses look their module up
spec.loader.exec_module(chromium_page)

pytestmark = [
    pytest.mark.skipif(chromium_page.chromium_executable() is None, reason="no Chromium (apt-get install chromium)"),
    pytest.mark.skipif(not hasattr(getattr(sc, "engine", None), "run_period"),
                       reason="this build has no salescomp.engine.run_period (plan area)"),
]

PAGE_WIDTH = 1200
PROBE = """JSON.stringify({
  figures: Array.from(document.querySelectorAll('figure.chart')).map(f => f.id),
  sections: Array.from(document.querySelectorAll('section')).map(s => s.id),
  headline: Array.from(document.querySelectorAll('#headline .card .label')).map(e => e.textContent.trim()),
  scroll_width: document.documentElement.scrollWidth,
  title: document.title})"""


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    close = report.close_quarter(demo.load(), 3, progress=False)
    page = report.write_report(close, folder)
    charts = sorted(p.stem for p in (folder / "charts").iterdir())
    return chromium_page.inspect_page(page, width=PAGE_WIDTH, probe=PROBE), charts


def test_the_report_loads_without_errors_and_fetches_nothing(loaded):
    page, _charts = loaded
    assert page.errors == []
    assert [m for m in page.console if not m.startswith("verbose")] == []
    assert page.requests[0] == page.url
    assert all(u.startswith("data:image/png;base64,") for u in page.requests[1:])


def test_every_chart_is_present_decoded_and_fits_the_page(loaded):
    page, charts = loaded
    assert page.dom["figures"] == [f"chart-{name}" for name in
                                   ("attainment_distribution", "attainment_by_team", "payout_curves", "pacing",
                                    "attribution_by_channel")]
    assert sorted(f.removeprefix("chart-") for f in page.dom["figures"]) == charts
    assert len(page.images) == len(charts)
    for img in page.images:
        assert img["complete"] and img["natural_width"] >= 700 and img["natural_height"] >= 250, img
        assert img["shown_width"] <= PAGE_WIDTH and img["figure"] in page.dom["figures"]
    assert page.dom["scroll_width"] <= PAGE_WIDTH  # nothing wider than the window


def test_the_headline_comes_first(loaded):
    page, _charts = loaded
    assert page.dom["title"] == "Quarter close FY2026-Q3"
    assert page.dom["sections"][:3] == ["headline", "attainment", "payouts"]
    assert page.dom["headline"][:3] == ["Variable pay, FY2026-Q3", "Cost of sales", "Against Q2"]
