"""The period run from Python: the worked quarter of the C++ tests, clawback and draw in
the next quarter, restatement, what-if, statements as DataFrames, determinism."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pandas as pd
import pytest
import salescomp as sc
from salescomp.engine import CreditKind, restatement_adjustments, run_period, what_if
from salescomp.plan import Plan

AE = Plan.from_dict(
    {
        "id": "ae",
        "currency": "USD",
        "period": "quarter",
        "measures": [
            {"id": "bookings", "deal_types": ["new_business"], "credit_kinds": ["direct"]}
        ],
        "components": [
            {
                "id": "commission",
                "type": "tiered",
                "measure": "bookings",
                "tiers": [{"from": "0", "to": "1", "rate": "0.05"}, {"from": "1", "rate": "0.10"}],
            },
            {
                "id": "spif",
                "type": "spif",
                "deal_types": ["new_business"],
                "from": "2026-02-01",
                "to": "2026-03-31",
                "amount_per_deal": "500",
            },
            {"id": "clawback", "type": "clawback", "window_days": 90},
            {
                "id": "draw",
                "type": "draw",
                "kind": "recoverable_draw",
                "amount": "1000",
                "term_periods": 2,
            },
        ],
    }
)
SDR = Plan.from_dict(
    {
        "id": "sdr",
        "currency": "USD",
        "period": "quarter",
        "measures": [{"id": "meetings", "aggregation": "count", "credit_kinds": ["sdr_sourced"]}],
        "components": [
            {"id": "meetings", "type": "per_unit", "measure": "meetings", "amount_per_unit": "50"}
        ],
    }
)

Q1 = {
    "start": dt.date(2026, 1, 1),
    "end": dt.date(2026, 3, 31),
    "quarter_start": "2026-01-01",
    "year_start": "2026-01-01",
}
Q2 = {
    "start": "2026-04-01",
    "end": "2026-06-30",
    "quarter_start": "2026-04-01",
    "year_start": "2026-01-01",
}


def inputs(extra_deal=False):
    deals = {
        "close_date": ["2026-01-10", "2026-02-20", "2026-03-01", "2026-03-01", "2026-03-01"],
        "cancellation_date": ["2026-04-05", None, None, None, None],
        "term_months": [12, 12, 12, 12, 12],
    }
    credits = pd.DataFrame(
        {
            "person": [0, 0, 1, 1, 1],
            "deal": [0, 1, 2, 3, 4],
            "date": ["2026-01-10", "2026-02-20", "2026-03-01", "2026-03-01", "2026-03-01"],
            "amount": [D("60000"), D("50000"), D("1"), D("1"), D("1")],
            "currency": ["USD"] * 5,
            "kind": [CreditKind.Direct, CreditKind.Direct] + [CreditKind.SdrSourced] * 3,
        }
    )
    if extra_deal:
        deals = {k: v + [v[-1]] for k, v in deals.items()}
        deals["close_date"][-1] = "2026-03-30"
        credits = pd.concat(
            [
                credits,
                pd.DataFrame(
                    {
                        "person": [0],
                        "deal": [5],
                        "date": ["2026-03-30"],
                        "amount": [D("10000")],
                        "currency": ["USD"],
                        "kind": [CreditKind.Direct],
                    }
                ),
            ],
            ignore_index=True,
        )
    return dict(
        plans=[AE, SDR],
        assignments=[
            {"person": 0, "plan": "ae", "from": "2026-01-01"},
            {"person": 1, "plan": "sdr", "from": "2026-01-01"},
        ],
        credits=credits,
        deals=deals,
        quotas=[
            {"person": 0, "measure": "bookings", "period_start": q, "amount": "100000"}
            for q in ("2026-01-01", "2026-04-01")
        ],
    )


def test_worked_quarter_and_statement():
    r = run_period(**inputs(), period=Q1)
    s = r.statement(0)
    # 0.05 x 100,000 + 0.10 x 10,000 = 6,000; SPIF 500 on deal 1; draw 1,000: 7,500
    assert s.subtotals == [
        ("commission", D("6000.00")),
        ("spif", D("500.00")),
        ("draw", D("1000.00")),
    ]
    assert s.total == D("7500.00") == sum(line["amount"] for line in s.lines)
    assert s.recoverable_balance == D("1000.00")
    assert r.statement(1).total == D("150.00")  # 3 meetings x 50
    frame = r.to_pandas()
    assert list(frame["amount"]) == [D("6000.00"), D("500.00"), D("1000.00"), D("150.00")]
    assert "total" in s._repr_html_()
    assert "tier 2 of 2" in r.explain(0).to_text()
    assert s.explain(1).component_type == "spif"


def test_next_quarter_claws_back_what_was_paid():
    q1 = run_period(**inputs(), period=Q1)
    q2 = run_period(**inputs(), period=Q2, state=q1.next_state)
    s = q2.statement(0)
    # 6,000 x 60/110 = 3,272.7272... -> 3,272.73 attributed to deal 0, clawed back in Q2
    assert dict(s.subtotals)["clawback"] == D("-3272.73")
    assert s.total == D("-2272.73")
    assert s.recoverable_balance == D("2000.00")


def test_restatement_and_what_if():
    closed = run_period(**inputs(), period=Q1)
    assert restatement_adjustments(closed, run_period(**inputs(), period=Q1), "2026-04-01") == []
    late = restatement_adjustments(
        closed, run_period(**inputs(extra_deal=True), period=Q1), "2026-04-01"
    )
    assert [(a["component"], a["deal"], a["amount"]) for a in late] == [
        ("commission", None, D("1000.00")),
        ("spif", 5, D("500.00")),
    ]
    assert all(a["adjustment"] and a["period_start"] == dt.date(2026, 4, 1) for a in late)
    w = what_if(person=0, date="2026-02-15", amount="10000", **inputs(), period=Q1)
    assert (w["without"], w["marginal"]) == (D("7500.00"), D("1500.00"))


def test_same_result_for_threads_and_row_order():
    base = inputs()
    one = run_period(**base, period=Q1, threads=1)
    shuffled = dict(base)
    shuffled["credits"] = base["credits"].sample(frac=1, random_state=3)
    shuffled["assignments"] = list(reversed(base["assignments"]))
    for threads in (1, 2, 4):
        other = run_period(**shuffled, period=Q1, threads=threads)
        assert other.lines == one.lines
        assert [r.explain(i).to_text() for r in (other,) for i in range(len(other.lines))] == [
            one.explain(i).to_text() for i in range(len(one.lines))
        ]


def test_bad_inputs_are_refused():
    bad = inputs()
    bad["credits"] = bad["credits"].assign(amount=[60000.0, 1.0, 1.0, 1.0, 1.0])
    with pytest.raises(TypeError):
        run_period(**bad, period=Q1)
    missing = inputs()
    missing["quotas"] = []
    with pytest.raises(sc.ValidationError) as info:
        run_period(**missing, period=Q1)
    assert info.value.issues[0]["row"] == 0


def test_lines_as_arrow_with_exact_decimals():
    pa = pytest.importorskip("pyarrow")
    table = run_period(**inputs(), period=Q1).to_arrow()
    assert table.schema.field("amount").type == pa.decimal128(38, 2)
    assert table.column("amount").to_pylist() == [D("6000.00"), D("500.00"), D("1000.00"), D("150.00")]
    assert table.column("deal").to_pylist() == [None, 1, None, None]
