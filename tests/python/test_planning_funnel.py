"""Opportunity history (schema, strict validation) and the funnel measures, hand-computed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pyarrow as pa
import pytest
import salescomp as sc
from salescomp.planning import funnel as fn
from salescomp.planning.history import opportunity_history
from salescomp.planning.periods import day_number, quarter_bounds, quarter_key, quarter_label
from salescomp.planning.retention import retention

# id, owner, created, close, outcome, stage, amount, currency, source, segment; cycle days in the comment.
ROWS = [
    ("o1", "a", "2026-01-05", "2026-02-04", "won", "commit", "1000.00", "USD", "sdr", "smb"),  # 30
    (
        "o2",
        "a",
        "2026-01-10",
        "2026-03-01",
        "lost",
        "proposal",
        "500.00",
        "USD",
        "marketing",
        "smb",
    ),  # 21+28+1 = 50
    (
        "o3",
        "b",
        "2026-02-01",
        "2026-02-21",
        "won",
        "proposal",
        "2000.00",
        "USD",
        "sdr",
        "ent",
    ),  # 20
    (
        "o4",
        "b",
        "2026-02-15",
        "2026-04-15",
        "lost",
        "discovery",
        "800.00",
        "EUR",
        "partner",
        "ent",
    ),  # 13+31+15 = 59
    (
        "o5",
        "a",
        "2026-03-01",
        "2026-05-10",
        "won",
        "commit",
        "1500.00",
        "USD",
        "sales",
        "smb",
    ),  # 30+30+10 = 70
    ("o6", "b", "2026-04-01", "2026-07-15", "open", "proposal", "3000.00", "USD", "sdr", "ent"),
    ("o7", "a", "2026-04-20", "2026-08-30", "open", "commit", "1234.56", "USD", "marketing", "smb"),
    ("o8", "b", "2026-05-02", "2026-06-01", "lost", "commit", "700.00", "USD", "sdr", "ent"),  # 30
]
NAMES = [
    "opportunity_id",
    "owner",
    "created_date",
    "close_date",
    "outcome",
    "stage",
    "amount",
    "currency",
    "source",
    "segment",
]


def table(rows=ROWS, **extra):
    cols = {n: [r[i] for r in rows] for i, n in enumerate(NAMES)}
    cols.update(extra)
    return cols


@pytest.fixture(scope="module")
def history():
    return opportunity_history(table(), rates={"EUR": "1.10"})


def test_schema_reads_and_converts(history):
    h = history
    assert len(h) == 8 and h.owners == ["a", "b"] and h.currency == "USD"
    # o4: EUR 800.00 x 1.10 = USD 880.00 = 88000 cents.
    assert h.amount.tolist() == [100000, 50000, 200000, 88000, 150000, 300000, 123456, 70000]
    # A won opportunity has passed every stage (o3 was won from proposal).
    assert h.reached.tolist() == [2, 1, 2, 0, 2, 1, 2, 2]


def test_win_rate_by_stage(history):
    # Closed: o1 o2 o3 o4 o5 o8 (won o1 o3 o5). Reached >= discovery: 6 (3 won) = 0.5;
    # >= proposal: o1 o2 o3 o5 o8 = 5 (3 won) = 0.6; >= commit: o1 o3 o5 o8 = 4 (3 won) = 0.75.
    t = fn.win_rates(history, "stage").to_pydict()
    assert t == {
        "stage": ["discovery", "proposal", "commit"],
        "closed": [6, 5, 4],
        "won": [3, 3, 3],
        "lost": [3, 2, 1],
        "win_rate": [0.5, 0.6, 0.75],
    }


def test_win_rate_by_source_owner_segment(history):
    s = fn.win_rates(history, "source").to_pydict()
    # marketing: o2 lost (0/1); sdr: o1 o3 won, o8 lost (2/3); partner: o4 lost (0/1); sales: o5 won (1/1).
    assert s["source"] == ["marketing", "sdr", "partner", "sales"]
    assert s["closed"] == [1, 3, 1, 1] and s["won"] == [0, 2, 0, 1]
    assert s["win_rate"] == [0.0, pytest.approx(2 / 3), 0.0, 1.0]
    o = fn.win_rates(history, "owner").to_pydict()
    assert (
        o["owner"] == ["a", "b"] and o["closed"] == [3, 3] and o["won"] == [2, 1]
    )  # a: o1 o5 / o2; b: o3 / o4 o8
    g = fn.win_rates(history, "segment").to_pydict()
    assert g["segment"] == ["ent", "smb"] and g["won"] == [1, 2] and g["closed"] == [3, 3]


def test_thin_cells_have_null_rates():
    h = opportunity_history(table(ROWS[5:7]))  # only open opportunities
    t = fn.win_rates(h, "stage").to_pydict()
    assert t["closed"] == [0, 0, 0] and t["win_rate"] == [None, None, None]


def test_cycle_times(history):
    # won: 30, 20, 70 -> mean 40, median 30; lost: 50, 59, 30 -> mean 139/3, median 50.
    t = fn.cycle_times(history).to_pydict()
    assert t["outcome"] == ["won", "lost"] and t["count"] == [3, 3]
    assert t["mean_days"] == [40.0, pytest.approx(139 / 3)] and t["median_days"] == [30.0, 50.0]


def test_stage_conversion(history):
    # discovery -> proposal 6 -> 5, proposal -> commit 5 -> 4, commit -> won 4 -> 3.
    t = fn.stage_conversion(history).to_pydict()
    assert t["to_stage"] == ["proposal", "commit", "won"]
    assert t["reached_from"] == [6, 5, 4] and t["reached_to"] == [5, 4, 3]
    assert t["conversion"] == [pytest.approx(5 / 6), 0.8, 0.75]


def test_pipeline_created_and_coverage(history):
    # Q1: o1-o5 = 1000 + 500 + 2000 + 880 + 1500 = 5880.00 (won 4500.00); Q2: o6-o8 = 4934.56, none won.
    t = fn.pipeline_created(history).to_pydict()
    assert t["quarter"] == ["FY2026-Q1", "FY2026-Q2"] and t["count"] == [5, 3]
    assert t["amount"] == [Decimal("5880.00"), Decimal("4934.56")]
    assert t["won_amount"] == [Decimal("4500.00"), Decimal("0.00")]
    # Q3 (Jul 1 - Sep 30): open o6 (Jul 15) + o7 (Aug 30) = 4234.56 against a 10,000 quota.
    first, last = quarter_bounds(quarter_key(day_number(dt.date(2026, 7, 1))).item())
    c = fn.coverage(history, "10000", first, last)
    assert c["pipeline"] == Decimal("4234.56") and c["opportunities"] == 2
    assert c["coverage"] == pytest.approx(0.423456)


def test_funnel_by_source(history):
    t = fn.funnel_by_source(history).to_pydict()
    # sdr: o1 o3 o6 o8 created; proposal reached by all four; commit by o1 o3 (won) and o8.
    i = t["source"].index("sdr")
    assert (
        t["created"][i],
        t["reached_discovery"][i],
        t["reached_proposal"][i],
        t["reached_commit"][i],
    ) == (4, 4, 4, 3)
    assert (t["won"][i], t["lost"][i], t["open"][i]) == (2, 1, 1)
    summary = fn.funnel_summary(history)
    assert "Win rate by stage" in summary._repr_html_()


def test_fiscal_quarters_follow_the_calendar_convention():
    # February start: FY2026 begins 2025-02-01, so 2025-02-01 is FY2026-Q1 and 2026-01-31 FY2026-Q4.
    k = quarter_key(day_number(dt.date(2025, 2, 1)), 2).item()
    assert quarter_label(k) == "FY2026-Q1"
    assert quarter_label(quarter_key(day_number(dt.date(2026, 1, 31)), 2).item()) == "FY2026-Q4"
    first, last = quarter_bounds(k, 2)
    assert (first, last) == (day_number(dt.date(2025, 2, 1)), day_number(dt.date(2025, 4, 30)))


def test_stage_history_gives_the_stage_on_a_day():
    hist = {
        "opportunity_id": ["o6", "o6", "o7"],
        "stage": ["discovery", "proposal", "commit"],
        "entered": ["2026-04-01", "2026-05-01", "2026-06-01"],
    }
    h = opportunity_history(table(), rates={"EUR": "1.10"}, stage_history=hist)
    d = day_number(dt.date(2026, 4, 15))
    assert h.stage_on(d)[5:7].tolist() == [0, -1]
    assert h.stage_on(day_number(dt.date(2026, 6, 1)))[5:7].tolist() == [1, 2]


def _issues(exc):
    return [(i["row"], i["field"], i["value"]) for i in exc.value.issues]


def test_every_bad_cell_is_reported():
    rows = [list(r) for r in ROWS]
    rows[0][2] = "2026-1-05"  # not ISO
    rows[1][3] = "2026-02-30"  # no such day
    rows[2][4] = "closed"  # not an outcome
    rows[3][6] = "-5.00"  # negative
    rows[4][8] = "web"  # not a source
    rows[5][6] = "1.001"  # three decimals
    rows[6][5] = "negotiation"  # not a stage
    rows[7][0] = "o1"  # duplicate id
    with pytest.raises(sc.ValidationError) as e:
        opportunity_history(table([tuple(r) for r in rows]), rates={"EUR": "1.10"})
    found = _issues(e)
    for expected in [
        (1, "created_date", "2026-1-05"),
        (2, "close_date", "2026-02-30"),
        (3, "outcome", "closed"),
        (5, "source", "web"),
        (7, "stage", "negotiation"),
        (1, "opportunity_id", "o1"),
        (8, "opportunity_id", "o1"),
        (6, "amount", "1.001"),
    ]:
        assert expected in found, (expected, found)
    assert any(i["row"] == 4 and i["field"] == "amount" for i in e.value.issues)
    assert e.value.id == "SC-PLAN-INPUT" and all(
        i["source"] == "opportunity_history" for i in e.value.issues
    )


def test_unknown_and_missing_columns_and_rates():
    with pytest.raises(sc.ValidationError, match="did you mean 'segment'"):
        opportunity_history(table(segmnt=["x"] * 8), rates={"EUR": "1.10"})
    cols = table()
    del cols["source"]
    with pytest.raises(sc.ValidationError, match="required column is missing"):
        opportunity_history(cols)
    with pytest.raises(sc.ValidationError) as e:
        opportunity_history(table())  # no EUR rate
    assert _issues(e) == [(4, "currency", "EUR")]
    with pytest.raises(sc.ValidationError, match="on or after the created date"):
        opportunity_history(
            table(
                [
                    (
                        "x",
                        "a",
                        "2026-02-01",
                        "2026-01-01",
                        "lost",
                        "commit",
                        "1.00",
                        "USD",
                        "sdr",
                        "smb",
                    )
                ]
            )
        )


def test_float_amounts_are_refused():
    cols = table()
    cols["amount"] = pa.array([1.0] * 8)
    with pytest.raises(sc.ValidationError, match="floats"):
        opportunity_history(cols, rates={"EUR": "1.10"})


def test_any_row_order_gives_the_same_measures(history):
    shuffled = opportunity_history(table(ROWS[::-1]), rates={"EUR": "1.10"})
    for by in ("stage", "source", "owner", "segment"):
        assert fn.win_rates(shuffled, by).equals(fn.win_rates(history, by))
    assert fn.pipeline_created(shuffled).equals(fn.pipeline_created(history))


def test_retention_hand_computed():
    book = {
        "customer": ["C1", "C2", "C3", "C4"],
        "person": ["am1", "am1", "am1", "am2"],
        "arr_start": ["100.00", "50.00", "200.00", "100.00"],
        "arr_end": ["120.00", "0", "150.00", "100.00"],
        "currency": ["USD"] * 4,
    }
    t = retention(book).to_pydict()
    # am1: start 350, expansion 20 (C1), churn 50 (C2), contraction 50 (C3).
    # GRR = (350 - 50 - 50) / 350 = 0.714285714285|714 -> 0.714285714286;
    # NRR = (350 + 20 - 50 - 50) / 350 = 0.771428571428|571 -> 0.771428571429.
    assert t["person"] == ["am1", "am2"]
    assert t["arr_start"] == [Decimal("350.00"), Decimal("100.00")]
    assert (t["expansion"][0], t["contraction"][0], t["churn"][0]) == (
        Decimal("20.00"),
        Decimal("50.00"),
        Decimal("50.00"),
    )
    assert t["grr"] == [Decimal("0.714285714286"), Decimal("1.000000000000")]
    assert t["nrr"] == [Decimal("0.771428571429"), Decimal("1.000000000000")]
    bad = dict(book, arr_start=["0", "50.00", "200.00", "100.00"])
    with pytest.raises(sc.ValidationError, match="ARR > 0"):
        retention(bad)


def test_pandas_and_polars_tables_read_the_same(history):
    import pandas as pd
    import polars as pl

    frame = pd.DataFrame(table())
    from_pandas = opportunity_history(frame, rates={"EUR": "1.10"})
    from_polars = opportunity_history(pl.from_pandas(frame), rates={"EUR": "1.10"})
    for h in (from_pandas, from_polars):
        assert h.amount.tolist() == history.amount.tolist() and h.ids == history.ids
        assert fn.win_rates(h, "owner").equals(fn.win_rates(history, "owner"))
    assert "Opportunity history" in history._repr_html_()


def test_stage_history_is_validated():
    hist = {
        "opportunity_id": ["o6", "o6", "nope", "o7"],
        "stage": ["discovery", "discovery", "proposal", "commit"],
        "entered": ["2026-04-01", "2026-04-02", "2026-05-01", "2026-04-19"],
    }
    with pytest.raises(sc.ValidationError) as e:
        opportunity_history(table(), rates={"EUR": "1.10"}, stage_history=hist)
    found = {(i["row"], i["field"]) for i in e.value.issues}
    # row 3: no such opportunity; row 4: o7 was created Apr 20; row 1: o6 enters discovery twice.
    assert {(3, "opportunity_id"), (4, "entered"), (1, "stage")} <= found
    assert all(i["source"] == "opportunity_history.stage_history" for i in e.value.issues)


def test_known_on_reopens_what_closed_later():
    from salescomp.planning.history import known_on

    hist = {
        "opportunity_id": ["o5", "o5"],
        "stage": ["discovery", "proposal"],
        "entered": ["2026-03-01", "2026-04-01"],
    }
    h = opportunity_history(table(), rates={"EUR": "1.10"}, stage_history=hist)
    # On Mar 31: o1-o5 exist; o1 (Feb 4) and o3 (Feb 21) are won, o2 (Mar 1) lost; o4 (lost
    # Apr 15) and o5 (won May 10) are open again, o5 at discovery (proposal came Apr 1).
    k = known_on(h, day_number(dt.date(2026, 3, 31)))
    assert k.ids == ["o1", "o2", "o3", "o4", "o5"]
    assert k.outcome.tolist() == [1, 2, 1, 0, 0] and k.stage.tolist()[4] == 0
