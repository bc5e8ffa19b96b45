"""The inputs of one quarter as the record keeps and hashes them (docs/audit.md).

Only what the year up to the quarter's end depends on: the credits dated in the quarter, the
deals closed or cancelled in it (a cancellation only once it happened), its quotas and MBO
achievements, the plan assignments in force (clipped) and the plan documents they name, so a
later deal or a prospective plan change never looks like a change of a sealed quarter.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from typing import Any

from .record import SealedRecord, canonical_json, plan_version, table_sha256

__all__ = [
    "period_tables",
    "input_hashes",
    "baseline_hashes",
    "describe_change",
    "inputs_sha256",
    "inputs_table",
]


def _credits_table(inputs: Any, first: Any, last: Any, deals: Any) -> Any:
    """The credits dated in the quarter, each with a stable ``credit_id`` and the deal fields
    measures filter on (product, term, cancellation as known at the period's end)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    t = inputs.credit_table
    date = t.column("date")
    t = t.filter(
        pc.and_(
            pc.greater_equal(date, pa.scalar(first, pa.date32())),
            pc.less_equal(date, pa.scalar(last, pa.date32())),
        )
    )
    cols = {}
    for name in (
        "person_id",
        "deal_id",
        "date",
        "measure",
        "amount",
        "currency",
        "kind",
        "rule_name",
        "via",
        "deal_type",
    ):
        col = t.column(name)
        cols[name] = col.cast(col.type.value_type) if pa.types.is_dictionary(col.type) else col
    rows = t.column("deal_row")
    for name in ("product", "term_months", "cancellation_date"):
        cols[name] = pc.take(deals.column(name), rows)
    keys = [
        f"{d}|{p}|{r}|{k}|{v or ''}"
        for d, p, r, k, v in zip(
            cols["deal_id"].to_pylist(),
            cols["person_id"].to_pylist(),
            cols["rule_name"].to_pylist(),
            cols["kind"].to_pylist(),
            cols["via"].to_pylist(),
        )
    ]
    seen: dict[str, int] = defaultdict(int)
    ids = []
    for k in keys:  # the same person credited twice on one deal by one rule: numbered, never merged
        seen[k] += 1
        ids.append(k if seen[k] == 1 else f"{k}#{seen[k]}")
    return pa.table({"credit_id": pa.array(ids, pa.string()), **cols, "deal_row": rows})


def _deals_table(company: Any, args: dict[str, Any], last: Any) -> Any:
    """The deals as the run sees them at the period's end: closed by then, a cancellation only
    once it happened (a later cancellation does not change a sealed period's inputs)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    d = args["deals"]
    n = d.num_rows
    end = pa.scalar(last, pa.date32())
    cancel = (
        d.column("cancellation_date")
        if "cancellation_date" in d.column_names
        else pa.nulls(n, pa.date32())
    )
    cancel = pc.if_else(pc.less_equal(cancel, end), cancel, pa.scalar(None, pa.date32()))
    full = pa.table(
        {
            "deal_id": d.column("deal_id"),  # the run's deals are in deal-row (id) order
            "close_date": d.column("close_date"),
            "cancellation_date": cancel,
            "term_months": d.column("term_months")
            if "term_months" in d.column_names
            else pa.array([0] * n, pa.int32()),
            "product": d.column("product")
            if "product" in d.column_names
            else pa.array([-1] * n, pa.int32()),
        }
    )
    return full


def _in_force(inputs: Any, last: Any) -> list[tuple]:
    """Plan assignments in force between the year's start and ``last``, clipped to it."""
    import datetime as dt

    first = inputs.calendar.year_first(inputs.fiscal_year)

    def day(v: Any) -> dt.date | None:
        return None if v is None else v if isinstance(v, dt.date) else dt.date.fromisoformat(str(v))

    out = []
    for p, plan, f, t in inputs.plan_rows:
        f, t = day(f), day(t)
        if f <= last and (t is None or t >= first):
            out.append((p, plan, max(f, first), last if t is None or t > last else t))
    return sorted(out)


def period_tables(inputs: Any, quarter: int, args: dict[str, Any]) -> dict[str, Any]:
    """The inputs of one quarter's run as tables (what the record keeps and hashes): only
    what the year up to the quarter's end depends on, so a later deal or a prospective plan
    change never looks like a change of a sealed period."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from ..close import quarter_bounds

    first, last = quarter_bounds(inputs.calendar, inputs.fiscal_year, quarter)
    ids = inputs.person_ids
    q = args["quotas"]
    quotas = pa.table(
        {
            "quota_id": pa.array(
                [f"{ids[r['person']]}|{r['measure']}|{r['period_start']}" for r in q], pa.string()
            ),
            "person_id": pa.array([ids[r["person"]] for r in q], pa.string()),
            "measure": pa.array([r["measure"] for r in q], pa.string()),
            "period_start": pa.array([r["period_start"] for r in q], pa.date32()),
            "amount": pa.array([str(r["amount"]) for r in q], pa.string()),
            "currency": pa.array([str(r["currency"]) for r in q], pa.string()),
        }
    )
    m = args["mbo"]
    mbo = pa.table(
        {
            "person_id": pa.array([ids[e["person"]] for e in m], pa.string()),
            "component": pa.array([e["component"] for e in m], pa.string()),
            "objective": pa.array([e["objective"] for e in m], pa.string()),
            "achievement": pa.array([str(e["achievement"]) for e in m], pa.string()),
        }
    )
    rows = _in_force(inputs, last)
    used = {r[1] for r in rows}
    docs = sorted(
        (d for d in inputs.company.plan_documents if d["id"] in used), key=lambda d: d["id"]
    )
    plans = pa.table(
        {
            "plan_id": pa.array([d["id"] for d in docs], pa.string()),
            "version": pa.array([plan_version(d) for d in docs], pa.string()),
            "document": pa.array([canonical_json(d) for d in docs], pa.string()),
        }
    )
    assignments = pa.table(
        {
            "person_id": pa.array([r[0] for r in rows], pa.string()),
            "plan_id": pa.array([r[1] for r in rows]),
            "from": pa.array([r[2] for r in rows], pa.date32()),
            "to": pa.array([r[3] for r in rows], pa.date32()),
        }
    )
    deals = _deals_table(inputs.company, args, last)
    start = pa.scalar(first, pa.date32())
    in_quarter = pc.or_kleene(  # closed or cancelled in the quarter
        pc.greater_equal(deals.column("close_date"), start),
        pc.greater_equal(deals.column("cancellation_date"), start),
    )
    closed_by_end = pc.less_equal(deals.column("close_date"), pa.scalar(last, pa.date32()))
    closed = deals.filter(pc.and_kleene(in_quarter, closed_by_end))
    credits = _credits_table(inputs, first, last, deals)
    return {
        "credits": credits.drop_columns(["deal_row"]),  # rows are positions: not part of the record
        "_credits_by_row": credits,
        "quotas": quotas,
        "mbo": mbo,
        "plans": plans,
        "plan_assignments": assignments,
        "deals": closed,
        "_deals_by_row": deals,
    }


def input_hashes(tables: dict[str, Any]) -> dict[str, str]:
    return {name: table_sha256(t) for name, t in sorted(tables.items()) if not name.startswith("_")}


def baseline_hashes(sealed: list[SealedRecord]) -> dict[str, dict[str, str]]:
    """Each sealed period's input hashes as last sealed or restated."""
    out = {rec.label: dict(rec.manifest["inputs"]) for rec in sealed}
    for rec in sealed:
        for period, entry in rec.manifest.get("restated", {}).items():
            out[period] = dict(entry["inputs"])
    return out


def _changed_deals(old: Any, new: Any) -> list[int]:
    """Deal ids whose credit rows differ between two credits tables."""
    cols = [
        "credit_id",
        "person_id",
        "deal_id",
        "date",
        "measure",
        "amount",
        "currency",
        "kind",
        "deal_type",
    ]

    def rows(t: Any) -> set[tuple]:
        return set(zip(*(t.column(c).to_pylist() for c in cols)))

    a, b = rows(old), rows(new)
    return sorted({r[2] for r in a ^ b})


def describe_change(names: list[str], old_credits: Any, new_credits: Any) -> str:
    parts = []
    for name in names:
        if name == "credits":
            deals = _changed_deals(old_credits, new_credits)
            shown = ", ".join(map(str, deals[:20])) + (
                f" and {len(deals) - 20} more" if len(deals) > 20 else ""
            )
            parts.append(f"credits (deals {shown})" if deals else "credits")
        else:
            parts.append(name)
    return "; ".join(parts)


def inputs_sha256(hashes: dict[str, str]) -> str:
    """One hash of all of a period's input hashes: SHA-256 of their canonical JSON."""

    return hashlib.sha256(canonical_json(hashes).encode("utf-8")).hexdigest()


def inputs_table(hashes: dict[str, str]) -> Any:
    import pyarrow as pa

    return pa.table(
        {"input": pa.array(list(hashes), pa.string()), "sha256": pa.array(list(hashes.values()))}
    )
