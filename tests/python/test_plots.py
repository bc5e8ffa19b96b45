"""Plots produce real images (Agg backend): non-trivial PNGs with drawn content."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
pytest.importorskip("pyarrow")
import salescomp as sc  # noqa: E402
from salescomp import demo, plots  # noqa: E402
from salescomp.plan import Plan  # noqa: E402

needs_run = pytest.mark.skipif(not hasattr(getattr(sc, "engine", None), "run_period"),
                               reason="this build has no salescomp.engine.run_period (plan area)")


def check_png(fig, tmp_path, name):
    data = plots.to_png(fig)
    path = tmp_path / f"{name}.png"
    path.write_bytes(data)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert path.stat().st_size > 8000
    import matplotlib.image as mpimg

    img = mpimg.imread(io.BytesIO(data))
    colours = {tuple(px) for px in img.reshape(-1, img.shape[-1])[::7].tolist()}
    assert len(colours) > 20  # more than a blank canvas and a frame


@pytest.fixture(scope="module")
def close():
    if not hasattr(getattr(sc, "engine", None), "run_period"):
        pytest.skip("no run_period")
    from salescomp.report import close_quarter

    return close_quarter(demo.load(), 3)


def test_payout_curve_points_are_exact_and_monotone():
    plan = demo.load().plans()[0]
    pts = plots.payout_curve_points(plan, "commission", quota="300000",
                                    attainments=["0", "0.5", "1", "1.2", "3"])
    assert pts == [(Decimal("0"), Decimal("0.00")), (Decimal("0.5"), Decimal("6000.00")),
                   (Decimal("1"), Decimal("18000.00")),
                   # 0.10 x 1.5 (accelerator) x 60,000 above quota
                   (Decimal("1.2"), Decimal("27000.00")),
                   (Decimal("3"), Decimal("75000.00"))]  # the per-period cap
    amounts = [a for _, a in plots.payout_curve_points(plan, quota="300000")]
    assert amounts == sorted(amounts)


def test_payout_curve_compares_plans(tmp_path):
    company = demo.load()
    plans = company.plans()
    flat = Plan.from_dict({"id": "flat", "currency": "USD", "period": "quarter", "measures": [{"id": "bookings"}],
                           "components": [{"id": "c", "type": "flat_rate", "measure": "bookings", "rate": "0.07"}]})
    fig = plots.payout_curve([plans[0], flat], quota="300000")
    assert len(fig.axes[0].lines) == 3  # two plans and the quota line
    check_png(fig, tmp_path, "payout_curve")


@needs_run
def test_attainment_distribution(close, tmp_path):
    check_png(plots.attainment_distribution(close.attainment, measure="bookings", period=3), tmp_path, "dist")
    # pandas works too
    check_png(plots.attainment_distribution(close.attainment.to_pandas(), measure="bookings", period=3),
              tmp_path, "dist_pd")


@needs_run
def test_statement_waterfall(close, tmp_path):
    s = close.statement("ae_west_4")
    fig = plots.statement_waterfall(s)
    assert len(fig.axes[0].patches) == len(s.subtotals) + 1
    check_png(fig, tmp_path, "waterfall")


@needs_run
def test_attribution_and_pacing(close, tmp_path):
    check_png(plots.attribution_by_channel(close.attribution), tmp_path, "attribution")
    check_png(plots.attribution_by_channel(close.attribution["linear"]), tmp_path, "attribution_one")
    check_png(plots.pacing(close.pacing), tmp_path, "pacing")
    check_png(plots.totals_bar(close.totals_by("role"), currency="USD"), tmp_path, "totals")
