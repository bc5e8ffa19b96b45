"""Gross and net revenue retention (GRR / NRR) of account managers' books.

The book is one row per customer: ``customer``, ``person`` (the account manager),
``arr_start`` and ``arr_end`` (annual recurring revenue at the start and end of the
period, exact money in one ``currency``). Customers with no ARR at the start (new logos)
are not part of the book. Per customer, with ``d = end - start``:

- churn = start when end = 0; otherwise contraction = max(-d, 0) and expansion = max(d, 0);
- GRR = (start - contraction - churn) / start;  NRR = (start + expansion - contraction - churn) / start,
  summed over the person's book.

Money stays exact; GRR and NRR are exact ratios rounded half-even to 12 decimals (a
:class:`salescomp.Rate`'s precision), so a plan can use them as a measure or a gate.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa

from .. import tables
from .._core import Currency
from .history import _columns, _ids, _Issues, _text

__all__ = ["BOOK_FIELDS", "retention"]

BOOK_FIELDS: dict[str, tuple[str, bool, str]] = {
    "customer": ("id", True, "the customer"),
    "person": ("id", True, "person id of the account manager"),
    "arr_start": ("money", True, "ARR at the start of the period (> 0)"),
    "arr_end": ("money", True, "ARR at the end of the period (>= 0; 0: churned)"),
    "currency": ("code", True, "ISO 4217 code of both ARR columns"),
}


def retention(book: Any, *, source: str = "book") -> pa.Table:
    """Per account manager: customers, arr_start, expansion, contraction, churn, arr_end,
    grr, nrr (decimal128; one currency per table, checked)."""
    issues = _Issues(source)
    cols = _columns(book, BOOK_FIELDS, issues)
    person = _ids(cols["person"], "person", issues, True)
    _ids(cols["customer"], "customer", issues, True)
    codes = sorted(set(_text(cols["currency"], "currency").to_pylist()))
    if len(codes) != 1 or codes[0] is None:
        issues.add("currency", ",".join(str(c) for c in codes), "a book is in exactly one currency")
    issues.raise_if_any()
    currency = codes[0]
    start = tables.to_minor_units(cols["arr_start"], currency, name="arr_start")
    end = tables.to_minor_units(cols["arr_end"], currency, name="arr_end")
    issues.add_rows(
        start <= 0, "arr_start", None, "a customer of the book has ARR > 0 at the start"
    )
    issues.add_rows(end < 0, "arr_end", None, "ARR is >= 0")
    issues.raise_if_any()
    churned = end == 0
    delta = end - start
    churn = np.where(churned, start, 0)
    contraction = np.where(~churned & (delta < 0), -delta, 0)
    expansion = np.where(~churned & (delta > 0), delta, 0)
    names = sorted(set(person.to_pylist()))
    code = np.searchsorted(
        np.array(names, dtype=object), np.array(person.to_pylist(), dtype=object)
    )

    def by_person(values: np.ndarray) -> np.ndarray:
        out = np.zeros(len(names), dtype=np.int64)
        np.add.at(out, code, values)
        return out

    s, e, c, x, ch = (by_person(v) for v in (start, expansion, contraction, end, churn))
    exp = Currency(currency).exponent
    grr = [_ratio(int(a) - int(b) - int(d), int(a)) for a, b, d in zip(s, c, ch)]
    nrr = [_ratio(int(a) + int(g) - int(b) - int(d), int(a)) for a, g, b, d in zip(s, e, c, ch)]
    return pa.table(
        {
            "person": pa.array(names, pa.string()),
            "customers": pa.array(np.bincount(code, minlength=len(names)), pa.int64()),
            "arr_start": tables.minor_to_arrow(s, exp),
            "expansion": tables.minor_to_arrow(e, exp),
            "contraction": tables.minor_to_arrow(c, exp),
            "churn": tables.minor_to_arrow(ch, exp),
            "arr_end": tables.minor_to_arrow(x, exp),
            "grr": pa.array(grr, pa.decimal128(38, 12)),
            "nrr": pa.array(nrr, pa.decimal128(38, 12)),
            "currency": pa.array([currency] * len(names), pa.string()),
        }
    )


def _ratio(numerator: int, denominator: int) -> Decimal:
    """numerator / denominator rounded half-even to 12 places, exactly (integer arithmetic)."""
    q, r = divmod(numerator * 10**12, denominator)
    if 2 * r > denominator or (2 * r == denominator and q % 2):
        q += 1
    return Decimal(q).scaleb(-12)
