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

import numpy as np

from .tables import ArrowResult

# The demo plans' components paid on closed bookings (see salescomp.demo._plans).
PORTFOLIO_COMPONENTS = frozenset({"commission", "renewals", "expansion", "override"})
_KIND = {"new_business": "initial", "renewal": "renewal", "upsell": "expansion", "cross_sell": "expansion"}
DEFAULT_TERM_MONTHS = 12
# The deal columns the book reads (term_months is optional); close_accounting's ``deals``
# needs no others.
ACCOUNTING_DEAL_COLUMNS = ("id", "close_date", "type", "term_months")
_EPOCH = dt.date(1970, 1, 1)
_NO_TERM = np.iinfo(np.int32).min  # salescomp._core.accounting.portfolio_terms: no positive credit


class BookTable(ArrowResult):
    """One input table of the book (cost rows or clawback events) as Arrow: pass it to
    :func:`salescomp.accounting.amortise`, or to any Arrow consumer (``pyarrow.table(t)``,
    polars, DuckDB); ``t["line_id"]`` lists one column's values (for small tables)."""

    def __init__(self, table: Any) -> None:
        self._table = table

    def to_arrow(self) -> Any:
        return self._table

    @property
    def num_rows(self) -> int:
        return int(self._table.num_rows)

    def __len__(self) -> int:
        return self.num_rows

    def __getitem__(self, name: str) -> list[Any]:
        return self._table.column(name).to_pylist()

    def __repr__(self) -> str:
        return f"BookTable({self.num_rows} rows: {', '.join(self._table.column_names)})"


def _terms(deals: Any) -> list[int]:
    """Each deal's term in months (DEFAULT_TERM_MONTHS when the deals carry none)."""
    return _term_array(deals).tolist()


def _term_array(deals: Any) -> np.ndarray:
    """_terms as an int32 column: a missing or zero term is DEFAULT_TERM_MONTHS."""
    import pyarrow.compute as pc

    from . import tables

    if "term_months" not in deals.column_names:
        return np.full(deals.num_rows, DEFAULT_TERM_MONTHS, dtype=np.int32)
    col = deals.column("term_months")
    term = tables.integers(pc.fill_null(col, 0) if col.null_count else col, "term_months", np.int32,
                           what="deals")
    return np.where(term == 0, np.int32(DEFAULT_TERM_MONTHS), term).astype(np.int32)


def _term_matrix(credits: Any, term: np.ndarray, quarter_ends: list[dt.date], person_ids: list[str]) -> np.ndarray:
    """[person, quarter - 1] -> credit-weighted average term in whole months (half-even) over the
    positive credits of each quarter, _NO_TERM where there are none: one pass in C++ over the
    credits (src/accounting/portfolio_terms.cpp), exact in 128 bits. ``credits``: an Arrow
    table, or a :class:`salescomp.Credits` (crediting's table, read in place: no export)."""
    from ._core import accounting as _acc  # type: ignore[import-not-found]
    from .crediting import Credits

    if isinstance(credits, Credits):
        credits = credits._core

    ends = [(e - _EPOCH).days for e in quarter_ends]
    return _acc.portfolio_terms(credits, np.ascontiguousarray(term, dtype=np.int32), ends, list(person_ids))


