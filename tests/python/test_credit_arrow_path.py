"""The Arrow path of crediting (strict C++ readers of deals and splits, credits exported
through the C Data Interface) gives byte-identical credits to the per-row path, and bad
rows still produce exactly the per-row path's error text."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pytest
import salescomp as sc
from salescomp import crediting, synthetic

PEOPLE = {
    "person_id": ["cro", "dir", "m1", "m2", "ae", "ae2", "sdr", "ana-maría", "0055g00000AbCdEfGh"],
    "role": ["cro", "sales_director", "sales_manager", "sales_manager", "ae", "ae", "sdr", "ae", "ae"],
    "start_date": ["2020-01-01"] * 9,
    "pay_currency": ["USD", "USD", "USD", "EUR", "USD", "USD", "USD", "EUR", "USD"],
}
ASSIGNMENTS = {
    "person_id": ["dir", "m1", "m2", "ae", "ae", "ae2", "sdr", "ana-maría", "0055g00000AbCdEfGh"],
    "field": ["manager"] * 9,
    "value": ["cro", "dir", "dir", "m1", "m2", "m2", "m1", "m1", "m2"],
    "from": ["2020-01-01"] * 4 + ["2026-03-15"] + ["2020-01-01"] * 4,
    "to": [None, None, None, "2026-03-14", None, None, None, None, None],
}
RULES = [
    {"kind": "direct"},
    {"kind": "revenue_split"},
    {"kind": "overlay", "measure": "overlay_bookings"},
    {"kind": "sdr_sourced", "measure": "sourced"},
    {"kind": "roll_up", "depth": 3},
]


def ipc_bytes(table: pa.Table) -> bytes:
    """The Arrow IPC stream of a table in one batch: equal bytes are equal schemas and values."""
    sink = pa.BufferOutputStream()
    table = table.combine_chunks()
    with pa.ipc.new_stream(sink, table.schema) as w:
        for batch in table.to_batches(max_chunksize=len(table) or None):
            w.write_batch(batch)
    return sink.getvalue().to_pybytes()


class Paths:
    """Runs a crediting both ways: the Arrow path, and the per-row path (strict readers off,
    credits through numpy)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch
        self.strict_deals = 0
        self.strict_splits = 0
        real_deals, real_splits = crediting._strict_deals, crediting._strict_splits

        def counting_deals(*a: Any) -> Any:
            r = real_deals(*a)
            self.strict_deals += r is not None
            return r

        def counting_splits(*a: Any) -> Any:
            r = real_splits(*a)
            self.strict_splits += r is not None
            return r

        monkeypatch.setattr(crediting, "_strict_deals", counting_deals)
        monkeypatch.setattr(crediting, "_strict_splits", counting_splits)

    def both(self, org: sc.Organisation, deals: Any, **kw: Any) -> tuple[pa.Table, pa.Table]:
        fast = sc.credit(sc.Deals(org, deals), **kw).to_arrow()
        with self.monkeypatch.context() as m:
            m.setattr(crediting, "_strict_deals", lambda *a: None)
            m.setattr(crediting, "_strict_splits", lambda *a: None)
            slow = sc.credit(sc.Deals(org, deals), **kw)._to_arrow_numpy()
        return fast, slow


def fx_table() -> sc.FxTable:
    fx = sc.FxTable()
    fx.add("EUR", "USD", dt.date(2026, 1, 1), "1.1")
    fx.add("USD", "EUR", dt.date(2026, 1, 1), "0.9")
    return fx


def test_synthetic_company_is_byte_identical(monkeypatch: pytest.MonkeyPatch) -> None:
    # 300 people x 20 deals: 20% splits, 10% overlays, 30% SDR-sourced, 10% EUR, 3-level roll-ups.
    comp = synthetic.generate(people=300, deals_per_person=20, seed=5).company()
    org = sc.Organisation(comp.people, comp.assignments)
    paths = Paths(monkeypatch)
    kw = dict(rules=comp.credit_rules, splits=comp.splits, fx=comp.fx(), calendar=comp.calendar(),
              period_kind="quarter", threads=2)
    fast, slow = paths.both(org, comp.deals, **kw)
    assert paths.strict_deals == 1 and paths.strict_splits == 1  # the Arrow path was taken
    assert fast.num_rows > 6000 * 3  # every deal credits its owner, plus splits, SDRs, roll-ups
    assert set(fast.column("kind").to_pylist()) == {"direct", "revenue_split", "overlay", "sdr_sourced", "roll_up"}
    assert "EUR" in fast.column("source_currency").to_pylist()
    assert fast.schema == slow.schema
    assert ipc_bytes(fast) == ipc_bytes(slow)
    # The PyCapsule protocol and the conversions read the same table.
    credits = sc.credit(sc.Deals(org, comp.deals), **kw)
    assert ipc_bytes(pa.table(credits)) == ipc_bytes(fast)
    assert credits.to_polars().height == fast.num_rows
    assert list(credits.to_pandas().columns) == fast.column_names


