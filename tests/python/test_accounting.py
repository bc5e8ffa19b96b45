"""Commission expense accounting from Python: hand-computed schedules, the
reconciliation properties (checked with Python's decimal as the oracle), input
table types, and error reporting."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
import salescomp as sc
from hypothesis import given, settings
from hypothesis import strategies as st
from salescomp import accounting as acct

D = Decimal


def costs_frame(**overrides):
    base = {
        "line_id": [7],
        "person": ["ae-1"],
        "contract": ["C-100"],
        "amount": [D("1000.00")],
        "currency": ["USD"],
        "incurred": [dt.date(2026, 1, 15)],
        "contract_start": [dt.date(2026, 1, 15)],
        "term_months": [3],
        "incremental": [True],
    }
    base.update(overrides)
    return pd.DataFrame(base)


# -- hand-computed schedules ---------------------------------------------------


def test_straight_line_largest_remainder_hand_computed():
    # 1000.00 / 3 = 333.33 r 0.01: the leftover cent goes to the earliest month.
    book = acct.amortise(costs_frame())
    s = book.schedule()
    assert list(s["amortisation"]) == [D("333.34"), D("333.33"), D("333.33")]
    assert list(s["closing"]) == [D("666.66"), D("333.33"), D("0.00")]
    assert list(s["month"]) == [dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)]
    assert all(isinstance(v, Decimal) for v in s["amortisation"])
    a = book.assets()
    assert a.loc[0, "treatment"] == "capitalised"
    assert a.loc[0, "person"] == "ae-1" and a.loc[0, "contract"] == "C-100"


def test_final_period_plug_and_next_month_convention():
    # Plug: 333.33, 333.33, then 1000.00 - 666.66 = 333.34; next month: Feb..Apr.
    policy = acct.AmortisationPolicy(remainder="final_period_plug", month_convention="next_month")
    s = acct.amortise(costs_frame(), policy=policy).schedule()
    assert list(s["amortisation"]) == [D("0.00"), D("333.33"), D("333.33"), D("333.34")]
    assert s["month"].iloc[-1] == dt.date(2026, 4, 1)


def test_daily_prorated_first_month():
    # Start Jan 15: Jan 17/31 of a month, Feb, Mar full, Apr 14/31 (weights 17:31:31:14).
    # 1000.00 -> 182.79(57), 333.33(33), 333.33(33), 150.53(76) + 2 cents by largest remainder
    policy = acct.AmortisationPolicy(month_convention="daily_prorated")
    s = acct.amortise(costs_frame(), policy=policy).schedule()
    assert list(s["amortisation"]) == [D("182.80"), D("333.33"), D("333.33"), D("150.54")]


def test_revenue_proportional_pattern():
    revenue = {
        "line_id": [7, 7, 7],
        "month": ["2026-01-01", "2026-02-01", "2026-03-01"],
        "weight": [D("100.50"), D("201.00"), D("703.50")],  # 10%, 20%, 70%
    }
    costs = costs_frame(pattern=["revenue_proportional"])
    s = acct.amortise(costs, revenue=revenue).schedule()
    assert list(s["amortisation"]) == [D("100.00"), D("200.00"), D("700.00")]


def test_churn_derived_life_and_practical_expedient():
    # 20% annual churn -> 60 months; 600.00 / 60 = 10.00 a month.
    policy = acct.AmortisationPolicy(annual_churn_rate=D("0.2"), practical_expedient=True)
    costs = costs_frame(
        line_id=[1, 2],
        person=["a", "b"],
        contract=["x", "y"],
        amount=["600.00", "120.00"],
        currency=["USD", "USD"],
        incurred=["2026-01-01", "2026-01-01"],
        contract_start=["2026-01-01", "2026-01-01"],
        term_months=[12, 12],
        incremental=[True, True],
        renewal_commensurate=[False, True],
    )
    book = acct.amortise(costs, policy=policy)
    a = book.assets()
    assert list(a["treatment"]) == ["capitalised", "expensed_practical_expedient"]
    assert list(a["period_basis"]) == ["customer_life_from_churn", "contract_term"]
    assert list(a["period_months"]) == [60, 12]
    s = book.schedule()
    assert set(s["amortisation"]) == {D("10.00")} and len(s) == 60
    rf = book.roll_forward(end="2026-01-31")
    assert rf["expensed_as_incurred"].tolist() == [D("120.00")]
    assert acct.expected_life_from_churn(D("0.07")) == 171
    assert acct.expected_life_from_churn("0.07", sc.RoundingMode.Ceiling) == 172


def test_events_clawback_termination_extension():
    # Line 1: 1200.00 over 2026 (100.00 a month); clawback 300.00 on Apr 20:
    #   April opening 900.00 -> 600.00 over Apr..Dec (9): 66.67 x 6, 66.66 x 3.
    # Line 2: 1200.00 over 2026; churned May 15: May amortised 100.00, 700.00 written off.
    # Line 3: 1200.00 over 2026; extended by 6 months on Jul 1: 600.00 / 12 = 50.00 from July.
    costs = {
        "line_id": [1, 2, 3],
        "amount": ["1200.00"] * 3,
        "currency": ["USD"] * 3,
        "incurred": ["2026-01-01"] * 3,
        "contract_start": ["2026-01-01"] * 3,
        "term_months": [12] * 3,
        "incremental": [True] * 3,
    }
    events = pd.DataFrame(
        {
            "line_id": [1, 2, 3],
            "kind": ["clawback", "termination", "extension"],
            "date": [dt.date(2026, 4, 20), dt.date(2026, 5, 15), dt.date(2026, 7, 1)],
            "amount": [D("300.00"), None, None],
            "months": [None, None, 6],
        }
    )
    book = acct.amortise(costs, events)
    s = book.schedule()
    one = s[s["line_id"] == 1]["amortisation"].tolist()
    assert one == [D("100.00")] * 3 + [D("66.67")] * 6 + [D("66.66")] * 3
    two = s[s["line_id"] == 2]
    assert two.iloc[-1][["month", "amortisation", "write_off", "closing"]].tolist() == [
        dt.date(2026, 5, 1),
        D("100.00"),
        D("700.00"),
        D("0.00"),
    ]
    three = s[s["line_id"] == 3]["amortisation"].tolist()
    assert three == [D("100.00")] * 6 + [D("50.00")] * 12
    a = book.assets().set_index("line_id")
    assert a.loc[1, "reduced"] == D("300.00")
    assert a.loc[2, "written_off"] == D("700.00")


# -- reconciliation properties (Decimal oracle) --------------------------------


def random_inputs(seed: int, n: int = 60):
    rng = random.Random(seed)
    base = dt.date(2025, 1, 1)
    costs = defaultdict(list)
    events = defaultdict(list)
    for i in range(n):
        incurred = base + dt.timedelta(days=rng.randint(0, 700))
        ccy = rng.choice(["USD", "JPY", "KWD"])
        exp = {"USD": 2, "JPY": 0, "KWD": 3}[ccy]
        minor = rng.randint(1, 10**10)
        costs["line_id"].append(1000 + i)
        costs["amount"].append(D(minor).scaleb(-exp))
        costs["currency"].append(ccy)
        costs["incurred"].append(incurred)
        costs["contract_start"].append(incurred + dt.timedelta(days=rng.randint(-60, 60)))
        costs["term_months"].append(rng.randint(1, 48))
        costs["incremental"].append(rng.random() < 0.9)
        costs["renewal_commensurate"].append(rng.random() < 0.5)
        costs["kind"].append(rng.choice(["initial", "renewal", "expansion"]))
        if rng.random() < 0.4:
            date = incurred + dt.timedelta(days=rng.randint(0, 900))
            kind = rng.choice(["clawback", "termination", "extension"])
            events["line_id"].append(1000 + i)
            events["kind"].append(kind)
            events["date"].append(date)
            events["amount"].append(
                D(rng.randint(1, minor)).scaleb(-exp) if kind == "clawback" else None
            )
            events["months"].append(rng.randint(1, 12) if kind == "extension" else None)
    return dict(costs), dict(events)


POLICIES = [
    acct.AmortisationPolicy(annual_churn_rate="0.25"),
    acct.AmortisationPolicy(
        expected_customer_life_months=40,
        remainder="final_period_plug",
        month_convention="daily_prorated",
        termination="write_off_all",
        practical_expedient=True,
    ),
    acct.AmortisationPolicy(annual_churn_rate="0.3", month_convention="next_month"),
]


@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_schedules_roll_forward_and_journal_reconcile_exactly(policy, seed):
    costs, events = random_inputs(seed)
    book = acct.amortise(costs, events, policy=policy)
    assets = book.assets()
    sched = book.schedule()
    rf = book.roll_forward()
    journal = book.journal()

    # Every capitalised asset is used up exactly.
    amortised = sched.groupby("line_id")["amortisation"].apply(lambda s: sum(s, D(0)))
    for row in assets.itertuples():
        if row.treatment == "capitalised":
            assert row.amount == row.amortised + row.reduced + row.written_off
            assert amortised[row.line_id] == row.amortised
    # Schedule rows.
    for r in sched.itertuples():
        assert r.closing == r.opening + r.addition - r.reduction - r.amortisation - r.write_off
        assert D(0) <= r.current <= r.closing and r.non_current == r.closing - r.current
    # Roll-forward rows, chained per currency.
    previous = {}
    for r in rf.itertuples():
        assert r.closing == r.opening + r.additions - r.reductions - r.amortisation - r.write_offs
        assert r.closing == r.current + r.non_current
        assert r.opening == previous.get(r.currency, D(0))
        previous[r.currency] = r.closing
    assert all(v == 0 for v in previous.values())
    capitalised = (
        assets[assets["treatment"] == "capitalised"]
        .groupby("currency")["amount"]
        .apply(lambda s: sum(s, D(0)))
    )
    added = rf.groupby("currency")["additions"].apply(lambda s: sum(s, D(0)))
    for ccy, total in capitalised.items():
        assert added[ccy] == total
    # Journal: each entry and each (currency, month) balances.
    for _, group in journal.groupby("entry"):
        assert sum(group["debit"], D(0)) == sum(group["credit"], D(0))
        assert len(group) == 2
    for _, group in journal.groupby(["currency", "month"]):
        assert sum(group["debit"], D(0)) == sum(group["credit"], D(0))
    amort_posted = (
        journal[(journal["kind"] == "amortisation")]
        .groupby(["currency", "month"])["debit"]
        .apply(lambda s: sum(s, D(0)))
    )
    for r in rf.itertuples():
        assert amort_posted.get((r.currency, r.month), D(0)) == r.amortisation


@settings(max_examples=150, deadline=None)
@given(
    minor=st.integers(min_value=1, max_value=10**15),
    term=st.integers(min_value=1, max_value=120),
    plug=st.booleans(),
)
def test_straight_line_matches_decimal_oracle(minor, term, plug):
    # Oracle in Python ints: floor shares, then the leftover cents go to the
    # earliest months (largest remainder, all equal) or all to the last (plug).
    amount = D(minor).scaleb(-2)
    policy = acct.AmortisationPolicy(remainder="final_period_plug" if plug else "largest_remainder")
    book = acct.amortise(
        {
            "line_id": [1],
            "amount": [amount],
            "currency": ["USD"],
            "incurred": ["2026-03-01"],
            "contract_start": ["2026-03-01"],
            "term_months": [term],
            "incremental": [True],
        },
        policy=policy,
    )
    got = [
        int(v.scaleb(2)) for v in book.schedule(output="arrow").column("amortisation").to_pylist()
    ]
    q, r = divmod(minor, term)
    if plug:
        expected = [q] * (term - 1) + [q + r]
    else:
        expected = [q + 1 if k < r else q for k in range(term)]
    # The schedule stops once the balance is used up (tiny amounts over long
    # terms end early under largest remainder).
    done = next(k for k in range(term) if sum(expected[: k + 1]) == minor)
    assert got == expected[: done + 1]
    assert sum(got) == minor


def test_order_of_rows_does_not_matter():
    costs, events = random_inputs(11, 40)
    book = acct.amortise(costs, events, policy=POLICIES[0])
    perm = np.random.default_rng(3).permutation(len(costs["line_id"]))
    shuffled = {k: [v[i] for i in perm] for k, v in costs.items()}
    eperm = np.random.default_rng(4).permutation(len(events["line_id"]))
    shuffled_events = {k: [v[i] for i in eperm] for k, v in events.items()}
    other = acct.amortise(shuffled, shuffled_events, policy=POLICIES[0])
    pd.testing.assert_frame_equal(book.schedule(), other.schedule())
    pd.testing.assert_frame_equal(book.roll_forward(), other.roll_forward())
    pd.testing.assert_frame_equal(book.assets(), other.assets())


# -- table types in and out ----------------------------------------------------


def test_pandas_pyarrow_polars_and_dict_inputs_agree():
    frame = costs_frame(
        line_id=[1, 2],
        person=["a", "b"],
        contract=["x", "y"],
        amount=[D("1000.00"), D("250.10")],
        currency=["USD", "EUR"],
        incurred=[dt.date(2026, 1, 15), dt.date(2026, 2, 1)],
        contract_start=[dt.date(2026, 1, 15), dt.date(2026, 2, 1)],
        term_months=[3, 24],
        incremental=[True, True],
    )
    expected = acct.amortise(frame).roll_forward()
    arrow = pa.Table.from_pandas(frame, preserve_index=False)
    assert pa.types.is_decimal(arrow.schema.field("amount").type)
    for table in (arrow, pl.from_arrow(arrow), frame.to_dict(orient="list")):
        pd.testing.assert_frame_equal(acct.amortise(table).roll_forward(), expected)
    # Integer minor units in amount_minor.
    minor = frame.drop(columns=["amount"]).assign(amount_minor=[100000, 25010])
    pd.testing.assert_frame_equal(acct.amortise(minor).roll_forward(), expected)
    # pandas datetime64 dates (midnight) are dates.
    ts = frame.assign(
        incurred=pd.to_datetime(frame["incurred"]),
        contract_start=pd.to_datetime(frame["contract_start"]),
    )
    pd.testing.assert_frame_equal(acct.amortise(ts).roll_forward(), expected)


def test_outputs_are_exact_decimal128_in_arrow_and_polars():
    book = acct.amortise(costs_frame(currency=["KWD"], amount=[D("1.000")]))
    t = book.schedule(output="arrow")
    assert t.schema.field("amortisation").type == pa.decimal128(38, 3)
    assert t.column("amortisation").to_pylist() == [D("0.334"), D("0.333"), D("0.333")]
    p = book.roll_forward(output="polars")
    assert isinstance(p, pl.DataFrame)
    assert p["amortisation"].dtype == pl.Decimal(38, 3)
    with pytest.raises(ValueError):
        book.assets(output="csv")


def test_mixed_currencies_share_one_exact_scale():
    costs = costs_frame(
        line_id=[1, 2],
        person=["a", "b"],
        contract=["x", "y"],
        amount=["3", "1.000"],
        currency=["JPY", "KWD"],
        incurred=["2026-01-01"] * 2,
        contract_start=["2026-01-01"] * 2,
        term_months=[3, 3],
        incremental=[True, True],
    )
    a = acct.amortise(costs).assets(output="arrow")
    assert a.column("amount").to_pylist() == [D("3.000"), D("1.000")]


def test_text_line_ids_and_journal_account_mapping():
    costs = costs_frame(line_id=["L-2"], amount=["1200.00"], term_months=[12])
    events = {
        "line_id": ["L-2", "L-9"],
        "kind": ["termination", "termination"],
        "date": ["2026-03-01"] * 2,
    }
    with pytest.raises(sc.ValidationError) as err:
        acct.amortise(costs, events)
    # Rows are 1-based (fix of issue 11: they were 0-based here, unlike every other error).
    assert [(i["row"], i["field"]) for i in err.value.issues] == [(2, "event.line_id")]
    book = acct.amortise(costs, {k: v[:1] for k, v in events.items()})
    assert book.assets()["line_id"].tolist() == ["L-2"]
    j = book.journal(
        end="2026-01-31", accounts={"deferred_commissions": "1450", "commissions_payable": "2100"}
    )
    first = j[j["entry"] == 0]
    assert first["account"].tolist() == ["1450", "2100"]
    assert first["debit"].tolist() == [D("1200.00"), D("0.00")]
    with pytest.raises(ValueError):
        book.journal(accounts={"cash": "1000"})


# -- errors -------------------------------------------------------------------


def test_every_bad_cell_and_row_is_reported_at_once():
    costs = {
        "line_id": [1, 1, "x", 4, 5],
        "amount": [1.5, "-3.00", "2.00", D("1.005"), "10.00"],
        "currency": ["USD", "USD", "USD", "USD", "XXX"],
        "incurred": ["2026-01-01", None, "2026-01-01", "2026-02-30", "2026-01-01"],
        "contract_start": ["2026-01-01"] * 5,
        "term_months": [3, 3, 3, 3, 3],
        "incremental": [True, True, 1, True, True],
        "kind": ["initial", "initial", "initial", "upsell", "initial"],
    }
    events = {
        "line_id": [1, 99],
        "kind": ["clawback", "churn"],
        "date": ["2026-02-01", "2026-02-01"],
        "amount": [0.5, None],
    }
    with pytest.raises(sc.ValidationError) as err:
        acct.amortise(costs, events)
    found = {(i["row"], i["field"]) for i in err.value.issues}
    # Rows are 1-based (fix of issue 11: this test listed them 0-based, unlike every other error).
    assert found == {
        (1, "amount"),  # float
        (2, "amount"),  # negative
        (2, "incurred"),  # missing
        (2, "line_id"),  # duplicate
        (3, "line_id"),  # text among ints
        (3, "incremental"),  # 1 is not a bool
        (4, "amount"),  # three decimals for USD
        (4, "incurred"),  # no such date
        (4, "kind"),  # unknown kind
        (5, "currency"),  # not ISO 4217 money
        (1, "event.amount"),  # float
        (2, "event.kind"),  # unknown event kind
        (2, "event.line_id"),  # no cost line 99
    }
    assert isinstance(err.value, ValueError)
    for i in err.value.issues:
        assert i["rule"] and "value" in i
    assert "problems" in str(err.value)


def test_missing_columns_and_bad_policy():
    with pytest.raises(sc.ValidationError, match="contract_start"):
        acct.amortise(
            {"line_id": [1], "amount": ["1"], "currency": ["USD"], "incurred": ["2026-01-01"]}
        )
    with pytest.raises(sc.ValidationError, match="month_convention"):
        acct.AmortisationPolicy(month_convention="mid_month")
    with pytest.raises(sc.InputTypeError):
        acct.AmortisationPolicy(annual_churn_rate=0.2)
    with pytest.raises(TypeError):
        acct.amortise([1, 2, 3])


def test_event_sequence_problems_name_the_event_row():
    costs = costs_frame(term_months=[12], amount=["1200.00"])
    events = {
        "line_id": [7, 7],
        "kind": ["termination", "extension"],
        "date": ["2026-03-01", "2026-04-01"],
        "months": [None, 3],
    }
    with pytest.raises(sc.ValidationError) as err:
        acct.amortise(costs, events)
    assert [(i["row"], i["field"]) for i in err.value.issues] == [(2, "event.kind")]  # 1-based


def test_timestamps_with_a_time_of_day_are_reported():
    frame = costs_frame(incurred=pd.to_datetime(["2026-01-15 13:30"]))
    with pytest.raises(sc.ValidationError) as err:
        acct.amortise(frame)
    assert [(i["row"], i["field"]) for i in err.value.issues] == [(1, "incurred")]  # 1-based
    # Arrow timestamps at midnight are dates.
    arrow = pa.Table.from_pandas(
        costs_frame(incurred=pd.to_datetime(["2026-01-15"])), preserve_index=False
    )
    assert pa.types.is_timestamp(arrow.schema.field("incurred").type)
    assert len(acct.amortise(arrow).schedule()) == 3


def test_markdown_report_lists_every_month_exactly():
    book = acct.amortise(costs_frame())
    text = book.report()
    assert "### USD" in text
    assert (
        "| 2026-01 | 0.00 | 1000.00 | 0.00 | 333.34 | 0.00 | 666.66 | 666.66 | 0.00 | 0.00 | 0.00 |"
        in text
    )
    assert text.count("| 2026-") == 3