def _portfolio_terms(credits: Any, deals: Any, quarter_ends: list[dt.date]) -> dict[tuple[str, int], int]:
    """(person id, quarter) -> credit-weighted average term in whole months (half-even), over the
    positive credits of each quarter (the C++ pass of _term_matrix, as a dict)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    person = credits.column("person_id")
    if pa.types.is_dictionary(person.type):
        person = person.cast(pa.string())
    people = pc.unique(pc.drop_null(person)).to_pylist()
    matrix = _term_matrix(credits, _term_array(deals), quarter_ends, people)
    rows, quarters = np.nonzero(matrix != _NO_TERM)
    return {(people[p], int(q) + 1): int(matrix[p, q]) for p, q in zip(rows.tolist(), quarters.tolist())}


def _portfolio_terms_decimal(credits: Any, term: list[int], quarter_ends: list[dt.date]) -> dict[tuple[str, int], int]:
    """The same as _portfolio_terms, row by row in Decimal (the oracle of the tests)."""
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


class _Sums:
    """One run's lines summed the way the book needs them, from the engine's columns (no
    Python object per line), each group sorted the way the cost rows are listed. Adjustment
    lines are left out (they restate earlier quarters). Amounts are int64 at ``scale``
    decimals (every currency's minor units rescaled exactly)."""

    def __init__(self, run: Any, scale: int) -> None:
        c = run._core.columns()
        self.person = np.asarray(c["person"], dtype=np.int64)
        self.deal = np.asarray(c["deal"], dtype=np.int64)
        cur_index, self.codes, exponents = c["currency"]
        comp_index, self.components = c["component"]
        self.cur = np.asarray(cur_index, dtype=np.int64)
        self.comp = np.asarray(comp_index, dtype=np.int64)
        minor = np.asarray(c["amount"], dtype=np.int64)
        factor = 10 ** (scale - np.asarray(exponents, dtype=np.int64))
        if len(minor) and int(np.abs(minor).max()) * int(factor.max()) * len(minor) >= 2**63:
            from ._errors import AmountOverflowError

            raise AmountOverflowError("[SC-OVERFLOW] commission costs: a quarter's amounts do not fit in 64 bits")
        self.amount = minor * factor[self.cur] if len(minor) else minor
        self.live = ~np.asarray(c["adjustment"], dtype=bool)
        self.exponents = list(exponents)

    @staticmethod
    def _rank(names: list[str]) -> np.ndarray:
        """Rank of each name in text order (the order the old dict keys sorted in)."""
        rank = np.empty(len(names), dtype=np.int64)
        rank[sorted(range(len(names)), key=names.__getitem__)] = np.arange(len(names))
        return rank

    def groups(self, mask: np.ndarray, *keys: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
        """Distinct key tuples of the rows in ``mask``, sorted by the keys (first key first),
        and each group's total."""
        rows = np.flatnonzero(mask)
        if not len(rows):
            return [np.zeros(0, np.int64) for _ in keys], np.zeros(0, np.int64)
        cols = [k[rows] for k in keys]
        order = np.lexsort(cols[::-1])
        cols = [c[order] for c in cols]
        change = np.zeros(len(rows), dtype=bool)
        change[0] = True
        for c in cols:
            change[1:] |= c[1:] != c[:-1]
        starts = np.flatnonzero(change)
        return [c[starts] for c in cols], np.add.reduceat(self.amount[rows][order], starts)

    def paid(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(person, deal, currency index, total) of the positive lines tied to a deal, sorted by
        (person, deal, currency code)."""
        rank = self._rank(list(self.codes))
        (person, deal, cur_rank), total = self.groups(self.live & (self.deal >= 0) & (self.amount > 0),
                                                      self.person, self.deal, rank[self.cur])
        return person, deal, np.argsort(rank)[cur_rank], total

    def portfolio(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(person, component index, currency index, total) of the positive period commissions
        on bookings, sorted by (person, component name, currency code)."""
        comp_rank, cur_rank = self._rank(list(self.components)), self._rank(list(self.codes))
        booked = np.isin(self.comp, [k for k, n in enumerate(self.components) if n in PORTFOLIO_COMPONENTS])
        (person, comp, cur), total = self.groups(self.live & (self.deal < 0) & booked & (self.amount > 0),
                                                 self.person, comp_rank[self.comp], cur_rank[self.cur])
        return person, np.argsort(comp_rank)[comp], np.argsort(cur_rank)[cur], total

    def clawed(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(person, deal, amount clawed back) of the negative lines tied to a deal, summed over
        currencies, sorted by (person, deal)."""
        (person, deal), total = self.groups(self.live & (self.deal >= 0) & (self.amount < 0), self.person, self.deal)
        return person, deal, -total


def _scale(runs: list[Any]) -> int:
    """The decimals every amount of the runs is exact at (the largest currency exponent)."""
    exponents = [int(e) for run in runs for e in run._core.columns()["currency"][2]]
    return max(exponents, default=2)


def _decimals(values: np.ndarray, scale: int) -> Any:
    from .tables import minor_to_arrow

    return minor_to_arrow(np.asarray(values, dtype=np.int64), scale)


def _dates(day: int, n: int) -> Any:
    import pyarrow as pa

    return pa.array(np.full(n, day, dtype=np.int32), pa.int32()).cast(pa.date32())


def _deal_columns(deals: Any, rows: np.ndarray) -> tuple[Any, Any, Any]:
    """The id (text), close date and cost kind of the deals at ``rows`` (only those: the deal
    table is never copied whole)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    take = pa.array(np.asarray(rows, dtype=np.int64))
    ids = deals.column("id").take(take).combine_chunks()
    if not pa.types.is_string(ids.type):
        ids = ids.cast(pa.string())
    close = deals.column("close_date").take(take).combine_chunks().cast(pa.date32())
    types = deals.column("type").take(take).combine_chunks().cast(pa.string())
    kind = pc.take(pa.array(list(_KIND.values()), pa.string()), pc.index_in(types, pa.array(list(_KIND), pa.string())))
    return ids, close, pc.fill_null(kind, "initial")


def commission_costs(runs: list[Any], quarter_ends: list[dt.date], person_ids: list[str], deals: Any,
                     credits: Any) -> tuple[BookTable, BookTable]:
    """Cost rows and clawback events (Arrow tables, money exact as decimal128) from the runs of
    Q1 .. Qn, built column by column: sums and sort orders in numpy, ids joined by pyarrow, the
    portfolio terms in one C++ pass; Python loops only over the clawed-back (person, deal)
    pairs and the cost rows they can reduce. ``deals``: in deal-row order, with the columns of
    ACCOUNTING_DEAL_COLUMNS; ``credits``: an Arrow table or a :class:`salescomp.Credits`."""
    import pyarrow as pa
    import pyarrow.compute as pc

    term = _term_array(deals)
    terms = _term_matrix(credits, term, quarter_ends, person_ids)
    pid = pa.array(person_ids, pa.string())
    scale = _scale(runs)
    sums = [_Sums(run, scale) for run in runs]

    # The (person, deal) pairs ever clawed back, and their people: only their cost rows
    # are tracked row by row for the clawbacks below.
    clawed = [s.clawed() for s in sums]
    n_deals = max(deals.num_rows, 1)
    clawed_keys = np.unique(np.concatenate([p * n_deals + d for p, d, _ in clawed] or [np.zeros(0, np.int64)]))
    clawed_people = np.unique(np.concatenate([p for p, _, _ in clawed] or [np.zeros(0, np.int64)]))

    parts: list[Any] = []
    event_rows: list[int] = []
    event_days: list[int] = []
    event_amounts: list[int] = []
    open_lines: dict[tuple[int, int], list[list[int]]] = {}  # (person, deal) -> [[cost row, left]]
    open_portfolio: dict[int, list[list[int]]] = {}  # person -> [[cost row, left]] of portfolio rows
    first_row = 0
    for q, (s, end, (c_person, c_deal, c_amount)) in enumerate(zip(sums, quarter_ends, clawed), start=1):
        day = (end - _EPOCH).days
        person, deal, cur, total = s.paid()
        codes = pa.array(list(s.codes), pa.string())
        persons = pid.take(pa.array(person))
        deal_ids, close, kind = _deal_columns(deals, deal)
        line_id = pc.binary_join_element_wise(persons, deal_ids, f"Q{q}", "/")
        n = len(person)
        parts.append(pa.table({
            "line_id": line_id, "person": persons, "contract": deal_ids,
            "amount": _decimals(total, scale), "currency": codes.take(pa.array(cur)),
            "incurred": _dates(day, n), "contract_start": close,
            "term_months": pa.array(term[deal].astype(np.int64)), "incremental": pa.array(np.ones(n, dtype=bool)),
            "kind": kind,
        }))
        tracked = np.flatnonzero(np.isin(person * n_deals + deal, clawed_keys))
        for k in tracked.tolist():
            open_lines.setdefault((int(person[k]), int(deal[k])), []).append([first_row + k, int(total[k])])
        first_row += n

        person, comp, cur, total = s.portfolio()
        persons = pid.take(pa.array(person))
        n = len(person)
        q_term = terms[person, q - 1] if n else np.zeros(0, np.int32)
        parts.append(pa.table({
            "line_id": pc.binary_join_element_wise(persons, pa.array(list(s.components), pa.string())
                                                   .take(pa.array(comp)), f"Q{q}", "/"),
            "person": persons, "contract": pc.binary_join_element_wise("portfolio", persons, f"Q{q}", ":"),
            "amount": _decimals(total, scale), "currency": codes.take(pa.array(cur)),
            "incurred": _dates(day, n), "contract_start": _dates(day, n),
            "term_months": pa.array(np.where(q_term == _NO_TERM, DEFAULT_TERM_MONTHS, q_term).astype(np.int64)),
            "incremental": pa.array(np.ones(n, dtype=bool)), "kind": pa.array(["initial"] * n, pa.string()),
        }))
        for k in np.flatnonzero(np.isin(person, clawed_people)).tolist():
            open_portfolio.setdefault(int(person[k]), []).append([first_row + k, int(total[k])])
        first_row += n

        for p, d, amount in zip(c_person.tolist(), c_deal.tolist(), c_amount.tolist()):
            # The deal's own cost rows first, then the person's portfolio rows (the commission on
            # a clawed-back deal was usually paid inside a period commission).
            for entry in open_lines.get((p, d), []) + open_portfolio.get(p, []):
                take = min(amount, entry[1])
                if take > 0:
                    event_rows.append(entry[0])
                    event_days.append(day)
                    event_amounts.append(take)
                    entry[1] -= take
                    amount -= take
    costs = pa.concat_tables(parts) if parts else _empty_costs(scale)
    rows = pa.array(np.asarray(event_rows, dtype=np.int64))
    events = pa.table({
        "line_id": costs.column("line_id").take(rows),
        "kind": pa.array(["clawback"] * len(event_rows), pa.string()),
        "date": pa.array(np.asarray(event_days, dtype=np.int32), pa.int32()).cast(pa.date32()),
        "amount": _decimals(np.asarray(event_amounts, dtype=np.int64), scale),
    })
    return BookTable(costs), BookTable(events)


def _empty_costs(scale: int) -> Any:
    import pyarrow as pa

    return pa.table({
        "line_id": pa.array([], pa.string()), "person": pa.array([], pa.string()),
        "contract": pa.array([], pa.string()), "amount": _decimals(np.zeros(0, np.int64), scale),
        "currency": pa.array([], pa.string()), "incurred": pa.array([], pa.date32()),
        "contract_start": pa.array([], pa.date32()), "term_months": pa.array([], pa.int64()),
        "incremental": pa.array([], pa.bool_()), "kind": pa.array([], pa.string()),
    })


def close_accounting(runs: list[Any], quarter_ends: list[dt.date], person_ids: list[str], deals: Any,
                     credits: Any, year_start: dt.date, policy: Any = None) -> tuple[Any, Any]:
    """The amortisation book and its monthly roll-forward (pyarrow) from the fiscal year's start
    to the closed quarter's end."""
    from . import accounting

    costs, events = commission_costs(runs, quarter_ends, person_ids, deals, credits)
    book = accounting.amortise(costs, events if events.num_rows else None, policy=policy)
    return book, book.roll_forward(year_start, quarter_ends[-1], output="arrow")
