"""The close's payout and statement tables, built column by column from the run.

A quarter close of 10M deals pays about 1.5M lines to 100k people; building a Python dict
per line and a Decimal per amount made this stage cost more than the commission run. Here
every column comes from the engine's numpy columns with one ``take`` or one C++ call:
ids, roles and plans by index, money as exact ``decimal128`` from minor units, reporting
amounts by ``FxTable.convert_minor`` (the same rule as ``FxTable.convert``, one call per
currency), explanation texts in one C++ call.

Column scales follow one rule: the largest number of decimals among the currencies present
(the lines' and, when there are lines, the reporting currency's), and at least 2.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ._core import RoundingMode  # type: ignore[attr-defined]

__all__ = ["payout_table", "statement_table"]


def _pa():
    import pyarrow as pa

    return pa


def _by_index(values: Sequence[Any], index: np.ndarray, type_: Any) -> Any:
    """``values[index[i]]`` for every row, as one Arrow gather."""
    pa = _pa()
    return pa.array(list(values), type_).take(pa.array(index, pa.int64()))


def _row_exponents(currency: tuple) -> np.ndarray:
    index, _codes, exponents = currency
    table = np.asarray(list(exponents) or [0], dtype=np.int64)
    return table[index] if len(index) else np.zeros(0, dtype=np.int64)


def _reporting_minor(
    minor: np.ndarray, currency: tuple, reporting: Any, fx: Any, on: dt.date
) -> np.ndarray:
    """Minor units of the reporting currency: FxTable.convert (half-even) per currency."""
    index, codes, _exponents = currency
    out = np.empty(len(minor), dtype=np.int64)
    for k, code in enumerate(codes):
        rows = np.flatnonzero(index == k)
        if code == reporting.code:
            out[rows] = minor[rows]
        else:
            out[rows] = fx.convert_minor(minor[rows], code, reporting, on, RoundingMode.HalfEven)
    return out


def _decimals(minor: np.ndarray, exponents: np.ndarray, scale: int) -> Any:
    """decimal128(38, scale) of amounts given in minor units of per-row exponents."""
    from .tables import minor_to_arrow

    factor = np.power(10, scale - exponents).astype(np.int64)
    if np.any(np.abs(minor) > np.iinfo(np.int64).max // np.maximum(factor, 1)):
        raise OverflowError("[SC-OVERFLOW] an amount does not fit at the column's scale")
    return minor_to_arrow(minor * factor, scale)


def _scale(exponents: Sequence[np.ndarray], rows: int, reporting: Any) -> int:
    present = [int(e.max()) for e in exponents if len(e)]
    if rows:
        present.append(reporting.exponent)
    return max([2, *present])


def _money_pair(
    minor: np.ndarray, currency: tuple, reporting: Any, fx: Any, on: dt.date
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """(amounts, their exponents, reporting amounts, scale) for two money columns."""
    exponents = _row_exponents(currency)
    converted = _reporting_minor(minor, currency, reporting, fx, on)
    scale = _scale([exponents], len(minor), reporting)
    return exponents, converted, np.full(len(minor), reporting.exponent, dtype=np.int64), scale


def _codes_as_strings(coded: tuple) -> Any:
    pa = _pa()
    index, values = coded[0], coded[1]
    return _by_index(values, np.asarray(index), pa.string())


def payout_table(
    run: Any,
    person_ids: Sequence[str],
    roles: Mapping[str, str],
    plans_of: Mapping[str, str],
    deal_ids: Any,
    reporting_currency: str,
    fx: Any,
    on: dt.date,
) -> Any:
    """The closed quarter's payout lines with the user's ids, reporting amounts and texts."""
    from ._core import Currency  # type: ignore[attr-defined]

    pa = _pa()
    reporting = Currency(reporting_currency)
    c = run._core.columns()
    person = np.asarray(c["person"], dtype=np.int64)
    exponents, converted, rep_exponents, scale = _money_pair(
        c["amount"], c["currency"], reporting, fx, on
    )
    deal = np.asarray(c["deal"], dtype=np.int64)
    deal_index = pa.array(deal, pa.int64(), mask=deal < 0)
    rows = len(person)
    return pa.table(
        {
            "person_id": _by_index(person_ids, person, pa.string()),
            "role": _by_index([roles[p] for p in person_ids], person, pa.string()),
            "plan": _by_index([plans_of.get(p, "") for p in person_ids], person, pa.string()),
            "period_start": pa.array(c["period_start"], pa.int32()).cast(pa.date32()),
            "component": _codes_as_strings(c["component"]),
            "deal_id": deal_ids.take(deal_index),
            "amount": _decimals(c["amount"], exponents, scale),
            "currency": _codes_as_strings(c["currency"]),
            "amount_reporting": _decimals(converted, rep_exponents, scale),
            "reporting_currency": pa.array([reporting_currency] * rows, pa.string()),
            "explanation": pa.array(run._core.explanation_texts(), pa.string()),
        }
    )


def statement_table(
    run: Any,
    person_ids: Sequence[str],
    roles: Mapping[str, str],
    reporting_currency: str,
    fx: Any,
    on: dt.date,
) -> Any:
    """One row per person run: totals in the plan currency and in the reporting currency."""
    from ._core import Currency  # type: ignore[attr-defined]

    pa = _pa()
    reporting = Currency(reporting_currency)
    s = run._core.statement_columns()
    person = np.asarray(s["person"], dtype=np.int64)
    exponents, converted, rep_exponents, scale = _money_pair(
        s["total"], s["currency"], reporting, fx, on
    )
    rows = len(person)
    return pa.table(
        {
            "person_id": _by_index(person_ids, person, pa.string()),
            "role": _by_index([roles[p] for p in person_ids], person, pa.string()),
            "plan": _codes_as_strings(s["plan"]),
            "currency": _codes_as_strings(s["currency"]),
            "lines": pa.array(s["lines"], pa.int32()),
            "total": _decimals(s["total"], exponents, scale),
            "recoverable_balance": _decimals(s["recoverable_balance"], exponents, scale),
            "guarantee_balance": _decimals(s["guarantee_balance"], exponents, scale),
            "total_reporting": _decimals(converted, rep_exponents, scale),
            "reporting_currency": pa.array([reporting_currency] * rows, pa.string()),
        }
    )
