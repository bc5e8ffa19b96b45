"""Forecast: closed forms, the Monte Carlo against them, percentiles, determinism, backtest."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from salescomp import demo
from salescomp.demo._opportunities import PLANNING_RATES
from salescomp.demo._opportunities import opportunity_history as demo_history
from salescomp.planning.forecast import backtest, forecast
from salescomp.planning.history import opportunity_history
from test_planning_funnel import ROWS, table

Q3 = {"first": dt.date(2026, 7, 1), "last": dt.date(2026, 9, 30), "as_of": dt.date(2026, 6, 30)}


@pytest.fixture(scope="module")
def history():
    return opportunity_history(table(), rates={"EUR": "1.10"})


def test_weighted_open_pipeline_closed_form_and_monte_carlo(history):
    # Stage win rates (test_planning_funnel): proposal 0.6, commit 0.75. Open: o6 3000.00 at
    # proposal (expected close Jul 15), o7 1234.56 at commit (Aug 30), both inside Q3.
    # Closed form: 3000 x 0.6 + 1234.56 x 0.75 = 1800 + 925.92 = 2725.92. Nothing was created
    # in the 30-day lookback (May 31 .. Jun 30), so there is no not-yet-created pipeline.
    f = forecast(
        history, **Q3, timing="expected_close", lookback_days=30, simulations=20_000, seed=7
    )
    c = f.company()
    assert c["closed_form_mean"] == pytest.approx(2725.92, abs=1e-9)
    assert c["not_yet_created"] == 0.0
    # sd of one simulation: sqrt(3000^2 x 0.6 x 0.4 + 1234.56^2 x 0.75 x 0.25) = 1564.0;
    # standard error of the mean over 20,000: 11.06. The MC mean lies within 4 of them.
    assert abs(c["mean"] - 2725.92) < 4 * 11.06
    assert f.simulations.std() / 100 == pytest.approx(1564.0, rel=0.03)
    # Each simulation is an exact sum of the amounts (cents): only 4 outcomes are possible.
    assert set(f.simulations.tolist()) <= {0, 300000, 123456, 423456}
    rows = f.open_pipeline.to_pydict()
    # Sorted by owner then id: o7 (owner a) first.
    assert rows["opportunity_id"] == ["o7", "o6"]
    assert rows["stage_win_rate"] == [0.75, 0.6] and rows["stage_closed_count"] == [4, 5]


def test_timing_from_cycle_times(history):
    # Won cycles are 20, 30, 70 days. o6 (created Apr 1) is 90 days old on Jun 30: older than
    # every won cycle, so it closes at the first chance (Jul 1, inside Q3): timing 1. o7
    # (created Apr 20, age 71) likewise. Were the period Q4, neither could close in it: 0.
    f = forecast(history, **Q3, lookback_days=30, simulations=100)
    assert f.open_pipeline.column("timing_probability").to_pylist() == [1.0, 1.0]
    q4 = forecast(
        history,
        first=dt.date(2026, 10, 1),
        last=dt.date(2026, 12, 31),
        as_of=Q3["as_of"],
        lookback_days=30,
        simulations=100,
    )
    assert q4.open_pipeline.column("timing_probability").to_pylist() == [0.0, 0.0]
    # Earlier, on May 10 (o5 won that day; o8, created May 2, is open then). Rows by owner:
    # o7 (a; age 20): won cycles above 20 are 30 and 70; closing in Jul 1 .. Sep 30 needs
    # 72 .. 163 days: none, 0. o6 (b; age 39): 70 of {70} would close Jun 9, before: 0.
    # o8 (b; age 8): all of 20, 30, 70 are above 8 and it needs 60 .. 151: 70, so 1/3.
    may = forecast(
        history,
        first=Q3["first"],
        last=Q3["last"],
        as_of=dt.date(2026, 5, 10),
        lookback_days=1,
        simulations=100,
    )
    assert may.open_pipeline.column("opportunity_id").to_pylist() == ["o7", "o6", "o8"]
    assert may.open_pipeline.column("timing_probability").to_pylist() == [
        0.0,
        0.0,
        pytest.approx(1 / 3),
    ]


def test_not_yet_created_closed_form_and_monte_carlo():
    # One owner creates 1 opportunity every 10 days from Jan 1: 9 in the 90-day lookback
    # (Jan 1 .. Mar 31), so 0.1 a day. Each closes 10 days later; every third is won (x0, x3,
    # x6: 900.00), the others lost (50.00). The pool is what closed by Mar 31: x0 .. x7 (x8
    # closes Apr 1), 8 records, 3 won. Forecast on Mar 31 for Apr 1 .. Apr 30: a creation on
    # day t closes on t + 10, inside the period for t in Apr 1 .. Apr 20: 20 days.
    # Closed form: 0.1 x (3 x 900 x 20 / 8) = 0.1 x 6750 = 675.00.
    start = dt.date(2026, 1, 1)
    rows = []
    for k in range(9):
        created = start + dt.timedelta(days=10 * k)
        won = k % 3 == 0
        rows.append(
            (
                f"x{k}",
                "a",
                created.isoformat(),
                (created + dt.timedelta(days=10)).isoformat(),
                "won" if won else "lost",
                "commit",
                "900.00" if won else "50.00",
                "USD",
                "sdr",
                "smb",
            )
        )
    h = opportunity_history(table(rows))
    f = forecast(
        h,
        first=dt.date(2026, 4, 1),
        last=dt.date(2026, 4, 30),
        as_of=dt.date(2026, 3, 31),
        lookback_days=90,
        simulations=40_000,
        seed=3,
        min_pool=1,
    )
    c = f.company()
    assert c["not_yet_created"] == pytest.approx(675.0)
    # x8 is still open on Mar 31 at commit (win rate 3/8) and 9 days old: every won cycle
    # (10) is longer, so it closes on Apr 1, inside: 50.00 x 3/8 x 1 = 18.75.
    assert c["open_weighted"] == pytest.approx(18.75)
    se = f.simulations.std() / 100 / np.sqrt(40_000)
    assert abs(c["mean"] - 693.75) < 4 * se


def test_percentiles_are_ordered_and_levels_add_up():
    company = demo.load()
    opportunities, stages = demo_history(company)
    h = opportunity_history(opportunities, stage_history=stages, rates=PLANNING_RATES)
    f = forecast(
        h,
        first=dt.date(2027, 1, 1),
        last=dt.date(2027, 3, 31),
        as_of=company.as_of,
        simulations=2_000,
    )
    s = f.summary.to_pydict()
    for p10, p50, p90 in zip(s["p10"], s["p50"], s["p90"]):
        assert p10 <= p50 <= p90
    person = [m for lv, m in zip(s["level"], s["closed_form_mean"]) if lv == "person"]
    team = [m for lv, m in zip(s["level"], s["closed_form_mean"]) if lv == "team"]
    assert sum(person) == pytest.approx(sum(team)) == pytest.approx(f.company()["closed_form_mean"])
    # The MC mean of the company agrees with the closed form (standard error from the runs).
    se = f.simulations.std() / 100 / np.sqrt(2_000)
    assert abs(f.company()["mean"] - f.company()["closed_form_mean"]) < 4 * se
    assert "Forecast" in f._repr_html_()


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32), sims=st.integers(1, 700))
def test_percentiles_ordered_property(seed, sims):
    h = opportunity_history(table(), rates={"EUR": "1.10"})
    f = forecast(h, **Q3, simulations=sims, seed=seed)
    s = f.summary.to_pydict()
    assert all(a <= b <= c for a, b, c in zip(s["p10"], s["p50"], s["p90"]))


def test_same_seed_same_numbers_any_row_order():
    a = opportunity_history(table(), rates={"EUR": "1.10"})
    b = opportunity_history(table(ROWS[::-1]), rates={"EUR": "1.10"})
    fa = forecast(a, **Q3, simulations=1_200, seed=11)
    fb = forecast(b, **Q3, simulations=1_200, seed=11)
    assert np.array_equal(fa.simulations, fb.simulations) and fa.summary.equals(fb.summary)
    assert not np.array_equal(
        fa.simulations, forecast(a, **Q3, simulations=1_200, seed=12).simulations
    )


def test_backtest_on_the_demo():
    company = demo.load()
    opportunities, stages = demo_history(company)
    h = opportunity_history(opportunities, stage_history=stages, rates=PLANNING_RATES)
    b = backtest(h, data_as_of=company.as_of, simulations=500)
    q = b.quarters.to_pydict()
    assert q["quarter"][0] == "FY2024-Q3" and q["quarter"][-1] == "FY2026-Q3"
    # Every forecast is made the day before its quarter and compared with what was won in it.
    assert all(a < dt.date(2026, 10, 1) for a in q["as_of"])
    assert 0 < b.mape < 1 and 0 <= b.coverage <= 1
    assert "Backtest" in b._repr_html_()


def _days(*isos):
    from salescomp.planning.periods import day_number

    return np.array([day_number(dt.date.fromisoformat(x)) for x in isos], dtype=np.int64)


def test_seasonal_factors_by_hand():
    from salescomp.planning.seasonality import DayWeights, seasonality

    # Owner 0 creates from 2025-01-01, owner 1 from 2025-07-01; data as of 2025-12-31.
    # Days per quarter of 2025: Q1 90, Q2 91, Q3 92, Q4 92. Owner-days: owner 0 all 365,
    # owner 1 Q3 + Q4: E = (90, 91, 184, 184), 549 in all.
    # Creations: Q1 9, Q2 9 (owner 0); Q3 9 + 9; Q4 13 + 14: n = (9, 9, 18, 27), N = 63.
    # m_q = (n_q / E_q) / (N / E) = (n_q / E_q) x 549 / 63:
    # m1 = 0.1 x 8.7142857 = 0.8714286, m2 = 9/91 x 8.7142857 = 0.8618524,
    # m3 = 18/184 x 8.7142857 = 0.8524845, m4 = 27/184 x 8.7142857 = 1.2787267.
    def spread(n, first, last):
        lo, hi = _days(first, last)
        return list(np.linspace(lo, hi, n).astype(np.int64))

    created = (
        spread(9, "2025-01-01", "2025-03-31")
        + spread(9, "2025-04-01", "2025-06-30")
        + spread(9, "2025-07-01", "2025-09-30")
        + spread(13, "2025-10-01", "2025-12-31")
        + spread(9, "2025-07-01", "2025-09-30")
        + spread(14, "2025-10-01", "2025-12-31")
    )
    owner = [0] * 40 + [1] * 23
    as_of = int(_days("2025-12-31")[0])
    s = seasonality(np.array(created), np.array(owner), as_of, min_count=9)
    assert s.used and s.n.tolist() == [9, 9, 18, 27]
    assert s.exposure.tolist() == [90, 91, 184, 184]
    k = 549 / 63
    assert s.m == pytest.approx([9 / 90 * k, 9 / 91 * k, 18 / 184 * k, 27 / 184 * k])
    assert s.m == pytest.approx([0.8714286, 0.8618524, 0.8524845, 1.2787267], abs=1e-7)
    # S(x, y) sums the day weights: 2025-03-30 .. 2025-04-02 is 2 Q1 days and 2 Q2 days.
    w = DayWeights(s, as_of - 364, as_of)
    lo, hi = _days("2025-03-30", "2025-04-02")
    assert w.total(lo, hi) == pytest.approx(2 * s.m[0] + 2 * s.m[1])
    assert w.total(hi, lo) == 0.0
    # Q1 has 9 creations: with min_count 10 the history is too thin, every factor is 1.
    thin = seasonality(np.array(created), np.array(owner), as_of, min_count=10)
    assert not thin.used and thin.m.tolist() == [1.0] * 4
    # Less than a year of history (no Q1 day observed): none either.
    late = seasonality(np.array(created[9:]), np.array(owner[9:]), as_of, min_count=1)
    assert not late.used


def test_segment_shares_shrink_thin_owners_toward_the_mix():
    from salescomp.planning.forecast import _segment_shares

    # Company mix: (8 + 0 + 1, 2 + 0 + 1) / 12 = (0.75, 0.25); prior 10:
    # owner 0: ((8 + 7.5) / 20, (2 + 2.5) / 20) = (0.775, 0.225); owner 1 (none): the mix;
    # owner 2: ((1 + 7.5) / 12, (1 + 2.5) / 12) = (0.708333, 0.291667). Rows sum to 1.
    shares = _segment_shares(np.array([[8, 2], [0, 0], [1, 1]]), 10.0)
    assert shares == pytest.approx(np.array([[0.775, 0.225], [0.75, 0.25], [8.5 / 12, 3.5 / 12]]))
    assert _segment_shares(np.array([[8, 2]]), 0.0) == pytest.approx(np.array([[0.8, 0.2]]))


def test_seasonal_new_pipeline_closed_form_and_monte_carlo():
    # One owner, one segment, 2025: 2 creations in each of Q1, Q2, Q3 and 4 in Q4, all won
    # 10 days later at 1,000.00. Owner-days = days: E = (90, 91, 92, 92); N = 10, E = 365:
    # m_q = (n_q / E_q) x 365 / 10: m1 = 730/900 = 0.81111, m2 = 730/910, m3 = 730/920,
    # m4 = 1460/920. The window (2025-01-01 .. 12-31) weighs sum E_q m_q = 73 x 3 + 146 = 365,
    # so the base rate is 10 / 365 per unit of weight. Forecast Q1 2026 on 2025-12-31: a
    # creation on t closes t + 10, inside for t in Jan 1 .. Mar 21: 80 Q1 days, weight
    # 80 x m1. The pool is the 10 closed records (all won, 1,000.00, cycle 10):
    # E[new] = 10/365 x (80 x 730/900) x 1,000.00 = 16,000/9 = 1,777.78
    # (without seasonality 10/365 x 80 x 1,000.00 = 2,191.78).
    made = ["01-01", "02-01", "04-01", "05-01", "07-01", "08-01", "10-01", "11-01", "11-15", "12-01"]
    rows = []
    for k, md in enumerate(made):
        created = dt.date.fromisoformat(f"2025-{md}")
        close = (created + dt.timedelta(days=10)).isoformat()
        rows.append(
            (f"s{k}", "a", created.isoformat(), close, "won", "commit", "1000.00", "USD", "sdr", "smb")
        )
    h = opportunity_history(table(rows))
    q1 = dict(first=dt.date(2026, 1, 1), last=dt.date(2026, 3, 31), as_of=dt.date(2025, 12, 31))
    f = forecast(h, **q1, simulations=20_000, seed=5, min_season_count=1, min_pool=1)
    c = f.company()
    assert f.seasonality.used and f.seasonality.m[0] == pytest.approx(730 / 900)
    assert c["not_yet_created"] == pytest.approx(16_000 / 9) and c["open_weighted"] == 0.0
    # Poisson(16/9) hits of 1,000.00: sd per simulation 1,000 x sqrt(16/9) = 1,333.33,
    # standard error over 20,000: 9.43.
    assert abs(c["mean"] - 16_000 / 9) < 4 * 9.43
    flat = forecast(h, **q1, simulations=10, seed=5, seasonal=False, min_pool=1).company()
    assert flat["not_yet_created"] == pytest.approx(10 / 365 * 80 * 1000)
