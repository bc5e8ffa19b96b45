"""Closing periods one after the other into a ledger of sealed records (docs/audit.md).

:func:`close_period` closes one fiscal quarter of a company into ``LEDGER/FY2026-Qn``:

1. the earlier quarters of the year must be sealed already, and this one must not be;
2. the content hashes of every sealed quarter's inputs are recomputed from the current
   inputs; when none changed, the quarter starts from the last record's carried state and
   nothing earlier is run;
3. when some changed (a deal corrected, a split changed, a plan fixed), a ``reason`` is
   required; the sealed quarters are re-run from the year's start with the current inputs
   and the differences, per person, component and deal, are posted in this quarter as
   restatement lines that name the sealed quarter, the changed inputs and the reason (the
   sealed records are never rewritten);
4. manual adjustments dated in the quarter are posted with their reason, author and approval;
5. every line gets its plan version and its explanation as an exact expression
   (:mod:`salescomp.audit.expression`), and the record is written atomically.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from .._errors import ValidationError
from .adjustments import empty_adjustments, validate_adjustments
from .expression import ExpressionContext, line_expression
from .record import (
    SealedPeriodError,
    SealedRecord,
    canonical_json,
    load_record,
    plan_version,
    record_labels,
    table_sha256,
    write_record,
)

__all__ = ["close_period", "period_label", "load_ledger"]


def period_label(fiscal_year: int, quarter: int) -> str:
    """The label (and record folder name) of a fiscal quarter: ``FY2026-Q1``."""
    return f"FY{fiscal_year}-Q{quarter}"


def load_ledger(ledger: str | Path, fiscal_year: int) -> list[SealedRecord]:
    """The sealed records of ``fiscal_year`` in a ledger folder, Q1 first."""
    ledger = Path(ledger)
    prefix = f"FY{fiscal_year}-Q"
    return [
        load_record(ledger / label) for label in record_labels(ledger) if label.startswith(prefix)
    ]


# -- the period's inputs ------------------------------------------------------------------------


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
            "deal_id": company.deals.column("id"),
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


def _period_tables(inputs: Any, quarter: int, args: dict[str, Any]) -> dict[str, Any]:
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


def _hashes(tables: dict[str, Any]) -> dict[str, str]:
    return {name: table_sha256(t) for name, t in sorted(tables.items()) if not name.startswith("_")}


# -- the carried state --------------------------------------------------------------------------

_DEAL_FIELDS = ("paid_on_deal", "earned_on_deal")


def _state_table(state: Any, person_ids: list[str], deal_ids: list[Any]) -> Any:
    """The carried state as rows; deal rows become the user's deal ids (``key``), so the
    next period finds the deal whatever the row order of its deals table."""
    import pyarrow as pa

    rows = state._rows()
    table = pa.table(
        {
            "person_id": pa.array([person_ids[r[0]] for r in rows], pa.string()),
            "field": pa.array([r[1] for r in rows], pa.string()),
            "key": pa.array(
                [str(deal_ids[r[3]]) if r[1] in _DEAL_FIELDS else r[2] for r in rows], pa.string()
            ),
            "value": pa.array([0 if r[1] in _DEAL_FIELDS else r[3] for r in rows], pa.int64()),
            "minor": pa.array([r[4] for r in rows], pa.int64()),
            "text": pa.array([r[5] for r in rows], pa.string()),
        }
    )
    # person ids and deal ids, not run positions, order the rows (a milestone keeps its place)
    return table.sort_by(
        [
            ("person_id", "ascending"),
            ("field", "ascending"),
            ("key", "ascending"),
            ("value", "ascending"),
        ]
    )


def _state_from(table: Any, index: dict[str, int], deal_ids: list[Any]) -> Any:
    from .. import _core

    t = table.to_pydict()
    row_of = {str(d): i for i, d in enumerate(deal_ids)}
    unknown = sorted(set(t["person_id"]) - set(index))
    gone = sorted(
        {k for f, k in zip(t["field"], t["key"]) if f in _DEAL_FIELDS and k not in row_of}
    )
    if unknown or gone:
        raise ValidationError(
            "[SC-AUDIT-STATE] the sealed state names "
            + (f"people no longer on the roster: {', '.join(unknown[:10])} " if unknown else "")
            + (f"deals no longer in the deals table: {', '.join(gone[:10])}" if gone else "")
        )
    rows = [
        (index[p], f, "" if f in _DEAL_FIELDS else k, row_of[k] if f in _DEAL_FIELDS else v, m, x)
        for p, f, k, v, m, x in zip(
            t["person_id"], t["field"], t["key"], t["value"], t["minor"], t["text"]
        )
    ]
    return _core._RunState._from_rows(rows)


# -- lines --------------------------------------------------------------------------------------

_LINE_FIELDS = (
    "line_id",
    "period",
    "period_start",
    "person_id",
    "plan_id",
    "plan_version",
    "component",
    "deal_id",
    "amount",
    "currency",
    "pay_amount",
    "pay_currency",
    "line_kind",
    "restates",
    "changed_inputs",
    "reason",
    "adjustment_id",
    "author",
    "approval_ref",
    "inputs_sha256",
    "expression",
    "explanation",
)


def _engine_lines(run: Any, ctx: ExpressionContext) -> list[dict[str, Any]]:
    """The run's payout lines with plan versions and expressions."""
    ids = ctx.inputs.person_ids
    deal_ids = ctx.inputs.company.deals.column("id").to_pylist()
    plan_of = {s.person: s.plan for s in run.statements}
    out = []
    lines = run.lines
    for i, line in enumerate(lines):
        explanation = run.explain(i)
        plan_id = plan_of.get(line["person"], "")
        out.append(
            {
                "period_start": line["period_start"],
                "person_id": ids[line["person"]],
                "plan_id": plan_id,
                "plan_version": " -> ".join(
                    ctx.plan_versions.get(p, "") for p in plan_id.split(" -> ")
                ),
                "component": line["component"],
                "deal_id": None if line["deal"] is None else deal_ids[line["deal"]],
                "amount": line["amount"],
                "currency": line["currency"],
                "pay_amount": line["pay_amount"],
                "pay_currency": line["pay_currency"],
                "line_kind": "engine",
                "expression": json.dumps(
                    line_expression(ctx, line, explanation, lines, plan_id), separators=(",", ":")
                ),
                "explanation": explanation.to_text(),
            }
        )
    return out


