"""The demo close's commission expense accounting (issue 7 in the demo company's report)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from salescomp import demo
from salescomp.demo_accounting import PORTFOLIO_COMPONENTS, commission_costs
from salescomp.report import close_quarter, quarter_bounds


@pytest.fixture(scope="module")
def close():
    return close_quarter(demo.load(), 3, progress=False)


def _capitalisable(close):
    """Exact sum, per currency, of every line the mapping must capitalise."""
    want: dict[str, Decimal] = {}
    for run in close.runs:
        for line in run.lines:
            if line.get("adjustment") or line["amount"] <= 0:
                continue
            if line["deal"] is not None or line["component"] in PORTFOLIO_COMPONENTS:
                want[line["currency"]] = want.get(line["currency"], Decimal(0)) + line["amount"]
    return want


def test_every_capitalisable_cent_becomes_an_addition(close):
    rf = close.accounting_roll_forward.to_pylist()
    added: dict[str, Decimal] = {}
    for r in rf:
        added[r["currency"]] = added.get(r["currency"], Decimal(0)) + r["additions"]
    assert added == _capitalisable(close)
    assert all(v > 0 for v in added.values())


def test_roll_forward_reconciles_every_month(close):
    rows = close.accounting_roll_forward.to_pylist()
    assert len(rows) == 18  # 9 months (Q1..Q3) x 2 currencies
    previous: dict[str, Decimal] = {}
    for r in rows:
        assert r["opening"] + r["additions"] - r["reductions"] - r["amortisation"] - r["write_offs"] == r["closing"]
        assert r["current"] + r["non_current"] == r["closing"]
        if r["currency"] in previous:
            assert r["opening"] == previous[r["currency"]]
        previous[r["currency"]] = r["closing"]


def test_clawbacks_reduce_the_asset_and_never_exceed_what_was_capitalised(close):
    calendar_ends = [quarter_bounds(demo.load().calendar(), close.fiscal_year, q)[1] for q in (1, 2, 3)]
    costs, events = commission_costs(close.runs, calendar_ends, close.person_ids, demo.load().deals,
                                     close.credits)
    clawed_lines = [line for run in close.runs for line in run.lines
                    if line["deal"] is not None and line["amount"] < 0 and not line.get("adjustment")]
    assert clawed_lines, "the demo company has clawbacks"
    amount_of = dict(zip(costs["line_id"], costs["amount"]))
    taken: dict[str, Decimal] = {}
    for line_id, amount in zip(events["line_id"], events["amount"]):
        taken[line_id] = taken.get(line_id, Decimal(0)) + amount
    assert all(taken[k] <= amount_of[k] for k in taken)
    # Every clawed-back cent found a cost row to reduce.
    assert sum(events["amount"]) == -sum(line["amount"] for line in clawed_lines)
    # A clawback reduces the asset up to its remaining balance; the part already amortised
    # comes back as a credit to commission expense (docs/accounting.md).
    rf = close.accounting_roll_forward.to_pylist()
    reductions = sum(r["reductions"] for r in rf)
    credits = sum(r["expense_credits"] for r in rf)
    assert reductions > 0 and reductions + credits == sum(events["amount"])


def test_report_and_summary_show_the_accounting(close):
    from salescomp.cli import summary_text
    from salescomp.report import render_html

    assert "Commission expense accounting, ASC 340-40" in summary_text(close)
    assert "Commission expense accounting (ASC 340-40 / IFRS 15)" in render_html(close)


def test_portfolio_terms_in_columns_equal_the_decimal_loop(close):
    # The credit-weighted average term per (person, quarter): int64 column arithmetic with an
    # exact half-even division, against the row-by-row Decimal version it replaced.
    from salescomp import demo_accounting as da

    company = demo.load()
    ends = [quarter_bounds(company.calendar(), close.fiscal_year, q)[1] for q in (1, 2, 3)]
    fast = da._portfolio_terms(close.credits, company.deals, ends)
    slow = da._portfolio_terms_decimal(close.credits, da._terms(company.deals), ends)
    assert fast == slow
    assert len(fast) > 10
