"""salescomp.accounting read by the C++ reader (read_book, issue 11): any Arrow producer gives
the same bytes, ids are the user's text, and bad input is one error naming every bad cell with
its 1-based row, field, value and rule; unknown columns are refused by name."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pyarrow as pa
import pytest
import salescomp as sc
from arrow_producers import producers
from salescomp import accounting as acct

D = Decimal


def costs_table(**overrides) -> pa.Table:
    cols = {
        "line_id": pa.array(["0065g00000AbCdEfGh", "Zürich-7", "1001"]),
        "person": pa.array(["ae-1", "ae-2", "ae-1"]),
        "amount": pa.array([D("1200.00"), D("300.00"), D("9.00")], pa.decimal128(12, 2)),
        "currency": pa.array(["USD", "EUR", "JPY"]),
        "incurred": pa.array([dt.date(2026, 1, 15)] * 3, pa.date32()),
        "contract_start": pa.array([dt.date(2026, 1, 15)] * 3, pa.date32()),
        "term_months": pa.array([12, 3, 3], pa.int64()),
        "incremental": pa.array([True, True, True]),
    }
    cols.update(overrides)
    return pa.table(cols)


EVENTS = pa.table({
    "line_id": pa.array(["0065g00000AbCdEfGh"]),
    "kind": pa.array(["clawback"]),
    "date": pa.array([dt.date(2026, 4, 20)], pa.date32()),
    "amount": pa.array([D("300.00")], pa.decimal128(12, 2)),
})


@pytest.mark.parametrize("producer", sorted(producers()))
def test_every_producer_gives_the_same_bytes(producer):
    make = producers()[producer]
    expected = acct.amortise(costs_table(), EVENTS)
    book = acct.amortise(make(costs_table()), make(EVENTS))
    for out in ("assets", "schedule", "roll_forward", "journal"):
        assert getattr(book, out)(output="arrow").equals(getattr(expected, out)(output="arrow")), out


def test_text_ids_are_kept_and_ordered_by_their_text():
    book = acct.amortise(costs_table(), EVENTS)
    a = book.assets(output="arrow")
    # Byte order: "0065g...", "1001", "Zürich-7".
    assert a.column("line_id").to_pylist() == ["0065g00000AbCdEfGh", "1001", "Zürich-7"]
    assert a.column("person").to_pylist() == ["ae-1", "ae-1", "ae-2"]
    # 1200.00 over 12 months: 100.00 a month; 300.00 clawed back on April 20 (reduced).
    assert a.column("reduced").to_pylist()[0] == D("300.00")
    # JPY 9.00 at scale 2 is exactly 9 yen; the column's scale is USD's (the largest).
    assert a.column("amount").to_pylist() == [D("1200.00"), D("9.00"), D("300.00")]
    s = book.schedule(output="arrow")
    first = [r for r in s.to_pylist() if r["line_id"] == "0065g00000AbCdEfGh"]
    assert [r["amortisation"] for r in first[:3]] == [D("100.00")] * 3


def test_bad_cells_are_listed_with_one_based_rows_field_value_and_rule():
    costs = costs_table(
        amount=pa.array(["1200.00", "12.345", "x"]),
        currency=pa.array(["USD", "USD", "ZZZ"]),
        term_months=pa.array([12, 2**32 + 36, 3], pa.int64()),
    )
    with pytest.raises(sc.ValidationError) as err:
        acct.amortise(costs)
    issues = {(i["row"], i["field"]): i for i in err.value.issues}
    assert set(issues) == {(2, "amount"), (2, "term_months"), (3, "amount"), (3, "currency")}
    assert issues[(2, "term_months")]["value"] == str(2**32 + 36)
    assert "range" in issues[(2, "term_months")]["rule"]
    assert issues[(2, "amount")]["value"] == "12.345"
    assert issues[(3, "currency")]["value"] == "ZZZ"
    assert all(i["rule"] for i in err.value.issues)


def test_out_of_range_integers_are_never_narrowed():
    # 2**32 + 36 must not become a 36-month term (and a uint64 beyond int64 is no line id).
    with pytest.raises(sc.ValidationError, match="4294967332"):
        acct.amortise(costs_table(term_months=pa.array([12, 3, 2**32 + 36], pa.uint64())))
    ids = pa.array([1, 2, 2**64 - 1], pa.uint64())
    with pytest.raises(sc.ValidationError) as err:
        acct.amortise(costs_table(line_id=ids))
    assert [(i["row"], i["field"]) for i in err.value.issues] == [(3, "line_id")]


def test_unknown_columns_are_refused_and_named():
    costs = costs_table().append_column("customer_life_month", pa.array([1, 2, 3]))
    with pytest.raises(sc.ValidationError, match="customer_life_month") as err:
        acct.amortise(costs)
    assert "did you mean 'customer_life_months'" in str(err.value)
    events = EVENTS.append_column("cancelation_date", pa.array([dt.date(2026, 5, 1)], pa.date32()))
    with pytest.raises(sc.ValidationError, match="cancelation_date"):
        acct.amortise(costs_table(), events)
    # Asked for: read anyway.
    assert len(acct.amortise(costs, ignore_extra_columns=True)) == 3


def test_float_money_is_named_row_by_row_and_whole_float_months_are_months():
    costs = costs_table(amount=pa.array([1200.0, None, 9.5]))
    with pytest.raises(sc.ValidationError) as err:
        acct.amortise(costs)
    found = [(i["row"], i["field"]) for i in err.value.issues]
    assert (1, "amount") in found and (3, "amount") in found
    assert "not exact money" in next(i["rule"] for i in err.value.issues if i["row"] == 1)
    # pandas stores an integer column with gaps as float: whole values are months.
    frame = costs_table().to_pandas()
    frame["term_months"] = [12.0, 3.0, 3.0]
    assert len(acct.amortise(frame).schedule()) > 0
    frame["term_months"] = [12.0, 3.5, 3.0]
    with pytest.raises(sc.ValidationError) as err:
        acct.amortise(frame)
    assert [(i["row"], i["field"]) for i in err.value.issues] == [(2, "term_months")]


def test_events_and_revenue_errors_name_their_table():
    events = pa.table({
        "line_id": pa.array(["0065g00000AbCdEfGh", "nope"]),
        "kind": pa.array(["clawback", "churn"]),
        "date": pa.array([dt.date(2026, 4, 20), dt.date(2026, 4, 20)], pa.date32()),
        "amount": pa.array([None, None], pa.decimal128(12, 2)),
    })
    with pytest.raises(sc.ValidationError) as err:
        acct.amortise(costs_table(), events)
    assert {(i["row"], i["field"]) for i in err.value.issues} == {
        (1, "event.amount"),  # a clawback needs an amount
        (2, "event.line_id"),  # no such cost line
        (2, "event.kind"),  # churn is not an event kind
    }
