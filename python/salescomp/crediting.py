"""Deals to credits: direct, revenue splits, overlays, roll-ups, role and territory credit.

Rules are dicts, applied in order; each credit carries the index of its rule::

    rules = [
        {"kind": "direct"},
        {"kind": "revenue_split"},
        {"kind": "overlay", "measure": "overlay_bookings"},
        {"kind": "roll_up", "depth": 3},
        {"kind": "sdr_sourced", "measure": "sourced_pipeline", "date": "created"},
        {"kind": "account_manager", "deal_types": ["renewal", "upsell"]},
        {"kind": "marketing_sourced", "sourced": "first_touch", "share": "0.1", "person": "mkt-pool"},
        {"kind": "territory", "role": "sales_manager"},
    ]

See docs/crediting-and-quota.md for every setting.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import tables as t
from ._core import (  # type: ignore[attr-defined]
    FxTable,
    RoundingMode,
    _credit,
    _credit_kind_names,
    _deal_type_names,
    _Deals,
    _read_splits_strict,
)
from ._errors import ValidationError
from .org import FiscalCalendar, Organisation

CREDIT_KINDS: tuple[str, ...] = tuple(_credit_kind_names())
DEAL_TYPES: tuple[str, ...] = tuple(_deal_type_names())


#: Columns of the deals table (docs/tables.md, ``deals``); ``id`` is the older name of ``deal_id``
#: and ``amount_minor`` (integer minor units) replaces ``amount``.
DEAL_COLUMNS: tuple[str, ...] = (
    "deal_id",
    "id",
    "owner",
    "close_date",
    "amount",
    "amount_minor",
    "currency",
    "type",
    "invoice_date",
    "collection_date",
    "cancellation_date",
    "product",
    "customer",
    "source",
    "source_person",
    "term_months",
    "territory",
    "created_date",
    "first_touch_source",
    "first_marketing_touch",
    "first_sales_activity",
)
_DEAL_DATES = (
    "invoice_date",
    "collection_date",
    "cancellation_date",
    "created_date",
    "first_marketing_touch",
    "first_sales_activity",
)
_DEAL_TEXTS = ("product", "customer", "source", "source_person", "territory", "first_touch_source")


class Deals:
    """Deals loaded against an organisation and validated (every bad row reported).

    Columns: deal_id (or id: the user's id, any text or integers), owner (person id),
    close_date, amount (decimal128/Decimal/str/int whole units) or amount_minor (int minor
    units), currency, type (new_business, renewal, upsell or expansion, cross_sell,
    cancellation, refund); optional invoice_date, collection_date, cancellation_date,
    product, customer, source (marketing, sdr, partner, sales), source_person, term_months
    (0..1200), territory, created_date, first_touch_source, first_marketing_touch,
    first_sales_activity. Unknown columns are refused (``ignore_extra_columns=True`` reads
    the table anyway).

    Deal rows are in the order of the deal ids (byte order of their text), whatever the
    order of the input rows: everything keyed on a deal row (the credits' ``deal_row``,
    ties) is the same for any row order. ``ids`` gives the user's ids in that order.
    """

    def __init__(
        self, org: Organisation, table: Any, *, ignore_extra_columns: bool = False
    ) -> None:
        c = t.as_arrow_columns(table, "deals")
        t.check_columns(c, DEAL_COLUMNS, "deals", ignore_extra=ignore_extra_columns)
        if "deal_id" in c and "id" in c:
            raise t.validation_error(
                "SC-TABLE-COLUMNS",
                "deals",
                [
                    {
                        "row": None,
                        "field": "column",
                        "value": "id",
                        "rule": "give the deal ids once: deal_id or its older name id, not both",
                    }
                ],
            )
        id_name = "deal_id" if "deal_id" in c else "id"
        t.require(c, (id_name, "owner", "close_date", "currency", "type"), "deals")
        if "amount" not in c and "amount_minor" not in c:
            t.require(c, ("amount",), "deals")
        self.org = org
        core = _strict_deals(org, c) if "amount" in c else None
        self._core = core if core is not None else self._load_per_row(c, id_name)
        # The user's ids as given (integers stay integers), in deal-row order.
        self._ids = _user_ids(c[id_name]).take(pa.array(self._core.input_row))

    def _load_per_row(self, c: dict[str, Any], id_name: str) -> Any:
        """The per-row loader: every bad row listed (file, 1-based row, field, value, rule)."""
        org = self.org
        ids = t.id_text(c[id_name], id_name, "deals")
        cols: dict[str, Any] = {
            "id_text": pa.table({"id": ids}),  # read in place by the core
            "owner": t.strings(c["owner"]),
            "close_date": t.days(c["close_date"], "close_date"),
            "currency": t.strings(c["currency"]),
            "type": t.strings(c["type"]),
        }
        if "amount" in c:
            cols["amount"] = t.decimal_text(c["amount"], "amount")
        else:
            cols["amount_minor"] = t.integers(c["amount_minor"], "amount_minor", what="deals")
        for name in _DEAL_DATES:
            if name in c:
                cols[name] = t.days(c[name], name)
        for name in _DEAL_TEXTS:
            if name in c:
                cols[name] = t.strings(c[name])
        if "term_months" in c:
            cols["term_months"] = t.integers(
                c["term_months"], "term_months", np.int32, low=0, high=1200, what="deals"
            )
        return _Deals(org._core, cols)

    def __len__(self) -> int:
        return len(self._core)

    @property
    def ids(self) -> np.ndarray:
        """The user's deal ids in deal-row order (integers, or text as objects)."""
        return self._ids.to_numpy(zero_copy_only=False)

    @property
    def input_rows(self) -> np.ndarray:
        """The 0-based input row of each deal row."""
        return self._core.input_row

    def id_of(self, row: int) -> Any:
        """The user's id of deal row ``row``."""
        return self._ids[row].as_py()


def _strict_deals(org: Organisation, c: dict[str, Any]) -> Any:
    """The deals read by the strict C++ reader straight from the Arrow columns (no Python
    object per cell), or None at the first cell it does not take: the per-row path then
    reports every bad row exactly as it always has (docs/crediting-and-quota.md)."""
    named = {("deal_id" if k == "id" else k): v for k, v in c.items() if k in DEAL_COLUMNS}
    try:
        return _Deals.from_arrow(org._core, pa.table(named))
    except Exception:  # noqa: BLE001 - any refusal of the fast path: the per-row path decides
        return None


def _strict_splits(deals: Deals, s: dict[str, Any]) -> Any:
    """The splits read by the strict C++ reader, or None (see _strict_deals)."""
    try:
        return _read_splits_strict(deals._core, pa.table(s))
    except Exception:  # noqa: BLE001 - any refusal of the fast path: the per-row path decides
        return None


def _user_ids(col: Any) -> pa.Array:
    """An id column as the user gave it (integers stay integers; text as utf8)."""
    arr = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    if not isinstance(arr, pa.Array):
        arr = pa.array(arr)
    if pa.types.is_dictionary(arr.type):
        arr = arr.dictionary_decode()
    if pa.types.is_integer(arr.type):
        return arr.cast(pa.int64()) if not pa.types.is_uint64(arr.type) else arr
    return arr.cast(pa.string())


# The credits table's columns, in order (Credits.to_arrow).
CREDIT_COLUMNS = ("person_id", "deal_id", "deal_row", "date", "period", "measure", "amount", "currency", "kind",
                  "rule", "rule_name", "depth", "via", "deal_type", "source_amount", "source_currency")


def _known_credit_columns(columns: Sequence[str]) -> list[str]:
    """``columns`` in the table's order; a name that is not a credits column is an error."""
    if isinstance(columns, str):
        raise ValidationError(f"columns must be a list of names, not the string {columns!r}")
    unknown = sorted(set(columns) - set(CREDIT_COLUMNS))
    if unknown:
        raise ValidationError(f"credits have no column(s) {', '.join(map(repr, unknown))}; "
                              f"the columns are {', '.join(CREDIT_COLUMNS)}")
    return [c for c in CREDIT_COLUMNS if c in columns]


class Credits(t.ArrowResult):
    """The credits table: ``to_arrow()`` / ``to_pandas()`` / ``to_polars()`` for the rows, and
    the Arrow PyCapsule stream protocol (``pyarrow.table(credits)``, polars, DuckDB)."""

    def __init__(self, core: Any, deals: Deals) -> None:
        self._core = core
        self.deals = deals

    def __len__(self) -> int:
        return len(self._core)

    @property
    def measures(self) -> list[str]:
        return self._core.measures

    @property
    def rule_names(self) -> list[str]:
        return self._core.rule_names

    def to_arrow(self, columns: Sequence[str] | None = None) -> pa.Table:
        """The credits as a ``pyarrow.Table``, built in C++ and handed over through the Arrow C
        Data Interface (no numpy round trip); ``deal_id`` holds the user's ids as given.
        ``columns``: only these, in the table's order (:data:`CREDIT_COLUMNS`), so a pass that
        reads a few columns does not pay for the others (integer columns are shared with the
        C++ table in place; decimals and ids are built)."""
        names = list(CREDIT_COLUMNS) if columns is None else _known_credit_columns(columns)
        wanted = set(names) | ({"deal_row"} if "deal_id" in names else set())
        core = self._core.arrow(None if columns is None else [c for c in CREDIT_COLUMNS if c in wanted - {"deal_id"}])
        if core is None:  # a money column beyond 64 bits at its common scale: exact Python path
            return self._to_arrow_numpy().select(names)
        table = pa.table(core)
        if "deal_id" in names:
            table = table.add_column(0, "deal_id", pc.take(self.deals._ids, table.column("deal_row")))
        return table.select(names)

    def _to_arrow_numpy(self) -> pa.Table:
        """The same table through numpy columns (the exact path for any money size)."""
        c = self._core.columns()
        ids = self.deals.org.person_ids
        return pa.table(
            {
                "person_id": t.dictionary(c["person"], ids),
                "deal_id": self.deals._ids.take(pa.array(c["deal_row"])),
                "deal_row": pa.array(c["deal_row"]),
                "date": t.date_array(c["date"]),
                "period": pa.array(c["period"]),
                "measure": t.dictionary(c["measure"], self.measures),
                "amount": t.decimal_array(c["amount"], c["currency"]),
                "currency": t.currency_codes(c["currency"]),
                "kind": t.dictionary(c["kind"].astype(np.int32), list(CREDIT_KINDS)),
                "rule": pa.array(c["rule"]),
                "rule_name": t.dictionary(c["rule"], self.rule_names),
                "depth": pa.array(c["depth"]),
                "via": t.dictionary(c["via"], ids, null_below_zero=True),
                "deal_type": t.dictionary(c["deal_type"].astype(np.int32), list(DEAL_TYPES)),
                "source_amount": t.decimal_array(c["source_amount"], c["source_currency"]),
                "source_currency": t.currency_codes(c["source_currency"]),
            }
        )

    def _repr_html_(self) -> str:
        """Jupyter: the row count, totals by measure, kind and currency, and the first rows."""
        from ._html import credits_html

        return credits_html(self)


def credit(
    deals: Deals,
    rules: Sequence[dict[str, Any]],
    *,
    splits: Any = None,
    account_managers: Any = None,
    fx: FxTable | None = None,
    calendar: FiscalCalendar | None = None,
    currency: str = "pay",
    reporting_currency: str | None = None,
    fx_date: str = "deal_date",
    period_kind: str = "month",
    rounding: RoundingMode = RoundingMode.HalfEven,
    threads: int = 1,
) -> Credits:
    """Credit every deal by the rules.

    ``splits``: deal_id, person, share (exact decimal), kind (revenue | overlay; default revenue).
    Revenue shares of a deal must sum to exactly 1.
    ``account_managers``: customer, person, from, optional to.
    ``currency``: "pay" (each person's pay currency), "deal" or "reporting" (with
    ``reporting_currency``); ``fx_date``: "deal_date" or "period_end" (of ``period_kind``).
    The output is identical for any ``threads``.
    """
    split_cols = None
    if splits is not None:
        s = t.as_arrow_columns(splits, "splits")
        t.check_columns(s, ("deal_id", "person", "share", "kind"), "splits")
        t.require(s, ("deal_id", "person", "share"), "splits")
        split_cols = _strict_splits(deals, s)
    if splits is not None and split_cols is None:
        split_cols = {
            "deal_id_text": pa.table({"deal_id": t.id_text(s["deal_id"], "deal_id", "splits")}),
            "person": t.strings(s["person"]),
            "share": t.decimal_text(s["share"], "share"),
        }
        if "kind" in s:
            split_cols["kind"] = t.strings(s["kind"])
    am_cols = None
    if account_managers is not None:
        a = t.as_arrow_columns(account_managers, "account_managers")
        t.check_columns(a, ("customer", "person", "from", "to"), "account_managers")
        t.require(a, ("customer", "person", "from"), "account_managers")
        am_cols = {
            "customer": t.strings(a["customer"]),
            "person": t.strings(a["person"]),
            "from": t.days(a["from"], "from"),
        }
        if "to" in a:
            am_cols["to"] = t.days(a["to"], "to")
    core = _credit(
        deals._core,
        [dict(r) for r in rules],
        currency,
        reporting_currency,
        fx_date,
        period_kind,
        rounding,
        threads,
        split_cols,
        am_cols,
        fx,
        calendar,
    )
    return Credits(core, deals)


__all__ = ["CREDIT_KINDS", "DEAL_COLUMNS", "DEAL_TYPES", "Credits", "Deals", "credit"]
