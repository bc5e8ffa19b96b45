"""The embedded demo company: deterministic, complete, and its quarter close exact."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

import pytest

pa = pytest.importorskip("pyarrow")
import salescomp as sc  # noqa: E402
from salescomp import demo  # noqa: E402

needs_run = pytest.mark.skipif(not hasattr(getattr(sc, "engine", None), "run_period"),
                               reason="this build has no salescomp.engine.run_period (plan area)")


@pytest.fixture(scope="module")
def company():
    return demo.load()


@pytest.fixture(scope="module")
def close(company):
    from salescomp.report import close_quarter

    return close_quarter(company, 3)


def test_deterministic_per_seed(company):
    again = demo.load()
    for name, table in company.tables().items():
        assert table.equals(again.tables()[name]), name
    other = demo.load(7)
    assert not other.deals.equals(company.deals)


def test_the_organisation_has_every_role(company):
    roles = set(company.people.column("role").to_pylist())
    assert {"cro", "cso", "vp_sales", "sales_director", "account_executive", "sdr", "account_manager",
            "marketing", "operations"} <= roles
    assert set(company.people.column("pay_currency").to_pylist()) == {"USD", "EUR"}
    org = sc.Organisation(company.people, company.assignments, company.leaves)
    assert org.reporting_chain("ae_emea_1", "2026-06-01") == ["dir_emea", "vp_emea", "cso", "cro"]
    assert not org.is_active("ae_east_3", "2026-06-01")  # on leave
    assert not org.is_active("ae_west_4", "2026-03-01")  # new hire, starts in April


def test_deals_cover_every_kind_and_splits_sum_to_one(company):
    types = set(company.deals.column("type").to_pylist())
    assert {"new_business", "renewal", "upsell", "cancellation"} <= types
    assert any(company.deals.column("cancellation_date").to_pylist())
    assert max(company.deals.column("close_date").to_pylist()) <= company.as_of
    assert company.opportunities.num_rows > 0
    assert min(company.opportunities.column("expected_close").to_pylist()) > company.as_of
    shares = defaultdict(Decimal)
    for deal, share in zip(company.splits.column("deal_id").to_pylist(), company.splits.column("share").to_pylist()):
        shares[deal] += share
    assert shares and set(shares.values()) == {Decimal(1)}
    # money is exact decimal128, never a float
    assert pa.types.is_decimal(company.deals.schema.field("amount").type)


def test_every_plan_validates_and_every_person_has_one(company):
    pytest.importorskip("salescomp.plan")
    plans = {p.id: p for p in company.plans()}
    assigned = {v for f, v in zip(company.assignments.column("field").to_pylist(),
                                  company.assignments.column("value").to_pylist()) if f == "plan"}
    assert assigned == set(plans)
    types = {t for p in plans.values() for _, t in p.components}
    assert {"tiered", "per_unit", "flat_rate", "manager_override", "draw", "spif", "clawback", "mbo"} <= types
    people = set(company.people.column("person_id").to_pylist())
    with_plan = {p for p, f in zip(company.assignments.column("person_id").to_pylist(),
                                   company.assignments.column("field").to_pylist()) if f == "plan"}
    assert with_plan == people


def test_quotas_ramp_and_prorate(company):
    org = sc.Organisation(company.people, company.assignments, company.leaves)
    q = sc.effective_quotas(org, company.quotas, calendar=company.calendar(), measures=("bookings", "retention",
                                                                                          "sourced_pipeline"),
                            ramps=company.ramps, ramp_assignments=company.ramp_assignments).to_pandas()
    row = q[(q.subject == "ae_west_4") & (q.number == 2)].iloc[0]
    assert row.quota == Decimal("150000.00")  # 25/50/75% ramp over April-June
    row = q[(q.subject == "ae_east_3") & (q.number == 2)].iloc[0]
    assert Decimal(0) < row.quota < row.base  # the leave is prorated


@needs_run
def test_quarter_close_is_exact(close):
    assert close.label == "FY2026-Q3"
    # every statement total is the exact sum of its payout lines
    totals = defaultdict(Decimal)
    for pid, amount in zip(close.payouts.column("person_id").to_pylist(), close.payouts.column("amount").to_pylist()):
        totals[pid] += amount
    for pid, total in zip(close.statements.column("person_id").to_pylist(),
                          close.statements.column("total").to_pylist()):
        assert totals[pid] == total
    # every component of every role appears and the totals reconcile
    components = {c for c, _ in close.totals_by("component")}
    assert {"commission", "override", "meetings", "renewals", "sourced", "mbo"} <= components
    assert sum(v for _, v in close.totals_by("role")) == close.total_paid()
    assert sum(v for _, v in close.totals_by("component")) == close.total_paid()
    # revenue splits conserve each deal exactly
    c = close.credits.to_pandas()
    split = c[c.kind == "revenue_split"]
    assert len(split)
    for deal_id, group in split.groupby("deal_id"):
        deal = close_deal_amount(deal_id)
        assert sum(group.source_amount) == deal


def close_deal_amount(deal_id):
    d = demo.load().deals
    return d.column("amount").to_pylist()[d.column("id").to_pylist().index(deal_id)]


@needs_run
def test_rich_display(close):
    page = close._repr_html_()
    assert "FY2026-Q3" in page and "<table>" in page and "top earner" in page
    assert "FY2026-Q3" in repr(close)


@needs_run
def test_explain_recomputes_every_line(close):
    text = close.explain("ae_east_1")
    assert "commission" in text and "TOTAL" in text
    s = close.statement("ae_east_1")
    assert f"TOTAL {s.total} {s.currency}" in text
    with pytest.raises(sc.ValidationError):
        close.explain("nobody")


@needs_run
def test_clawbacks_draws_and_pacing(company):
    from salescomp.report import close_quarter

    quarters = [close_quarter(company, q) for q in (1, 2, 3)]
    comps = {c for q in quarters for c, _ in q.totals_by("component")}
    assert "draw" in comps and "clawback" in comps
    assert quarters[-1].pacing is not None and quarters[-1].pacing.num_rows > 0
    assert set(quarters[-1].pacing.column("number").to_pylist()) == {4}
    assert quarters[-1].attribution and {"markov", "linear"} <= set(quarters[-1].attribution)


@needs_run
def test_money_round_trips_exactly_through_pandas_arrow_polars(close):
    pl = pytest.importorskip("polars")
    from salescomp import tables

    payouts = close.payouts.select(["person_id", "amount", "currency"])
    expected = payouts.column("amount").to_pylist()
    via_pandas = pa.Table.from_pandas(payouts.to_pandas(), preserve_index=False)
    assert via_pandas.column("amount").to_pylist() == expected
    via_polars = pl.from_arrow(payouts).to_arrow()
    assert [Decimal(x) for x in via_polars.column("amount").to_pylist()] == expected
    minor = tables.to_minor_units(via_polars.column("amount"), "USD")
    assert [int(x) for x in minor] == [int(x * 100) for x in expected]
    assert sum(int(x) for x in minor) == int(sum(expected) * 100)


def test_demo_is_fast():
    t = dt.datetime.now()
    demo.load()
    assert (dt.datetime.now() - t).total_seconds() < 10
