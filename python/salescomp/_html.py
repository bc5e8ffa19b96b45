"""HTML renderers for Jupyter (``_repr_html_``) of money, rates, plans and results.

Every string that comes from data is escaped with :func:`html.escape`; amounts are exact
decimals with thousands separators (``1,234.50``), right-aligned; long tables show the first
:data:`MAX_ROWS` rows and a note of how many more there are. The objects' ``_repr_html_``
methods call these functions; :func:`run_result_html` renders an engine ``RunResult`` from
its public API only (``statements``, ``to_arrow()``).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

__all__ = [
    "MAX_ROWS",
    "amount_text",
    "table_html",
    "arrow_html",
    "money_html",
    "rate_html",
    "plan_html",
    "credits_html",
    "quotas_html",
    "attainment_html",
    "attribution_html",
    "run_result_html",
]

#: Rows shown by a table before the "… N more rows" note.
MAX_ROWS = 50

_STYLE = "border-collapse:collapse;font-size:13px"
_NUM = "text-align:right;font-variant-numeric:tabular-nums;padding:2px 8px"
_TXT = "text-align:left;padding:2px 8px"


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def amount_text(value: Any) -> str:
    """An exact amount with thousands separators: ``Decimal('1234.50')`` -> ``'1,234.50'``
    (the decimals are kept as they are; ints get none)."""
    if isinstance(value, (Decimal, int)) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def table_html(
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    numeric: Iterable[int] = (),
    caption: str | None = None,
    total_rows: int | None = None,
    max_rows: int = MAX_ROWS,
) -> str:
    """A table: ``numeric`` column indexes are right-aligned amounts; at most ``max_rows``
    rows are shown, then "… N more rows" (``total_rows`` when ``rows`` is already cut)."""
    numeric = set(numeric)
    shown = []
    count = 0
    for row in rows:
        count += 1
        if len(shown) < max_rows:
            shown.append(row)
    total = count if total_rows is None else total_rows
    head = "".join(
        f"<th style='{_NUM if i in numeric else _TXT}'>{_e(h)}</th>" for i, h in enumerate(headers)
    )
    body = []
    for row in shown:
        cells = "".join(
            f"<td style='{_NUM}'>{_e(amount_text(v))}</td>" if i in numeric else f"<td style='{_TXT}'>{_e(v)}</td>"
            for i, v in enumerate(row)
        )
        body.append(f"<tr>{cells}</tr>")
    more = ""
    if total > len(shown):
        more = (f"<tr><td colspan='{len(headers)}' style='{_TXT};color:#666'>"
                f"… {total - len(shown):,} more rows</td></tr>")
    cap = f"<caption style='text-align:left'>{_e(caption)}</caption>" if caption else ""
    return f"<table style='{_STYLE}'>{cap}<thead><tr>{head}</tr></thead><tbody>{''.join(body)}{more}</tbody></table>"


def arrow_html(table: Any, *, caption: str | None = None, max_rows: int = MAX_ROWS) -> str:
    """A pyarrow Table (or pandas/polars DataFrame): decimal and integer columns right-aligned,
    the first ``max_rows`` rows converted (never the whole table)."""
    import pyarrow as pa

    table = _as_arrow(table)
    numeric = {
        i for i, f in enumerate(table.schema)
        if pa.types.is_decimal(f.type) or pa.types.is_integer(f.type) or pa.types.is_floating(f.type)
    }
    head = table.slice(0, max_rows).to_pylist()
    rows = [[r[name] for name in table.column_names] for r in head]
    return table_html(table.column_names, rows, numeric=numeric, caption=caption, total_rows=table.num_rows,
                      max_rows=max_rows)


def _as_arrow(table: Any) -> Any:
    import pyarrow as pa

    if isinstance(table, (pa.Table, pa.RecordBatch)):
        return table if isinstance(table, pa.Table) else pa.Table.from_batches([table])
    module = type(table).__module__.split(".")[0]
    if module == "pandas":
        return pa.Table.from_pandas(table, preserve_index=False)
    if module == "polars":
        return table.to_arrow()
    raise TypeError(f"expected a pyarrow Table or a DataFrame, got {type(table).__name__}")


def _sums(table: Any, keys: Sequence[str], value: str) -> list[list[Any]]:
    """Exact sums of a decimal column by ``keys`` (text), sorted by the keys."""
    import pyarrow as pa

    if table.num_rows == 0:
        return []
    cols = {k: table.column(k).cast(pa.string()) for k in keys}
    cols[value] = table.column(value)
    grouped = pa.table(cols).group_by(list(keys), use_threads=False).aggregate([(value, "sum")])
    rows = [[r[k] for k in keys] + [r[f"{value}_sum"]] for r in grouped.to_pylist()]
    return sorted(rows, key=lambda r: tuple("" if x is None else str(x) for x in r[:-1]))


# -- objects -------------------------------------------------------------------------------------

def money_html(money: Any) -> str:
    """``Money('1234.50', 'USD')`` -> ``1,234.50 USD``, right-aligned figures."""
    return (f"<span style='font-variant-numeric:tabular-nums'>{_e(amount_text(money.amount))}"
            f"&nbsp;{_e(money.currency.code)}</span>")


def rate_html(rate: Any) -> str:
    """``Rate('0.125')`` -> ``0.125 (12.5%)``."""
    value = rate.value
    percent = (value * 100).normalize()
    pct = format(percent, "f")
    return (f"<span style='font-variant-numeric:tabular-nums'>{_e(value)}</span>"
            f" <span style='color:#666'>({_e(pct)}%)</span>")


def plan_html(plan: Any) -> str:
    """A plan's id, currency, period, rounding, measures and components (from its canonical
    document)."""
    doc = plan.to_dict()
    head = (f"<div><b>Plan {_e(plan.id)}</b>: {_e(plan.currency.code)}, per {_e(plan.period)}, "
            f"rounding {_e(getattr(plan.rounding_mode, 'name', plan.rounding_mode))} "
            f"({_e(plan.rounding_scope)})</div>")
    measures = []
    for m in doc.get("measures", []):
        details = ", ".join(f"{k}: {_compact(v)}" for k, v in m.items() if k != "id")
        measures.append([m.get("id"), details])
    components = []
    for c in doc.get("components", []):
        details = ", ".join(f"{k}: {_compact(v)}" for k, v in c.items() if k not in ("id", "type"))
        components.append([c.get("id"), c.get("type"), details])
    return (head + table_html(["measure", "definition"], measures, caption="measures")
            + table_html(["component", "type", "settings"], components, caption="components"))


def _compact(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_compact(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_compact(v)}" for k, v in value.items()) + "}"
    return str(value)


def credits_html(credits: Any) -> str:
    """A credits table: the count, totals by measure, kind and currency, the first rows."""
    table = credits.to_arrow()
    totals = _sums(table, ["measure", "kind", "currency"], "amount")
    return (f"<div><b>Credits</b>: {len(credits):,} rows, measures {_e(', '.join(credits.measures))}</div>"
            + table_html(["measure", "kind", "currency", "total"], totals, numeric={3}, caption="totals")
            + arrow_html(table.select(["person_id", "deal_id", "date", "measure", "amount", "currency", "kind",
                                       "rule_name", "depth"]), caption="rows"))


def quotas_html(quotas: Any) -> str:
    """Effective quotas: the count and the first rows."""
    table = quotas.to_arrow()
    return f"<div><b>Effective quotas</b>: {len(quotas):,} rows</div>" + arrow_html(table)


def attainment_html(attainment: Any) -> str:
    """Attainment rows: how many subjects attained, and the first rows with attainment as a
    percentage (exact, from the 12-place ratio)."""
    table = attainment.to_arrow()
    attained = sum(1 for x in table.column("attained").to_pylist() if x)
    keep = [c for c in ("subject", "measure", "period_kind", "fiscal_year", "number", "credited", "quota",
                        "attainment", "currency", "attained") if c in table.column_names]
    head = table.select(keep).slice(0, MAX_ROWS).to_pylist()
    rows = []
    for r in head:
        row = [r[c] for c in keep]
        i = keep.index("attainment")
        row[i] = _percent(r["attainment"])
        rows.append(row)
    numeric = {keep.index(c) for c in ("fiscal_year", "number", "credited", "quota", "attainment")}
    return (f"<div><b>Attainment</b>: {len(attainment):,} rows, {attained:,} attained</div>"
            + table_html(keep, rows, numeric=numeric, total_rows=table.num_rows))


def _percent(ratio: Any) -> str:
    if ratio is None:
        return ""
    return f"{(Decimal(ratio) * 100).quantize(Decimal('0.01'))}%"


def attribution_html(result: Any) -> str:
    """An attribution result: totals and the channel table."""
    return (f"<div><b>Attribution</b>: {_e(amount_text(result.total_conversions))} conversions, "
            f"value {_e(amount_text(result.total_value))} {_e(result.currency)}</div>"
            + arrow_html(result.channels, caption="channels"))


def run_result_html(result: Any) -> str:
    """An engine ``RunResult``: lines and statements counts, totals per currency and per
    component, and the statements (person, plan, currency, total). Uses only
    ``result.statements`` and ``result.to_arrow()``."""
    statements = list(result.statements)
    ids = [getattr(s, "person_id", None) for s in statements]  # the user's ids when the run has them
    named = bool(ids) and None not in ids
    lines = result.to_arrow()
    per_currency: dict[str, Decimal] = {}
    for s in statements:
        per_currency[s.currency] = per_currency.get(s.currency, Decimal(0)) + s.total
    totals = [[c, per_currency[c]] for c in sorted(per_currency)]
    by_component = _sums(lines, ["component", "currency"], "amount")
    return (f"<div><b>Commission run</b>: {lines.num_rows:,} payout lines, {len(statements):,} statements</div>"
            + table_html(["currency", "total paid"], totals, numeric={1}, caption="totals")
            + table_html(["component", "currency", "total"], by_component, numeric={2}, caption="by component")
            + table_html(["person", "plan", "currency", "total"],
                         ([i if named else s.person, s.plan, s.currency, s.total] for s, i in zip(statements, ids)),
                         numeric={3} if named else {0, 3}, caption="statements"))
