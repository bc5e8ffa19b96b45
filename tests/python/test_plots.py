"""Plots produce real images without choosing a backend: non-trivial PNGs with drawn content,
formatted money and percentage axes, a PNG display for Jupyter, sizes that do not grow with
the data."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

matplotlib = pytest.importorskip("matplotlib")
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


def tick_texts(axis) -> list[str]:
    """The tick labels as drawn (call after the figure was rendered)."""
    return [t.get_text() for t in axis.get_ticklabels() if t.get_text()]


@pytest.fixture(scope="module")
def close():
    if not hasattr(getattr(sc, "engine", None), "run_period"):
        pytest.skip("no run_period")
    from salescomp.report import close_quarter

    return close_quarter(demo.load(), 3, progress=False)


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


def test_payout_curves_as_a_share_of_each_plans_own_quota():
    company = demo.load()
    usd, eur = (next(p for p in company.plans() if p.id == i) for i in ("ae_usd", "ae_eur"))
    fig = plots.payout_curve([usd, eur], quota={"ae_usd": "250000", "ae_eur": "200000"}, per_quota=True)
    line = fig.axes[0].lines[0]
    # at 100% of a 250,000 quota: 125,000 x 4% + 125,000 x 8% = 15,000 = 6% of quota
    assert line.get_ydata()[list(line.get_xdata()).index(100.0)] == pytest.approx(6.0)
    assert fig.axes[0].get_ylabel() == "payout, % of quota"


def test_money_and_percentage_axes_read_as_a_person_would_write_them():
    plan = demo.load().plans()[0]
    fig = plots.payout_curve(plan, quota="3000000")  # payouts up to 630,000: no 1e6 offset
    ax = fig.axes[0]
    plots.to_png(fig)
    ys, xs = tick_texts(ax.yaxis), tick_texts(ax.xaxis)
    assert ys and all(re.fullmatch(r"\u2212?\d+(\.\d+)?[kMB]?", t) for t in ys), ys
    assert any(t.endswith("k") for t in ys) and not any("e" in t for t in ys)
    assert ax.yaxis.get_offset_text().get_text() == ""
    assert "100%" in xs and all(t.endswith("%") for t in xs)
    assert [plots.compact_amount(v) for v in (0, 0.5, 950, 12_500, 350_000, 999_999, 1_200_000, -20_000, 3e9)] == [
        "0", "0.5", "950", "12.5k", "350k", "1M", "1.2M", "\u221220k", "3B"]


def test_figures_display_as_png_in_jupyter_without_pyplot():
    fig = plots.payout_curve(demo.load().plans()[0], quota="300000")
    assert isinstance(fig, plots.ChartFigure) and isinstance(fig, matplotlib.figure.Figure)
    data, meta = fig._repr_png_()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and meta == {"width": 750, "height": 420}
    # drawn at twice the pixels: 1500 x 840
    assert (int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")) == (1500, 840)


def test_plots_import_no_pyplot_and_choose_no_backend():
    package_root = Path(sc.__file__).absolute().parents[1]  # not resolved: the dev tree links its sources
    # matplotlib resolves and switches backends in pyplot only: no pyplot, no backend chosen
    code = ("import sys; from salescomp import plots, demo; "
            "fig = plots.payout_curve(demo.load().plans()[0], quota='300000'); fig._repr_png_(); plots.to_png(fig); "
            "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot imported'")
    env = dict(os.environ, PYTHONPATH=str(package_root))
    env.pop("MPLBACKEND", None)
    subprocess.run([sys.executable, "-c", code], check=True, env=env, timeout=120)


@needs_run
def test_attainment_distribution(close, tmp_path):
    check_png(plots.attainment_distribution(close.attainment, measure="bookings", period=3), tmp_path, "dist")
    # pandas works too
    check_png(plots.attainment_distribution(close.attainment.to_pandas(), measure="bookings", period=3),
              tmp_path, "dist_pd")
    # several measures on one chart, people at or above quota counted exactly in the legend
    fig = plots.attainment_distribution(close.attainment, measure=["bookings", "retention"], period=3)
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "bookings: 9 of 12 at or above quota" in legend


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


@needs_run
def test_the_pacing_ranking_labels_bars_by_the_sign_of_pace(close):
    import pyarrow.compute as pc
    from salescomp.report import pace_table

    fig = plots.pacing_ranking(close.pacing, measure="bookings", top=3)
    bars = fig.axes[0].patches
    pace = pace_table(close.pacing)
    people = pace.filter(pc.equal(pace.column("measure"), "bookings")).num_rows
    assert len(bars) == 6 and people == 12  # the 3 furthest ahead and the 3 furthest behind
    widths = [b.get_width() for b in bars]  # in rank order, the first at the top
    assert widths == sorted(widths, reverse=True)
    for b in bars:  # green right of zero, red left of it
        assert (b.get_facecolor()[:3] == matplotlib.colors.to_rgb("#2da44e")) == (b.get_width() >= 0)


def test_long_lists_are_cut_to_a_fixed_number_of_bars():
    totals = [(f"component_{i:02d}", Decimal(1000 - i)) for i in range(30)]
    fig = plots.totals_bar(totals, currency="USD", top=12)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert len(fig.axes[0].patches) == 13 and "other (18)" in labels
    # 18 others: 1000 - 12 ... 1000 - 29 = 18 x 1000 - (12 + ... + 29) = 18,000 - 369 = 17,631
    assert max(b.get_width() for b in fig.axes[0].patches) == 17631