@pytest.mark.parametrize("columns", [["amount"], ["deal_id"], ["via", "person_id", "deal_id", "source_amount"],
                                     ["person_id", "deal_row", "date", "amount"], list(crediting.CREDIT_COLUMNS)])
def test_a_selection_of_columns_is_those_columns_of_the_whole_table(columns: list[str]) -> None:
    comp = synthetic.generate(people=120, deals_per_person=10, seed=9).company()
    org = sc.Organisation(comp.people, comp.assignments)
    credits = sc.credit(sc.Deals(org, comp.deals), comp.credit_rules, splits=comp.splits, fx=comp.fx(),
                        calendar=comp.calendar(), period_kind="quarter", threads=2)
    whole = credits.to_arrow()
    part = credits.to_arrow(columns)
    # The table's order, whatever the order asked; the same bytes as those columns of the whole.
    in_order = [c for c in whole.column_names if c in columns]
    assert part.column_names == in_order
    assert ipc_bytes(part) == ipc_bytes(whole.select(in_order))


def test_a_selection_names_what_is_not_a_credits_column() -> None:
    comp = synthetic.generate(people=20, deals_per_person=2, seed=9).company()
    org = sc.Organisation(comp.people, comp.assignments)
    credits = sc.credit(sc.Deals(org, comp.deals), comp.credit_rules, splits=comp.splits, fx=comp.fx(),
                        calendar=comp.calendar())
    with pytest.raises(sc.ValidationError, match="'ammount'.*the columns are person_id, deal_id"):
        credits.to_arrow(["person_id", "ammount"])
    with pytest.raises(sc.ValidationError, match="a list of names, not the string 'amount'"):
        credits.to_arrow("amount")


def edge_deals(ids: list[Any]) -> dict[str, Any]:
    return {
        "deal_id": ids,
        "owner": ["ae", "ae2", "ana-maría", "0055g00000AbCdEfGh", "ae", "ae2"],
        "close_date": pa.array([dt.date(2026, 2, 10), dt.date(2026, 3, 20), dt.date(2026, 2, 10),
                                dt.date(2026, 1, 5), dt.date(2026, 2, 10), dt.date(2026, 4, 1)]),
        "amount": pa.array([Decimal("100.00"), Decimal("250.50"), Decimal("99.99"), Decimal("1000"),
                            Decimal("0.01"), Decimal("-40.00")], pa.decimal128(12, 2)),
        "currency": ["USD", "EUR", "EUR", "USD", "USD", "USD"],
        "type": ["new_business", "renewal", "new_business", "expansion", "new_business", "refund"],
        "source": ["sdr", None, "sdr", "sales", "", None],
        "source_person": ["sdr", None, "sdr", None, "", None],
    }


@pytest.mark.parametrize(
    "ids",
    [
        [9, 10, 100, 7, 1, 2],  # integers: byte order of their text ("10" < "100" < "9")
        ["007", "7", "10", "9", "0", "70"],  # numeric-looking text: "007" and "7" are two deals
        ["0065g00000AbCdEfGh", "0065g00000AbCdEfGg", "0065g00000AbCdEfG", "0065g00000Zz", "0065", "0065g00001"],
        ["ana-maría", "東京-1", "Ω", "zeta", "Zeta", "ä"],  # unicode: byte order of the UTF-8
    ],
    ids=["integer", "numeric-text", "crm", "unicode"],
)
@pytest.mark.parametrize("currency", ["pay", "deal", "reporting"])
def test_edge_cases_are_byte_identical(monkeypatch: pytest.MonkeyPatch, ids: list[Any], currency: str) -> None:
    org = sc.Organisation(PEOPLE, ASSIGNMENTS)
    deals = edge_deals(ids)
    # Revenue splits (a remainder cent), an overlay and a split of a EUR deal across pay currencies.
    splits = {
        "deal_id": [ids[0], ids[0], ids[0], ids[0], ids[2], ids[2]],
        "person": ["ae", "ae2", "sdr", "m1", "ana-maría", "0055g00000AbCdEfGh"],
        "share": [Decimal("0.333333333333"), Decimal("0.333333333334"), Decimal("0.333333333333"),
                  Decimal("0.5"), Decimal("0.7"), Decimal("0.3")],
        "kind": ["revenue", "revenue", "revenue", "overlay", "revenue", "revenue"],
    }
    paths = Paths(monkeypatch)
    kw = dict(rules=RULES, splits=splits, fx=fx_table(), currency=currency,
              reporting_currency="EUR" if currency == "reporting" else None, threads=2)
    fast, slow = paths.both(org, deals, **kw)
    assert paths.strict_deals == 1 and paths.strict_splits == 1
    assert ipc_bytes(fast) == ipc_bytes(slow)
    # The user's ids come back as given (integers stay integers).
    assert set(fast.column("deal_id").to_pylist()) == set(ids)
    # Split of 100.00 in thirds: 33.33 + 33.34 + 33.33 (pay and deal currency are USD for these).
    if currency != "reporting":
        split = fast.filter(pa.compute.equal(fast.column("kind"), "revenue_split"))
        d0 = split.filter(pa.compute.equal(split.column("deal_row"), sc.Deals(org, deals).input_rows.tolist().index(0)))
        assert sorted(d0.column("amount").to_pylist()) == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]