def _restatement_lines(
    label: str,
    sealed: list[SealedRecord],
    recomputed: dict[str, list[dict]],
    changed: dict[str, str],
    reason: str,
    period_start: Any,
) -> list[dict[str, Any]]:
    """recomputed - (sealed + already posted restatements), per sealed period, person, component, deal."""
    posted: dict[tuple, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for rec in sealed:
        for r in rec.lines.to_pylist():
            key = (r["restates"] or rec.label, r["person_id"], r["component"], r["deal_id"])
            if r["line_kind"] in ("engine", "restatement"):
                posted[key][0] += r["amount"]
                posted[key][1] += r["pay_amount"]
    out = []
    for period, lines in recomputed.items():
        now: dict[tuple, list[Any]] = {}
        for r in lines:
            key = (period, r["person_id"], r["component"], r["deal_id"])
            slot = now.setdefault(key, [Decimal(0), Decimal(0), r])
            slot[0] += r["amount"]
            slot[1] += r["pay_amount"]
        keys = sorted(
            {k for k in posted if k[0] == period} | set(now), key=lambda k: (k[1], k[2], k[3] or -1)
        )
        for key in keys:
            before = posted.get(key, [Decimal(0), Decimal(0)])
            after = now.get(key, [Decimal(0), Decimal(0), None])
            delta, pay_delta = after[0] - before[0], after[1] - before[1]
            if delta == 0 and pay_delta == 0:
                continue
            ref = after[2] or _posted_line(sealed, key)
            expression = {
                "op": "sum",
                "args": [
                    {
                        "op": "value",
                        "value": str(after[0]),
                        "source": {
                            "kind": "restated",
                            "period": period,
                            "person": key[1],
                            "component": key[2],
                            "deal": key[3],
                        },
                    },
                    {
                        "op": "neg",
                        "arg": {
                            "op": "value",
                            "value": str(before[0]),
                            "source": {
                                "kind": "posted",
                                "period": period,
                                "person": key[1],
                                "component": key[2],
                                "deal": key[3],
                            },
                        },
                    },
                ],
            }
            out.append(
                {
                    "period_start": period_start,
                    "person_id": key[1],
                    "plan_id": ref["plan_id"],
                    "plan_version": ref["plan_version"],
                    "component": key[2],
                    "deal_id": key[3],
                    "amount": delta,
                    "currency": ref["currency"],
                    "pay_amount": pay_delta,
                    "pay_currency": ref["pay_currency"],
                    "line_kind": "restatement",
                    "restates": period,
                    "changed_inputs": changed[period],
                    "reason": reason,
                    "expression": json.dumps(expression, separators=(",", ":")),
                    "explanation": f"restatement of {period} ({changed[period]}): {after[0]} now - {before[0]} "
                    f"paid = {delta} {ref['currency']}; reason: {reason}",
                }
            )
    return out


def _posted_line(sealed: list[SealedRecord], key: tuple) -> dict[str, Any]:
    for rec in sealed:
        for r in rec.lines.to_pylist():
            if ((r["restates"] or rec.label), r["person_id"], r["component"], r["deal_id"]) == key:
                return r
    raise AssertionError(key)


def _manual_lines(
    rows: list[dict], ctx: ExpressionContext, plan_of: dict[str, tuple[str, str]], period_start: Any
) -> list[dict[str, Any]]:
    out = []
    for r in sorted(rows, key=lambda r: (r["person_id"], r["adjustment_id"])):
        plan_id, currency = plan_of.get(r["person_id"], ("", ""))
        if currency != r["currency"]:
            raise ValidationError(
                f"[SC-AUDIT-ADJ] adjustment {r['adjustment_id']!r}: currency {r['currency']} is "
                f"not the currency of {r['person_id']}'s plan ({currency or 'no plan in force'})"
            )
        expression = {
            "op": "round",
            "mode": "Unnecessary",  # a check, not a choice: the amount has the currency's decimals
            "unit": _unit(currency),
            "mode_source": {"kind": "literal"},
            "arg": {
                "op": "value",
                "value": str(r["amount"]),
                "source": {"kind": "adjustment", "adjustment_id": r["adjustment_id"]},
            },
        }
        out.append(
            {
                "period_start": period_start,
                "person_id": r["person_id"],
                "plan_id": plan_id,
                "plan_version": ctx.plan_versions.get(plan_id, ""),
                "component": "manual_adjustment",
                "deal_id": None,
                "amount": r["amount"],
                "currency": currency,
                "pay_amount": r["amount"],
                "pay_currency": currency,
                "line_kind": "manual",
                "reason": r["reason"],
                "adjustment_id": r["adjustment_id"],
                "author": r["author"],
                "approval_ref": r["approval_ref"],
                "expression": json.dumps(expression, separators=(",", ":")),
                "explanation": f"manual adjustment {r['adjustment_id']} by {r['author']} ({r['approval_ref']}) dated "
                f"{r['date']}: {r['amount']} {currency}; reason: {r['reason']}",
            }
        )
    return out


def _unit(currency: str) -> str:
    """The minor unit of a currency as decimal text (USD 0.01, JPY 1, KWD 0.001)."""
    from .. import Currency

    e = Currency(currency).exponent
    return "1" if e == 0 else "0." + "0" * (e - 1) + "1"


def _lines_table(label: str, rows: list[dict[str, Any]], inputs_sha256: str) -> Any:
    import pyarrow as pa

    scale = max([2] + [-r[k].as_tuple().exponent for r in rows for k in ("amount", "pay_amount")])
    cols: dict[str, list[Any]] = {f: [] for f in _LINE_FIELDS}
    for n, r in enumerate(rows, 1):
        r = {**r, "line_id": f"{label}/{n:06d}", "period": label, "inputs_sha256": inputs_sha256}
        for f in _LINE_FIELDS:
            cols[f].append(r.get(f))
    types = {
        "period_start": pa.date32(),
        "deal_id": pa.int64(),
        "amount": pa.decimal128(38, scale),
        "pay_amount": pa.decimal128(38, scale),
    }
    return pa.table({f: pa.array(cols[f], types.get(f, pa.string())) for f in _LINE_FIELDS})


def _statements_table(run: Any, lines: Any, ids: list[str]) -> Any:
    """One row per person with lines: totals by line kind and the exact total."""
    import pyarrow as pa

    engine = {ids[s.person]: s for s in run.statements}
    sums: dict[str, dict[str, Any]] = {}
    for r in lines.to_pylist():
        s = sums.setdefault(
            r["person_id"],
            {
                "plan_id": r["plan_id"],
                "plan_version": r["plan_version"],
                "currency": r["currency"],
                "lines": 0,
                "engine": Decimal(0),
                "restatement": Decimal(0),
                "manual": Decimal(0),
            },
        )
        s["lines"] += 1
        s[r["line_kind"]] += r["amount"]
    people = sorted(sums)
    scale = lines.schema.field("amount").type.scale

    def money(values: list[Decimal]) -> Any:
        return pa.array(values, pa.decimal128(38, scale))

    zero = Decimal(0)
    return pa.table(
        {
            "person_id": pa.array(people, pa.string()),
            "plan_id": pa.array([sums[p]["plan_id"] for p in people], pa.string()),
            "plan_version": pa.array([sums[p]["plan_version"] for p in people], pa.string()),
            "currency": pa.array([sums[p]["currency"] for p in people], pa.string()),
            "lines": pa.array([sums[p]["lines"] for p in people], pa.int32()),
            "engine_total": money([sums[p]["engine"] for p in people]),
            "restatement_total": money([sums[p]["restatement"] for p in people]),
            "manual_total": money([sums[p]["manual"] for p in people]),
            "total": money(
                [sums[p]["engine"] + sums[p]["restatement"] + sums[p]["manual"] for p in people]
            ),
            "recoverable_balance": money(
                [engine[p].recoverable_balance if p in engine else zero for p in people]
            ),
            "guarantee_balance": money(
                [engine[p].guarantee_balance if p in engine else zero for p in people]
            ),
        }
    )


def _adjustments_table(rows: list[dict]) -> Any:
    import pyarrow as pa

    if not rows:
        return empty_adjustments()
    return pa.table(
        {
            "adjustment_id": pa.array([r["adjustment_id"] for r in rows], pa.string()),
            "person_id": pa.array([r["person_id"] for r in rows], pa.string()),
            "date": pa.array([r["date"] for r in rows], pa.date32()),
            "amount": pa.array([str(r["amount"]) for r in rows], pa.string()),
            "currency": pa.array([r["currency"] for r in rows], pa.string()),
            "reason": pa.array([r["reason"] for r in rows], pa.string()),
            "author": pa.array([r["author"] for r in rows], pa.string()),
            "approval_ref": pa.array([r["approval_ref"] for r in rows], pa.string()),
        }
    )


# -- closing ------------------------------------------------------------------------------------


def _baseline_hashes(sealed: list[SealedRecord]) -> dict[str, dict[str, str]]:
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


def _describe_change(names: list[str], old_credits: Any, new_credits: Any) -> str:
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


def close_period(
    company: Any,
    ledger: str | Path,
    quarter: int,
    *,
    fiscal_year: int | None = None,
    reason: str | None = None,
    adjustments: Any = None,
    threads: int = 1,
) -> SealedRecord:
    """Close fiscal ``quarter`` of ``company`` into ``ledger`` (see the module docstring) and
    return the new sealed record."""
    from .. import _core
    from ..close import _people_named, quarter_bounds, year_inputs
    from ..engine import run_period

    ledger = Path(ledger)
    fy = fiscal_year or company.fiscal_year
    if quarter not in (1, 2, 3, 4):
        raise ValidationError(f"[SC-AUDIT-PERIOD] quarter must be 1..4, got {quarter!r}")
    label = period_label(fy, quarter)
    if (ledger / label).exists():
        raise SealedPeriodError(
            f"[SC-AUDIT-SEALED] {label} is sealed ({ledger / label}); a sealed period is never "
            "closed again: changes to its inputs show as adjustment lines of the next open period"
        )
    sealed = load_ledger(ledger, fy)
    expected = [period_label(fy, q) for q in range(1, quarter)]
    if [r.label for r in sealed] != expected:
        missing = [x for x in expected if x not in {r.label for r in sealed}]
        later = [r.label for r in sealed if r.label not in expected]
        raise ValidationError(
            f"[SC-AUDIT-ORDER] {label} cannot be closed: "
            + (f"close {', '.join(missing)} first" if missing else f"{', '.join(later)} is sealed")
        )

    inputs = year_inputs(company, fy, threads=threads)
    index = inputs.index
    deal_ids = company.deals.column("id").to_pylist()
    people = set(inputs.person_ids)
    all_adjustments = validate_adjustments(adjustments, people=people)
    first, last = quarter_bounds(inputs.calendar, fy, quarter)
    posted = {
        r["adjustment_id"]: (rec.label, r) for rec in sealed for r in rec.adjustments.to_pylist()
    }
    posted_ids = set(posted)
    _check_posted_unchanged(all_adjustments, posted)
    early = [
        a for a in all_adjustments if a["date"] < first and a["adjustment_id"] not in posted_ids
    ]
    if early:
        raise ValidationError(
            "[SC-AUDIT-ADJ] adjustments dated in sealed periods were never posted: "
            + ", ".join(f"{a['adjustment_id']} ({a['date']})" for a in early)
            + f"; date them in {label} ({first} .. {last})"
        )
    now_adjustments = [a for a in all_adjustments if first <= a["date"] <= last]

    versions = {d["id"]: plan_version(d) for d in company.plan_documents}
    args = {q: inputs.run_args(q) for q in range(1, quarter + 1)}
    tables = {q: _period_tables(inputs, q, args[q]) for q in args}
    hashes = {q: _hashes(tables[q]) for q in args}

    baseline = _baseline_hashes(sealed)
    changed: dict[str, str] = {}
    for rec in sealed:
        q = int(rec.label[-1])
        names = [n for n in hashes[q] if hashes[q][n] != baseline[rec.label].get(n)]
        if names:
            changed[rec.label] = _describe_change(names, rec.credits, tables[q]["credits"])
    if changed and not (reason and reason.strip()):
        raise ValidationError(
            "[SC-AUDIT-REASON] inputs of sealed periods changed: "
            + "; ".join(f"{p}: {c}" for p, c in changed.items())
            + f"; give the reason for the restatement (close {label} --reason TEXT)"
        )

    def run_quarter(q: int, state: Any) -> Any:
        with _people_named(inputs.person_ids, label):
            return run_period(**args[q], state=state, threads=threads)

    def context(q: int, prior: Any) -> ExpressionContext:
        return ExpressionContext(
            inputs=inputs,
            quarter=q,
            label=period_label(fy, q),
            tables=tables[q],
            plan_versions=versions,
            prior=prior,
        )

    restated: dict[str, list[dict]] = {}
    restated_inputs: dict[str, list[Any]] = defaultdict(list)
    prior: Any = sealed[-1] if sealed else None  # the record whose state the quarter starts from
    if changed:  # re-run the year so far from its start; the deltas are posted here
        state, prior = None, None
        for q in range(1, quarter):
            p = period_label(fy, q)
            run = run_quarter(q, state)
            restated[p] = _engine_lines(run, context(q, prior))
            changed.setdefault(p, "none of its own: a change of an earlier period carried over")
            for name in ("credits", "quotas", "mbo"):
                restated_inputs[name].append(_with_period(tables[q][name], p))
            before = prior.state if prior else _state_table(_core._RunState(), [], deal_ids)
            restated_inputs["state"].append(_with_period(before, p))
            state = run.next_state
            prior = _Rerun(f"{p} (restated)", _state_table(state, inputs.person_ids, deal_ids))
        restated_inputs["state"].append(_with_period(prior.state, label))  # this quarter's start
    else:
        state = _state_from(sealed[-1].state, index, deal_ids) if sealed else None

    run = run_quarter(quarter, state)
    ctx = context(quarter, prior)
    plan_of = {inputs.person_ids[s.person]: (s.plan, s.currency) for s in run.statements}
    rows = (
        _engine_lines(run, ctx)
        + _restatement_lines(label, sealed, restated, changed, reason or "", first)
        + _manual_lines(now_adjustments, ctx, plan_of, first)
    )
    inputs_sha256 = table_sha256_of(hashes[quarter])
    lines = _lines_table(label, rows, inputs_sha256)
    restated_rows = [r for lines_ in restated.values() for r in lines_]
    record_tables = {
        "lines": lines,
        "statements": _statements_table(run, lines, inputs.person_ids),
        "state": _state_table(run.next_state, inputs.person_ids, deal_ids),
        **{
            k: tables[quarter][k] for k in ("credits", "quotas", "mbo", "plans", "plan_assignments")
        },
        "inputs": _inputs_table(hashes[quarter]),
        "adjustments": _adjustments_table(now_adjustments),
        "restated_lines": _lines_table(label, restated_rows, inputs_sha256).set_column(
            1, "period", _restated_periods(restated)
        ),
        **_restated_tables(restated_inputs, tables[quarter], deal_ids),
    }
    manifest = {
        "period": {
            "label": label,
            "fiscal_year": fy,
            "quarter": quarter,
            "start": str(first),
            "end": str(last),
            "year_start": str(inputs.calendar.year_first(fy)),
        },
        "previous": sealed[-1].label if sealed else None,
        "previous_manifest_sha256": _manifest_sha(sealed[-1]) if sealed else None,
        "inputs": hashes[quarter],
        "inputs_sha256": inputs_sha256,
        "plans": versions,
        "restated": {
            p: {"inputs": hashes[int(p[-1])], "changed": c, "reason": reason}
            for p, c in changed.items()
        },
        "started_from": "restated re-run of the year"
        if changed
        else (
            f"state of {sealed[-1].label}" if sealed else "empty state (first period of the year)"
        ),
    }
    write_record(ledger, label, record_tables, manifest)
    return load_record(ledger / label)


def _check_posted_unchanged(rows: list[dict], posted: dict[str, tuple[str, dict]]) -> None:
    """A posted adjustment is part of a sealed record: editing it is refused (enter a new one)."""
    edited = []
    for r in rows:
        if r["adjustment_id"] not in posted:
            continue
        label, old = posted[r["adjustment_id"]]
        now = {**r, "amount": str(r["amount"])}
        fields = [c for c in old if str(old[c]) != str(now[c])]
        if fields:
            edited.append(f"{r['adjustment_id']} (posted in {label}; changed: {', '.join(fields)})")
    if edited:
        raise ValidationError(
            "[SC-AUDIT-ADJ] posted adjustments were edited: "
            + "; ".join(edited)
            + ": a posted adjustment is sealed; enter a new adjustment that corrects it"
        )


@dataclass
class _Rerun:
    """The state a restated quarter started from (the year re-run), shaped like a record."""

    label: str
    state: Any


def _with_period(table: Any, period: str) -> Any:
    import pyarrow as pa

    return table.add_column(0, "period", pa.array([period] * table.num_rows, pa.string()))


def _restated_tables(
    restated: dict[str, list[Any]], current: dict[str, Any], deal_ids: list
) -> dict:
    """restated_credits / _quotas / _mbo / _state: the inputs and starting state of the
    restated quarters (a ``period`` column first), so their lines can be verified too."""
    import pyarrow as pa

    from .. import _core

    empty = {
        "credits": current["credits"].slice(0, 0),
        "quotas": current["quotas"].slice(0, 0),
        "mbo": current["mbo"].slice(0, 0),
        "state": _state_table(_core._RunState(), [], deal_ids),
    }
    return {
        f"restated_{name}": pa.concat_tables(restated[name])
        if restated.get(name)
        else _with_period(t, "x").slice(0, 0)
        for name, t in empty.items()
    }


def table_sha256_of(hashes: dict[str, str]) -> str:
    """One hash of all of a period's input hashes: SHA-256 of their canonical JSON."""
    import hashlib

    return hashlib.sha256(canonical_json(hashes).encode("utf-8")).hexdigest()


def _inputs_table(hashes: dict[str, str]) -> Any:
    import pyarrow as pa

    return pa.table(
        {"input": pa.array(list(hashes), pa.string()), "sha256": pa.array(list(hashes.values()))}
    )


def _restated_periods(restated: dict[str, list[dict]]) -> Any:
    import pyarrow as pa

    return pa.array([p for p, rows in restated.items() for _ in rows], pa.string())


def _manifest_sha(rec: SealedRecord) -> str:
    from .record import sha256_file

    return sha256_file(rec.path / "manifest.json")
