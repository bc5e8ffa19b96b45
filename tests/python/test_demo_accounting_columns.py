"""The close's accounting input built column by column (demo_accounting.commission_costs, issue
11) against the per-row version it replaced (kept below, verbatim but for names, as the oracle):
the same cost rows and clawback events cell by cell, and the same book, on the demo company and
on a synthetic company, one quarter and several."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from salescomp import accounting, demo, synthetic
from salescomp import demo_accounting as da
from salescomp.close import _commission_runs, _table_of, quarter_bounds, year_inputs

# -- the per-row version (salescomp.demo_accounting before issue 11) ------------------------
# Verbatim but for names: the numpy portfolio terms, the quarter sums and the per-row mapping.


def _decimal(minor: int, exponent: int) -> Decimal:
    return Decimal(minor).scaleb(-exponent)


def _quarter_sums(run: Any) -> tuple[dict, dict, dict]:
    c = run._core.columns()
    person = np.asarray(c["person"], dtype=np.int64)
    deal = np.asarray(c["deal"], dtype=np.int64)
    amount = np.asarray(c["amount"], dtype=np.int64)
    cur_index, codes, exponents = c["currency"]
    comp_index, components = c["component"]
    live = ~np.asarray(c["adjustment"], dtype=bool)

    def sums(mask: np.ndarray, *keys: np.ndarray) -> dict[tuple, int]:
        rows = np.flatnonzero(mask)
        if not len(rows):
            return {}
        stacked = np.stack([k[rows] for k in keys], axis=1)
        groups, inverse = np.unique(stacked, axis=0, return_inverse=True)
        total = np.zeros(len(groups), dtype=np.int64)
        np.add.at(total, inverse.reshape(-1), amount[rows])
        return {tuple(int(v) for v in g): int(t) for g, t in zip(groups, total)}

    cur = np.asarray(cur_index, dtype=np.int64)
    comp = np.asarray(comp_index, dtype=np.int64)
    on_deal = live & (deal >= 0)
    in_portfolio = np.isin(comp, [k for k, n in enumerate(components) if n in da.PORTFOLIO_COMPONENTS])
    paid = {(p, d, codes[k]): _decimal(v, exponents[k])
            for (p, d, k), v in sums(on_deal & (amount > 0), person, deal, cur).items()}
    clawed: dict[tuple[int, int], Decimal] = {}
    for (p, d, k), v in sums(on_deal & (amount < 0), person, deal, cur).items():
        clawed[(p, d)] = clawed.get((p, d), Decimal(0)) - _decimal(v, exponents[k])
    portfolio = {(p, components[m], codes[k]): _decimal(v, exponents[k])
                 for (p, m, k), v in sums(live & (deal < 0) & in_portfolio & (amount > 0),
                                          person, comp, cur).items()}
    return paid, clawed, portfolio


def numpy_portfolio_terms(credits: Any, deals: Any, quarter_ends: list[dt.date]) -> dict[tuple[str, int], int]:
    import pyarrow.compute as pc
    from salescomp import tables

    term = np.asarray(da._terms(deals), dtype=np.int64)
    amount_col = credits.column("amount").combine_chunks()
    scale = amount_col.type.scale if pa.types.is_decimal(amount_col.type) else 0
    amount = tables.to_minor_units(pc.fill_null(amount_col, 0), scale, name="amount")
    rows = credits.column("deal_row").combine_chunks().to_numpy(zero_copy_only=False)
    days = credits.column("date").combine_chunks().cast(pa.int32()).to_numpy(zero_copy_only=False)
    ends = np.array([(e - dt.date(1970, 1, 1)).days for e in quarter_ends], dtype=np.int64)
    quarter = np.searchsorted(ends, days, side="left") + 1
    keep = (amount > 0) & (quarter <= len(ends))
    if not keep.any():
        return {}
    amount, quarter, term_of = amount[keep], quarter[keep], term[rows[keep]]
    if int(amount.max()) * int(max(term_of.max(), 1)) >= (2**63 - 1) // max(len(amount), 1):
        return da._portfolio_terms_decimal(credits, term.tolist(), quarter_ends)
    person = credits.column("person_id").combine_chunks()
    if not pa.types.is_dictionary(person.type):
        person = pc.dictionary_encode(person)
    codes = person.indices.to_numpy(zero_copy_only=False)[keep].astype(np.int64)
    key = codes * (len(ends) + 1) + quarter
    groups, inverse = np.unique(key, return_inverse=True)
    numerator = np.zeros(len(groups), dtype=np.int64)
    denominator = np.zeros(len(groups), dtype=np.int64)
    np.add.at(numerator, inverse, amount * term_of)
    np.add.at(denominator, inverse, amount)
    q, r = np.divmod(numerator, denominator)
    q = q + ((2 * r > denominator) | ((2 * r == denominator) & (q % 2 == 1)))
    names = person.dictionary.to_pylist()
    width = len(ends) + 1
    return {(names[int(k) // width], int(k) % width): int(v) for k, v in zip(groups, q)}


def per_row_commission_costs(runs, quarter_ends, person_ids, deals, credits):
    terms = numpy_portfolio_terms(credits, deals, quarter_ends)
    deal_ids = deals.column("id").to_pylist()
    close = deals.column("close_date").to_pylist()
    term = da._terms(deals)
    kind = [str(t) for t in deals.column("type").to_pylist()]
    costs: dict[str, list[Any]] = {k: [] for k in ("line_id", "person", "contract", "amount", "currency",
                                                    "incurred", "contract_start", "term_months", "incremental",
                                                    "kind")}
    events: dict[str, list[Any]] = {k: [] for k in ("line_id", "kind", "date", "amount")}
    open_lines: dict[tuple[int, int], list[list[Any]]] = {}
    open_portfolio: dict[int, list[list[Any]]] = {}
    for q, (run, end) in enumerate(zip(runs, quarter_ends), start=1):
        paid, clawed, portfolio = _quarter_sums(run)
        for (person, deal, currency), amount in sorted(paid.items()):
            line_id = f"{person_ids[person]}/{deal_ids[deal]}/Q{q}"
            costs["line_id"].append(line_id)
            costs["person"].append(person_ids[person])
            costs["contract"].append(str(deal_ids[deal]))
            costs["amount"].append(amount)
            costs["currency"].append(currency)
            costs["incurred"].append(end)
            costs["contract_start"].append(close[deal])
            costs["term_months"].append(term[deal])
            costs["incremental"].append(True)
            costs["kind"].append(da._KIND.get(kind[deal], "initial"))
            open_lines.setdefault((person, deal), []).append([line_id, amount])
        for (person, component, currency), amount in sorted(portfolio.items()):
            pid = person_ids[person]
            costs["line_id"].append(f"{pid}/{component}/Q{q}")
            costs["person"].append(pid)
            costs["contract"].append(f"portfolio:{pid}:Q{q}")
            costs["amount"].append(amount)
            costs["currency"].append(currency)
            costs["incurred"].append(end)
            costs["contract_start"].append(end)
            costs["term_months"].append(terms.get((pid, q), da.DEFAULT_TERM_MONTHS))
            costs["incremental"].append(True)
            costs["kind"].append("initial")
            open_portfolio.setdefault(person, []).append([f"{pid}/{component}/Q{q}", amount])
        for (person, deal), amount in sorted(clawed.items()):
            for entry in open_lines.get((person, deal), []) + open_portfolio.get(person, []):
                take = min(amount, entry[1])
                if take > 0:
                    events["line_id"].append(entry[0])
                    events["kind"].append("clawback")
                    events["date"].append(end)
                    events["amount"].append(take)
                    entry[1] -= take
                    amount -= take
    return costs, events


# -- the two companies ----------------------------------------------------------------------


def _inputs(company: Any, quarters: int) -> dict[str, Any]:
    inputs = year_inputs(company)
    runs = _commission_runs(inputs, quarters, 1, lambda _name: None)
    ends = [quarter_bounds(inputs.calendar, inputs.fiscal_year, q)[1] for q in range(1, quarters + 1)]
    deal_rows = _table_of(inputs.company.deals).take(pa.array(inputs.deals.input_rows))
    return {"runs": runs, "quarter_ends": ends, "person_ids": inputs.person_ids, "deals": deal_rows,
            "credits": inputs.credit_table}


@pytest.fixture(scope="module", params=["demo Q1..Q3", "synthetic Q1..Q2"])
def company(request):
    if request.param.startswith("demo"):
        return _inputs(demo.load(), 3)
    return _inputs(synthetic.generate(300, 12, 0, seed=7).company(), 2)


def _text(values: list[Any]) -> list[str]:
    """Cell values as text: Decimal('12.30') and Decimal('12.3') differ here."""
    return [v.isoformat() if isinstance(v, dt.date) else str(v) for v in values]


def test_cost_rows_and_events_are_the_per_row_ones_cell_by_cell(company):
    old_costs, old_events = per_row_commission_costs(**company)
    costs, events = da.commission_costs(**company)
    assert costs.num_rows == len(old_costs["line_id"]) > 0
    assert costs.to_arrow().column_names == list(old_costs)
    for name, values in old_costs.items():
        assert _text(costs[name]) == _text(values), name
    assert events.to_arrow().column_names == list(old_events)
    for name, values in old_events.items():
        assert _text(events[name]) == _text(values), name
    # Money is exact decimal128 (no float anywhere), dates are date32.
    assert pa.types.is_decimal128(costs.to_arrow().schema.field("amount").type)
    assert pa.types.is_decimal128(events.to_arrow().schema.field("amount").type)
    assert costs.to_arrow().schema.field("incurred").type == pa.date32()


def test_the_book_is_the_same_bytes_from_either_input(company):
    old_costs, old_events = per_row_commission_costs(**company)
    costs, events = da.commission_costs(**company)
    old = accounting.amortise(old_costs, old_events if old_events["line_id"] else None)
    new = accounting.amortise(costs, events if events.num_rows else None)
    for out in ("assets", "schedule", "roll_forward", "journal"):
        a, b = getattr(old, out)(output="arrow"), getattr(new, out)(output="arrow")
        assert a.equals(b), out
    _book, rf = da.close_accounting(**company, year_start=company["quarter_ends"][0].replace(month=1, day=1))
    assert rf.equals(new.roll_forward(company["quarter_ends"][0].replace(month=1, day=1),
                                      company["quarter_ends"][-1], output="arrow"))


def test_the_demo_has_clawbacks_and_portfolio_rows():
    # What the comparison above covers on the demo company (hand-checked shape, not values).
    inputs = _inputs(demo.load(), 3)
    costs, events = da.commission_costs(**inputs)
    contracts = costs["contract"]
    assert events.num_rows > 0
    assert any(c.startswith("portfolio:") for c in contracts)
    assert any(not c.startswith("portfolio:") for c in contracts)


def test_portfolio_terms_c_pass_equals_the_decimal_loop(company):
    fast = da._portfolio_terms(company["credits"], company["deals"], company["quarter_ends"])
    slow = da._portfolio_terms_decimal(company["credits"], da._terms(company["deals"]), company["quarter_ends"])
    assert fast == slow and len(fast) > 10


def test_portfolio_terms_hand_computed():
    # Person a, Q1: 100.00 on a 12-month deal and 300.00 on a 36-month deal:
    #   (100 x 12 + 300 x 36) / 400 = 12000 / 400 = 30 months.
    # Person a, Q2: 1.00 x 12 + 1.00 x 13 = 25 / 2 = 12.5 -> 12 (half-even);
    # person b, Q2: 1.00 x 13 + 1.00 x 14 = 27 / 2 = 13.5 -> 14 (half-even).
    # A negative credit and a credit after Q2 do not count; zz (5.00 on the 36-month deal, Q1)
    # counts where the people are taken from the credits, not where they are given.
    credits = pa.table({
        "person_id": pa.array(["a", "a", "a", "a", "b", "b", "a", "a", "zz"]).dictionary_encode(),
        "deal_row": pa.array([0, 1, 0, 2, 2, 3, 1, 1, 1], pa.int32()),
        "date": pa.array([dt.date(2026, 1, 5), dt.date(2026, 3, 31), dt.date(2026, 4, 1), dt.date(2026, 6, 30),
                          dt.date(2026, 5, 1), dt.date(2026, 5, 2), dt.date(2026, 2, 1), dt.date(2026, 7, 1),
                          dt.date(2026, 1, 1)], pa.date32()),
        "amount": pa.array([Decimal("100.00"), Decimal("300.00"), Decimal("1.00"), Decimal("1.00"),
                            Decimal("1.00"), Decimal("1.00"), Decimal("-50.00"), Decimal("9.00"),
                            Decimal("5.00")], pa.decimal128(12, 2)),
    })
    deals = pa.table({"term_months": pa.array([12, 36, 13, 14], pa.int64())})
    ends = [dt.date(2026, 3, 31), dt.date(2026, 6, 30)]
    assert da._portfolio_terms(credits, deals, ends) == {("a", 1): 30, ("a", 2): 12, ("b", 2): 14, ("zz", 1): 36}
    matrix = da._term_matrix(credits, da._term_array(deals), ends, ["b", "a", "c"])
    assert matrix.tolist() == [[da._NO_TERM, 14], [30, 12], [da._NO_TERM, da._NO_TERM]]


def test_portfolio_terms_of_amounts_beyond_64_bits_are_exact():
    # 10^20 (beyond int64) on a 12- and a 13-month deal: (12 + 13) / 2 = 12.5 -> 12 (half-even).
    big = Decimal(10**20)
    credits = pa.table({
        "person_id": pa.array(["a", "a"]),
        "deal_row": pa.array([0, 1], pa.int64()),
        "date": pa.array([dt.date(2026, 1, 5)] * 2, pa.date32()),
        "amount": pa.array([big, big], pa.decimal128(38, 2)),
    })
    deals = pa.table({"term_months": pa.array([12, 13], pa.int64())})
    assert da._portfolio_terms(credits, deals, [dt.date(2026, 3, 31)]) == {("a", 1): 12}
    # Sums beyond 128 bits are an error, never a wrapped value: 10^36 x 1000 months > 2^127.
    huge = pa.table({**{n: credits.column(n) for n in ("person_id", "deal_row", "date")},
                     "amount": pa.array([Decimal(10**36)] * 2, pa.decimal128(38, 0))})
    with pytest.raises(Exception, match="SC-ACCT-PORTFOLIO-OVERFLOW"):
        da._portfolio_terms(huge, pa.table({"term_months": pa.array([1000, 1000], pa.int64())}),
                            [dt.date(2026, 3, 31)])


def _yen_and_dollar_credits() -> Any:
    import salescomp as sc

    org = sc.Organisation(
        {"person_id": ["cro", "a", "b"], "role": ["cro", "ae", "ae"], "start_date": ["2020-01-01"] * 3,
         "pay_currency": ["USD", "USD", "JPY"]},
        {"person_id": ["a", "b"], "field": ["manager"] * 2, "value": ["cro", "cro"], "from": ["2020-01-01"] * 2,
         "to": [None, None]})
    deals = sc.Deals(org, {
        "deal_id": ["d1", "d2", "d3"], "owner": ["a", "a", "b"],
        "close_date": pa.array([dt.date(2026, 1, 10), dt.date(2026, 2, 10), dt.date(2026, 4, 10)]),
        "amount": pa.array([Decimal("100.00"), Decimal("100"), Decimal("5")], pa.decimal128(12, 2)),
        "currency": ["USD", "JPY", "JPY"], "type": ["new_business"] * 3})
    return sc.credit(deals, [{"kind": "direct"}, {"kind": "roll_up", "depth": 1}], currency="deal")


def test_terms_read_from_crediting_in_place_weigh_amounts_as_the_export_does():
    # a: 100.00 USD on a 12-month deal and 100 JPY on a 36-month one. The credits' export puts
    # both at scale 2 (100 JPY -> 100.00), so the weights are equal: (12 + 36) / 2 = 24 months.
    # (Raw minor units, 10000 and 100, would give (10000*12 + 100*36) / 10100 = 12.2 -> 12.)
    # The cro's roll-ups weigh the same; b's 5 JPY is in Q2 on a 13-month deal.
    credits = _yen_and_dollar_credits()
    term = np.array([12, 36, 13], np.int32)
    ends = [dt.date(2026, 3, 31), dt.date(2026, 6, 30)]
    people = ["b", "zz", "a", "cro"]  # any order; zz has no credits
    in_place = da._term_matrix(credits, term, ends, people)
    exported = da._term_matrix(credits.to_arrow(), term, ends, people)
    assert in_place.tolist() == [[da._NO_TERM, 13], [da._NO_TERM, da._NO_TERM], [24, da._NO_TERM], [24, 13]]
    assert exported.tolist() == in_place.tolist()


def test_terms_read_from_crediting_in_place_equal_the_export_on_a_synthetic_company():
    comp = synthetic.generate(people=300, deals_per_person=12, seed=4).company()
    inputs = year_inputs(comp, comp.fiscal_year, threads=2)
    ends = [quarter_bounds(inputs.calendar, comp.fiscal_year, q)[1] for q in (1, 2, 3, 4)]
    # The company's deals are all 12 months: varied terms make every weight count.
    term = (np.arange(inputs.deal_rows.num_rows) * 7 % 47 + 1).astype(np.int32)
    people = list(reversed(inputs.person_ids))[:250]
    in_place = da._term_matrix(inputs.credits, term, ends, people)
    assert (in_place != da._NO_TERM).sum() > 300 and len(np.unique(in_place)) > 20
    assert np.array_equal(in_place, da._term_matrix(inputs.credit_table, term, ends, people))
