"""Every table entry point reads every Arrow producer the same way: the demo company's tables
handed over as pyarrow, pandas, polars, DuckDB or a PyCapsule-only object give byte-identical
organisations, deals, credits, effective quotas, attainment and period runs."""

from __future__ import annotations

import pytest
import salescomp as sc
from arrow_producers import producers
from salescomp import demo
from salescomp.close import _run_credit_columns, _run_deal_columns, quarter_bounds
from salescomp.engine import run_period
from salescomp.plan import Plan

PRODUCERS = producers()


@pytest.fixture(scope="module")
def company():
    return demo.load()


def _pipeline(company, make):
    """Organisation -> deals -> credits -> effective quotas -> attainment -> the Q1 run, with
    every input table made by ``make``."""
    cal = company.calendar()
    org = sc.Organisation(make(company.people), make(company.assignments), make(company.leaves))
    deals = sc.Deals(org, make(company.deals))
    credits = sc.credit(
        deals,
        company.credit_rules,
        splits=make(company.splits),
        account_managers=make(company.account_managers),
        fx=company.fx(),
        calendar=cal,
        period_kind="quarter",
    )
    quotas = sc.effective_quotas(
        org,
        make(company.quotas),
        calendar=cal,
        measures=credits,
        ramps=company.ramps,
        ramp_assignments=make(company.ramp_assignments),
    )
    att = sc.attainment(credits, quotas, calendar=cal)
    first, last = quarter_bounds(cal, company.fiscal_year, 1)
    index = {p: i for i, p in enumerate(org.person_ids)}
    run_credits, _days = _run_credit_columns(credits.to_arrow(), index)
    run = run_period(
        plans=[Plan.from_dict(d) for d in company.plan_documents],
        assignments=make(company.assignments),
        credits=make(run_credits),
        period={
            "start": first,
            "end": last,
            "quarter_start": first,
            "year_start": cal.year_first(company.fiscal_year),
        },
        quotas=make(quotas.to_arrow()),
        deals=_run_deal_columns(make(company.deals), deals),
        mbo=[
            {k: e[k] for k in ("person", "component", "objective", "achievement")}
            for e in company.mbo
            if int(e.get("quarter", 1)) == 1
        ],
        person_ids=org.person_ids,
    )
    return {
        "people": org.person_ids,
        "deal_ids": deals.ids.tolist(),
        "credits": credits.to_arrow(),
        "quotas": quotas.to_arrow(),
        "attainment": att.to_arrow(),
        "run": run.to_arrow(),
    }


@pytest.fixture(scope="module")
def expected(company):
    return _pipeline(company, PRODUCERS["pyarrow"])


@pytest.mark.parametrize("producer", [p for p in PRODUCERS if p != "pyarrow"])
def test_every_entry_point_reads_every_producer_the_same(company, expected, producer):
    got = _pipeline(company, PRODUCERS[producer])
    for name, value in expected.items():
        same = value.equals(got[name]) if hasattr(value, "equals") else value == got[name]
        assert same, f"{producer}: {name}"
    assert expected["run"].num_rows > 0 and expected["credits"].num_rows > 0