def test_text_splits_and_dictionary_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    # Dictionary-encoded names and decimal-text shares and amounts take the Arrow path too.
    org = sc.Organisation(PEOPLE, ASSIGNMENTS)
    deals = pa.table(edge_deals(["b", "a", "c", "d", "e", "f"]))
    deals = deals.set_column(1, "owner", deals.column("owner").dictionary_encode())
    deals = deals.set_column(3, "amount", deals.column("amount").cast(pa.string()))
    splits = {"deal_id": ["a", "a"], "person": ["ae", "ae2"], "share": ["0.25", "0.75"]}
    paths = Paths(monkeypatch)
    fast, slow = paths.both(org, deals, rules=RULES, splits=splits, fx=fx_table())
    assert paths.strict_deals == 1 and paths.strict_splits == 1
    assert ipc_bytes(fast) == ipc_bytes(slow)


def error_text(call: Any) -> str:
    with pytest.raises(Exception) as e:
        call()
    return f"{type(e.value).__name__}: {e.value}"


@pytest.mark.parametrize(
    "change",
    [
        {"owner": ["ae", "nobody", "ana-maría", "ghost", "ae", "ae2"]},  # two unknown owners
        {"deal_id": ["a", "b", "a", "c", "d", "d"]},  # duplicate ids
        {"deal_id": ["a", " b", "c", "", "e", "f"]},  # a space, an empty id
        {"type": ["new_business", "Renewal", "new_business", "expansion", "bogus", "refund"]},
        {"currency": ["USD", "EURO", "EUR", "USD", "usd", "USD"]},
        {"amount": pa.array([Decimal("100.001"), Decimal("1"), Decimal("2"), Decimal("3"), Decimal("4"),
                             Decimal("5")], pa.decimal128(12, 3))},  # too many places; a positive refund
        {"close_date": pa.array([dt.date(2026, 1, 1), None, dt.date(2026, 1, 1), dt.date(2026, 1, 1),
                                 dt.date(2026, 1, 1), dt.date(2026, 1, 1)])},
        {"source_person": ["sdr", "nobody", None, None, None, None]},
    ],
    ids=["owner", "duplicate", "bad-ids", "type", "currency", "amount", "missing-date", "source-person"],
)
def test_bad_rows_give_the_per_row_error_text(monkeypatch: pytest.MonkeyPatch, change: dict[str, Any]) -> None:
    org = sc.Organisation(PEOPLE, ASSIGNMENTS)
    deals = {**edge_deals(["a", "b", "c", "d", "e", "f"]), **change}
    paths = Paths(monkeypatch)
    fast = error_text(lambda: sc.Deals(org, deals))
    assert paths.strict_deals == 0  # the strict reader gave up
    with monkeypatch.context() as m:
        m.setattr(crediting, "_strict_deals", lambda *a: None)
        slow = error_text(lambda: sc.Deals(org, deals))
    assert fast == slow
    assert "row" in fast


def test_bad_split_rows_give_the_per_row_error_text(monkeypatch: pytest.MonkeyPatch) -> None:
    org = sc.Organisation(PEOPLE, ASSIGNMENTS)
    deals = sc.Deals(org, edge_deals(["a", "b", "c", "d", "e", "f"]))
    splits = {"deal_id": ["a", "zz", "a"], "person": ["ae", "ae2", "nobody"], "share": ["0.5", "0.5", "x"]}
    fast = error_text(lambda: sc.credit(deals, RULES, splits=splits, fx=fx_table()))
    with monkeypatch.context() as m:
        m.setattr(crediting, "_strict_splits", lambda *a: None)
        slow = error_text(lambda: sc.credit(deals, RULES, splits=splits, fx=fx_table()))
    assert fast == slow
    assert "zz" in fast and "nobody" in fast
