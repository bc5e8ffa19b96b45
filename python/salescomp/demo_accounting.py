"""Commission expense accounting for a quarter close (ASC 340-40 / IFRS 15).

Maps the engine's payout lines onto the accounting input (docs/accounting.md, section 1):

- every positive line tied to a deal is an incremental cost of obtaining that contract:
  one cost row per (person, deal, quarter), incurred on the quarter's last day, amortised
  from the deal's close date over its term (12 months when the deal has none);
  new business is ``initial``, renewals ``renewal``, upsells and cross-sells ``expansion``;
- every negative line tied to a deal (a clawback) is a ``clawback`` event on the quarter's
  last day, taken from that person's cost rows for the deal up to that quarter, then from
  their portfolio rows, oldest first, each up to what is left of it;
- period commissions on bookings (the tiered, renewal and expansion commissions and the
  manager overrides: ``PORTFOLIO_COMPONENTS``) are not tied to one deal, so they follow the
  portfolio approach ASC 340-40 allows for similar contracts: one cost row per (person,
  component, quarter), incurred and starting on the quarter's last day, amortised over the
  credit-weighted average term of the deals the person was credited for in that quarter
  (whole months, rounded half-even);
- pay for pipeline, meetings and objectives, and draws, is not a cost of obtaining a
  contract and is not capitalised.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

# The demo plans' components paid on closed bookings (see salescomp.demo._plans).
PORTFOLIO_COMPONENTS = frozenset({"commission", "renewals", "expansion", "override"})
_KIND = {"new_business": "initial", "renewal": "renewal", "upsell": "expansion", "cross_sell": "expansion"}
DEFAULT_TERM_MONTHS = 12


def _terms(deals: Any) -> list[int]:
    """Each deal's term in months (DEFAULT_TERM_MONTHS when the deals carry none)."""
    if "term_months" not in deals.column_names:
        return [DEFAULT_TERM_MONTHS] * deals.num_rows
    return [int(t) if t else DEFAULT_TERM_MONTHS for t in deals.column("term_months").to_pylist()]


