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
from .tables import Table, arrow_source

PERIOD_KINDS = ("week", "month", "quarter", "half", "year")


class EffectiveQuotas(Table):
    """Quotas after ramps, proration and relief, as a table (the ``effective_quotas`` schema
    of docs/tables.md: what :func:`salescomp.engine.run_period` takes as its quotas).
    Implements the Arrow PyCapsule protocol; ``to_arrow()`` / ``to_pandas()`` /
    ``to_polars()`` convert."""

    def __init__(self, core: Any, org: Organisation) -> None:
        super().__init__(core.table())
        self._quotas = core
        self.org = org

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

    ``quotas`` (the ``quotas`` table of docs/tables.md): subject, [subject_kind], [measure],
    period_kind, fiscal_year, number, amount, currency. ``ramps``: [{"name", "kind":
    "percent"|"absolute", "values": [...], "currency"}]; ``ramp_assignments``: person, ramp
    (name). ``relief`` (``quota_relief``): the quota columns plus reason (positive amounts
    lower the quota). Tables may be pyarrow, pandas, polars, DuckDB, any Arrow PyCapsule
    object or dicts of columns.
    """
    measure_names = list(measures.measures if isinstance(measures, Credits) else measures)
    core = _effective_quotas(
        org._core,
        calendar,
        measure_names,
        arrow_source(quotas, "quotas"),
        [dict(x) for x in ramps],
        None if ramp_assignments is None else arrow_source(ramp_assignments, "ramp_assignments"),
        None if relief is None else arrow_source(relief, "quota_relief"),
        proration,
        prorate_leaves,
        rounding,
        business_calendar,
    )
    return EffectiveQuotas(core, org)


class Attainment(Table):
    """Attainment rows per subject, measure and period, with QTD/YTD, as a table
    (Arrow PyCapsule protocol; ``to_arrow()`` / ``to_pandas()`` / ``to_polars()``)."""

    def __init__(self, core: Any, org: Organisation) -> None:
        super().__init__(core.table())
        self._attainment = core
        self.org = org

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
    threads: int = 1,
) -> Attainment:
    """Credited vs quota per row; ``attained`` is decided exactly (credited >= quota).

    ``person_kinds``: credit kinds counted for people (default all); ``team_kinds``: for
    teams (default direct and revenue_split, depth 0). ``team_quota``: "explicit" or
    "sum_of_members". ``through``: only credits dated on or before this day. ``threads``: the
    rows are credited on this many threads (the same table for any count).
    """
    core = _attainment(
        credits._core, quotas._quotas, calendar, person_kinds, team_kinds, team_quota, through, threads
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
) -> Table:
    """Expected-to-date, gap, run-rate and pipeline-weighted forecasts for rows whose period
    contains ``as_of`` (compute ``att`` with ``through=as_of``), as a table.

    ``opportunities`` (the ``pipeline`` table): owner, expected_close, amount, currency,
    stage, [measure]; ``stage_probability``: stage name -> probability.
    """
    source = None if opportunities is None else arrow_source(opportunities, "opportunities")
    return Table(
        _pacing(att._attainment, as_of, unit, rounding, business_calendar, source, dict(stage_probability or {}), fx)
    )


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
    table = att.to_arrow() if isinstance(att, Table) else att
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
