"""Quotas, attainment, pacing, forecasts and distributions.

Quotas are rows of (subject, measure, period): subject is a person id (or a team
name with subject_kind "team"), the period is (period_kind, fiscal_year, number)
in the fiscal calendar. See docs/crediting-and-quota.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa

from . import _tables as t
from ._core import (  # type: ignore[attr-defined]
    BusinessCalendar,
    FxTable,
    RoundingMode,
    _attainment,
    _distribution,
    _effective_quotas,
    _pacing,
    spread_annual_quota,
)
from .crediting import Credits
from .org import FiscalCalendar, Organisation

PERIOD_KINDS = ("week", "month", "quarter", "half", "year")


def _period_columns(c: dict[str, Any]) -> dict[str, Any]:
    return {
        "period_kind": t.dictionary(c["period_kind"].astype(np.int32), list(PERIOD_KINDS)),
        "fiscal_year": pa.array(c["fiscal_year"]),
        "number": pa.array(c["number"]),
        "period_first": t.date_array(c["period_first"]),
        "period_last": t.date_array(c["period_last"]),
    }


def _subject_columns(c: dict[str, Any], org: Organisation) -> dict[str, Any]:
    kind = c["subject_kind"].astype(np.int32)
    ids = np.array(org.person_ids + [""], dtype=object)
    teams = np.array(org.teams() + [""], dtype=object)
    subject = c["subject"].astype(np.int64)
    names = np.where(
        kind == 0, ids[np.where(kind == 0, subject, -1)], teams[np.where(kind == 1, subject, -1)]
    )
    return {
        "subject_kind": t.dictionary(kind, ["person", "team"]),
        "subject": pa.array(names.tolist(), pa.string()),
    }


def _quota_input(table: Any, what: str, with_reason: bool = False) -> dict[str, Any]:
    c = t.as_arrow_columns(table, what)
    t.require(c, ("subject", "period_kind", "fiscal_year", "number", "currency"), what)
    out: dict[str, Any] = {
        "subject": t.strings(c["subject"]),
        "period_kind": t.strings(c["period_kind"]),
        "fiscal_year": t.integers(c["fiscal_year"], "fiscal_year", np.int32),
        "number": t.integers(c["number"], "number", np.int32),
        "currency": t.strings(c["currency"]),
    }
    if "subject_kind" in c:
        out["subject_kind"] = t.strings(c["subject_kind"])
    if "measure" in c:
        out["measure"] = t.strings(c["measure"])
    if "amount_minor" in c:
        out["amount_minor"] = t.integers(c["amount_minor"], "amount_minor")
    else:
        t.require(c, ("amount",), what)
        out["amount"] = t.decimal_text(c["amount"], "amount")
    if with_reason:
        t.require(c, ("reason",), what)
        out["reason"] = t.strings(c["reason"])
    return out


class EffectiveQuotas:
    """Quotas after ramps, proration and relief."""

    def __init__(self, core: Any, org: Organisation) -> None:
        self._core = core
        self.org = org

    def __len__(self) -> int:
        return len(self._core)

    def to_arrow(self) -> pa.Table:
        c = self._core.columns()
        cols = _subject_columns(c, self.org)
        cols["measure"] = t.dictionary(c["measure"], self._core.measures)
        cols.update(_period_columns(c))
        for name in ("base", "adjusted", "relief", "quota"):
            cols[name] = t.decimal_array(c[name], c["currency"])
        cols["currency"] = t.currency_codes(c["currency"])
        cols["active_units"] = pa.array(c["active_units"])
        cols["total_units"] = pa.array(c["total_units"])
        cols["relief_reason"] = pa.array(c["relief_reason"], pa.string())
        return pa.table(cols)

    def to_pandas(self) -> Any:
        """The quotas as a DataFrame (money as exact ``Decimal``)."""
        return self.to_arrow().to_pandas()

    def _repr_html_(self) -> str:
        """Jupyter: the row count and the first rows."""
        from ._html import quotas_html

        return quotas_html(self)


def effective_quotas(
    org: Organisation,
    quotas: Any,
    *,
    calendar: FiscalCalendar,
    measures: Sequence[str] | Credits = ("bookings",),
    ramps: Sequence[dict[str, Any]] = (),
    ramp_assignments: Any = None,
    relief: Any = None,
    proration: str = "calendar_days",
    prorate_leaves: bool = True,
    rounding: RoundingMode = RoundingMode.HalfEven,
    business_calendar: BusinessCalendar | None = None,
) -> EffectiveQuotas:
    """Apply ramps, proration (calendar_days, business_days, months) and relief.

    ``quotas``: subject, [subject_kind], [measure], period_kind, fiscal_year, number,
    amount (or amount_minor), currency. ``ramps``: [{"name", "kind": "percent"|"absolute",
    "values": [...], "currency"}]; ``ramp_assignments``: person, ramp (name).
    ``relief``: the quota columns plus reason (positive amounts lower the quota).
    """
    measure_names = list(measures.measures if isinstance(measures, Credits) else measures)
    ramp_of = None
    if ramp_assignments is not None:
        r = t.as_arrow_columns(ramp_assignments, "ramp_assignments")
        t.require(r, ("person", "ramp"), "ramp_assignments")
        ramp_of = {"person": t.strings(r["person"]), "ramp": t.strings(r["ramp"])}
    relief_cols = _quota_input(relief, "relief", with_reason=True) if relief is not None else None
    core = _effective_quotas(
        org._core,
        calendar,
        measure_names,
        _quota_input(quotas, "quotas"),
        [dict(x) for x in ramps],
        ramp_of,
        relief_cols,
        proration,
        prorate_leaves,
        rounding,
        business_calendar,
    )
    return EffectiveQuotas(core, org)


class Attainment:
    """Attainment rows per subject, measure and period, with QTD/YTD."""

    def __init__(self, core: Any, org: Organisation) -> None:
        self._core = core
        self.org = org

    def __len__(self) -> int:
        return len(self._core)

    def to_arrow(self) -> pa.Table:
        c = self._core.columns()
        cols = _subject_columns(c, self.org)
        cols["measure"] = t.dictionary(c["measure"], self._core.measures)
        cols.update(_period_columns(c))
        cols["currency"] = t.currency_codes(c["currency"])
        for name in ("credited", "quota", "qtd_credited", "qtd_quota", "ytd_credited", "ytd_quota"):
            cols[name] = t.decimal_array(c[name], c["currency"])
        for name in ("attainment", "qtd_attainment", "ytd_attainment"):
            cols[name] = t.rate_array(c[name])
        cols["attained"] = pa.array(c["attained"])
        cols["credit_count"] = pa.array(c["credit_count"])
        return pa.table(cols)

    def to_pandas(self) -> Any:
        """The attainment rows as a DataFrame (money as exact ``Decimal``)."""
        return self.to_arrow().to_pandas()

    def _repr_html_(self) -> str:
        """Jupyter: how many rows attained, and the first rows with attainment in percent."""
        from ._html import attainment_html

        return attainment_html(self)


def attainment(
    credits: Credits,
    quotas: EffectiveQuotas,
    *,
    calendar: FiscalCalendar,
    person_kinds: Sequence[str] | None = None,
    team_kinds: Sequence[str] | None = None,
    team_quota: str = "sum_of_members",
    through: Any = None,
) -> Attainment:
    """Credited vs quota per row; ``attained`` is decided exactly (credited >= quota).

    ``person_kinds``: credit kinds counted for people (default all); ``team_kinds``: for
    teams (default direct and revenue_split, depth 0). ``team_quota``: "explicit" or
    "sum_of_members". ``through``: only credits dated on or before this day.
    """
    core = _attainment(
        credits._core, quotas._core, calendar, person_kinds, team_kinds, team_quota, through
    )
    return Attainment(core, quotas.org)


def pacing(
    att: Attainment,
    as_of: Any,
    *,
    unit: str = "calendar_days",
    business_calendar: BusinessCalendar | None = None,
    opportunities: Any = None,
    stage_probability: dict[str, Any] | None = None,
    fx: FxTable | None = None,
    rounding: RoundingMode = RoundingMode.HalfEven,
) -> pa.Table:
    """Expected-to-date, gap, run-rate and pipeline-weighted forecasts for rows whose period
    contains ``as_of`` (compute ``att`` with ``through=as_of``).

    ``opportunities``: owner, expected_close, amount, currency, stage, [measure].
    """
    opp = None
    if opportunities is not None:
        o = t.as_arrow_columns(opportunities, "opportunities")
        t.require(o, ("owner", "expected_close", "amount", "currency", "stage"), "opportunities")
        opp = {
            "owner": t.strings(o["owner"]),
            "expected_close": t.days(o["expected_close"], "expected_close"),
            "amount": t.decimal_text(o["amount"], "amount"),
            "currency": t.strings(o["currency"]),
            "stage": t.strings(o["stage"]),
        }
        if "measure" in o:
            opp["measure"] = t.strings(o["measure"])
    p = _pacing(
        att._core, as_of, unit, rounding, business_calendar, opp, stage_probability or {}, fx
    )
    base = att.to_arrow().take(pa.array(p["row"].astype(np.int64)))
    a = att._core.columns()
    ccy = a["currency"]
    idx = np.asarray(ccy[0])[p["row"].astype(np.int64)]
    row_ccy = (idx, ccy[1], ccy[2])
    cols = {
        name: base.column(name)
        for name in (
            "subject_kind",
            "subject",
            "measure",
            "period_kind",
            "fiscal_year",
            "number",
            "period_first",
            "period_last",
            "currency",
            "credited",
            "quota",
        )
    }
    cols["elapsed_units"] = pa.array(p["elapsed_units"])
    cols["total_units"] = pa.array(p["total_units"])
    for name in ("expected", "gap", "run_rate", "pipeline", "pipeline_forecast"):
        cols[name] = t.decimal_array(p[name], row_ccy)
    cols["on_pace"] = pa.array(p["on_pace"])
    return pa.table(cols)


def attainment_distribution(
    att: Attainment | pa.Table,
    *,
    percentiles: Sequence[Any] = ("0.1", "0.25", "0.5", "0.75", "0.9"),
    edges: Sequence[Any] = ("0.5", "0.75", "1", "1.25", "1.5"),
    threshold: Any = "1",
    subject_kind: str = "person",
) -> dict[str, Any]:
    """Share at or above ``threshold``, nearest-rank percentiles and histogram counts over
    the rows of ``att`` (filter it to one period and measure first), decided exactly."""
    table = att.to_arrow() if isinstance(att, Attainment) else att
    if "subject_kind" in table.column_names:
        import pyarrow.compute as pc

        table = table.filter(pc.equal(table.column("subject_kind").cast(pa.string()), subject_kind))
    currencies = (
        set(table.column("currency").cast(pa.string()).to_pylist()) if table.num_rows else set()
    )
    if len(currencies) > 1:
        from ._errors import ValidationError

        raise ValidationError(
            f"attainment_distribution: rows in several currencies {sorted(currencies)}"
        )
    types = [table.schema.field(n).type for n in ("credited", "quota")]
    if not all(pa.types.is_decimal(ty) for ty in types):
        from ._errors import InputTypeError

        raise InputTypeError(
            f"attainment_distribution: credited and quota must be decimal columns, got {types}"
        )
    # One scale for both columns (widening a decimal's scale is exact).
    target = pa.decimal128(38, max(ty.scale for ty in types))
    credited = _minor(table.column("credited").cast(target))
    quota = _minor(table.column("quota").cast(target))
    d = _distribution(
        credited,
        quota,
        [_text(x) for x in percentiles],
        [_text(x) for x in edges],
        _text(threshold),
    )
    return {
        "people": d["people"],
        "zero_quota": d["zero_quota"],
        "at_or_above": d["at_or_above"],
        "share_at_or_above": d["share_at_or_above"].value,
        "mean": d["mean"].value,
        "percentiles": {Decimal(_text(p)): v.value for p, v in zip(percentiles, d["percentiles"])},
        "histogram": list(
            zip(
                [None] + [Decimal(_text(e)) for e in edges],
                [Decimal(_text(e)) for e in edges] + [None],
                d["histogram"],
            )
        ),
    }


def _text(x: Any) -> str:
    if isinstance(x, float):
        from ._errors import InputTypeError

        raise InputTypeError("float is not exact; pass Decimal or str")
    return str(x)


def _minor(col: Any) -> np.ndarray:
    """Unscaled integers of a decimal128 column; values beyond int64 are an error, never wrapped."""
    arr = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    if len(arr) == 0:
        return np.zeros(0, dtype=np.int64)
    if arr.null_count:
        from ._errors import ValidationError

        raise ValidationError("attainment_distribution: missing credited or quota values")
    words = np.frombuffer(arr.buffers()[1], dtype=np.int64)[
        arr.offset * 2 : (arr.offset + len(arr)) * 2
    ]
    low, high = words[0::2], words[1::2]
    if not np.array_equal(high, low >> 63):
        from ._errors import AmountOverflowError

        raise AmountOverflowError(
            "attainment_distribution: an amount does not fit in 64-bit minor units"
        )
    return np.ascontiguousarray(low)


__all__ = [
    "Attainment",
    "EffectiveQuotas",
    "attainment",
    "attainment_distribution",
    "effective_quotas",
    "pacing",
    "spread_annual_quota",
]