def _portfolio_terms(credits: Any, deals: Any, quarter_ends: list[dt.date]) -> dict[tuple[str, int], int]:
    """(person id, quarter) -> credit-weighted average term in whole months (half-even), over the
    positive credits of each quarter. Column arithmetic in exact int64 (amounts in units of the
    column's scale); the per-row Decimal loop is kept for sums that could leave int64."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from . import tables

    term = np.asarray(_terms(deals), dtype=np.int64)
    amount_col = credits.column("amount").combine_chunks()
    scale = amount_col.type.scale if pa.types.is_decimal(amount_col.type) else 0
    amount = tables.to_minor_units(pc.fill_null(amount_col, 0), scale, name="amount")
    rows = credits.column("deal_row").combine_chunks().to_numpy(zero_copy_only=False)
    days = credits.column("date").combine_chunks().cast(pa.int32()).to_numpy(zero_copy_only=False)
    ends = np.array([(e - dt.date(1970, 1, 1)).days for e in quarter_ends], dtype=np.int64)
    quarter = np.searchsorted(ends, days, side="left") + 1  # first quarter whose end is >= the day
    keep = (amount > 0) & (quarter <= len(ends))
    if not keep.any():
        return {}
    amount, quarter, term_of = amount[keep], quarter[keep], term[rows[keep]]
    if int(amount.max()) * int(max(term_of.max(), 1)) >= (2**63 - 1) // max(len(amount), 1):
        return _portfolio_terms_decimal(credits, term.tolist(), quarter_ends)
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
    q = q + ((2 * r > denominator) | ((2 * r == denominator) & (q % 2 == 1)))  # half-even
    names = person.dictionary.to_pylist()
    width = len(ends) + 1
    return {(names[int(k) // width], int(k) % width): int(v) for k, v in zip(groups, q)}


def _portfolio_terms_decimal(credits: Any, term: list[int], quarter_ends: list[dt.date]) -> dict[tuple[str, int], int]:
    """The same as _portfolio_terms, row by row in Decimal (for sums beyond int64)."""
    weighted: dict[tuple[str, int], list[Decimal]] = {}
    for pid, row, day, amount in zip(credits.column("person_id").to_pylist(), credits.column("deal_row").to_pylist(),
                                     credits.column("date").to_pylist(), credits.column("amount").to_pylist()):
        if amount is None or amount <= 0:
            continue
        q = next((i for i, end in enumerate(quarter_ends, start=1) if day <= end), None)
        if q is None:
            continue
        acc = weighted.setdefault((pid, q), [Decimal(0), Decimal(0)])
        acc[0] += amount * term[row]
        acc[1] += amount
    return {k: int((v[0] / v[1]).to_integral_value()) for k, v in weighted.items() if v[1] > 0}


def _decimal(minor: int, exponent: int) -> Decimal:
    return Decimal(minor).scaleb(-exponent)


def _quarter_sums(run: Any) -> tuple[dict, dict, dict]:
    """One run's lines summed the way the book needs them, from the engine's columns (no
    Python object per line): paid per (person, deal, currency) and clawed back per (person,
    deal) for lines tied to a deal, and period commissions per (person, component, currency).
    Adjustment lines are left out (they restate earlier quarters)."""
    import numpy as np

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
    in_portfolio = np.isin(comp, [k for k, n in enumerate(components) if n in PORTFOLIO_COMPONENTS])
    paid = {(p, d, codes[k]): _decimal(v, exponents[k])
            for (p, d, k), v in sums(on_deal & (amount > 0), person, deal, cur).items()}
    clawed: dict[tuple[int, int], Decimal] = {}
    for (p, d, k), v in sums(on_deal & (amount < 0), person, deal, cur).items():
        clawed[(p, d)] = clawed.get((p, d), Decimal(0)) - _decimal(v, exponents[k])
    portfolio = {(p, components[m], codes[k]): _decimal(v, exponents[k])
                 for (p, m, k), v in sums(live & (deal < 0) & in_portfolio & (amount > 0),
                                          person, comp, cur).items()}
    return paid, clawed, portfolio


def commission_costs(runs: list[Any], quarter_ends: list[dt.date], person_ids: list[str], deals: Any,
                     credits: Any) -> tuple[dict[str, list[Any]], dict[str, list[Any]]]:
    """Cost rows and clawback events (dicts of columns) from the runs of Q1 .. Qn."""
    terms = _portfolio_terms(credits, deals, quarter_ends)
    deal_ids = deals.column("id").to_pylist()
    close = deals.column("close_date").to_pylist()
    term = _terms(deals)
    kind = [str(t) for t in deals.column("type").to_pylist()]
    costs: dict[str, list[Any]] = {k: [] for k in ("line_id", "person", "contract", "amount", "currency",
                                                    "incurred", "contract_start", "term_months", "incremental",
                                                    "kind")}
    events: dict[str, list[Any]] = {k: [] for k in ("line_id", "kind", "date", "amount")}
    open_lines: dict[tuple[int, int], list[list[Any]]] = {}  # (person, deal) -> [[line_id, left]]
    open_portfolio: dict[int, list[list[Any]]] = {}  # person -> [[line_id, left]] of portfolio rows
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
            costs["kind"].append(_KIND.get(kind[deal], "initial"))
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
            costs["term_months"].append(terms.get((pid, q), DEFAULT_TERM_MONTHS))
            costs["incremental"].append(True)
            costs["kind"].append("initial")
            open_portfolio.setdefault(person, []).append([f"{pid}/{component}/Q{q}", amount])
        for (person, deal), amount in sorted(clawed.items()):
            # The deal's own cost rows first, then the person's portfolio rows (the commission on
            # a clawed-back deal was usually paid inside a period commission).
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


def close_accounting(runs: list[Any], quarter_ends: list[dt.date], person_ids: list[str], deals: Any,
                     credits: Any, year_start: dt.date, policy: Any = None) -> tuple[Any, Any]:
    """The amortisation book and its monthly roll-forward (pyarrow) from the fiscal year's start
    to the closed quarter's end."""
    from . import accounting

    costs, events = commission_costs(runs, quarter_ends, person_ids, deals, credits)
    book = accounting.amortise(costs, events if events["line_id"] else None, policy=policy)
    return book, book.roll_forward(year_start, quarter_ends[-1], output="arrow")
