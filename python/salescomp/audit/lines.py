"""The lines and statements of a sealed record (docs/audit.md, "Tables").

Engine lines carry their plan version and expression; restatement lines post
``recomputed - (sealed + posted before)`` per sealed quarter, person, component and deal;
manual adjustment lines carry their reason, author and approval.
"""

from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal
from typing import Any

from .._errors import ValidationError
from .adjustments import empty_adjustments
from .expression import ExpressionContext, line_expression
from .record import SealedRecord
from .state import state_table

__all__ = [
    "engine_lines",
    "restatement_lines",
    "manual_lines",
    "lines_table",
    "statements_table",
    "adjustments_table",
    "restated_tables",
    "restated_periods",
    "with_period",
    "unit",
]


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


def engine_lines(run: Any, ctx: ExpressionContext) -> list[dict[str, Any]]:
    """The run's payout lines with plan versions and expressions."""
    ids = ctx.inputs.person_ids
    deal_ids = ctx.inputs.deals._ids.to_pylist()  # by deal row (the order of the ids)
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


def restatement_lines(
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


def manual_lines(
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
            "unit": unit(currency),
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


def unit(currency: str) -> str:
    """The minor unit of a currency as decimal text (USD 0.01, JPY 1, KWD 0.001)."""
    from .. import Currency

    e = Currency(currency).exponent
    return "1" if e == 0 else "0." + "0" * (e - 1) + "1"


def lines_table(label: str, rows: list[dict[str, Any]], inputs_sha256: str) -> Any:
    import pyarrow as pa

    scale = max([2] + [-r[k].as_tuple().exponent for r in rows for k in ("amount", "pay_amount")])
    cols: dict[str, list[Any]] = {f: [] for f in _LINE_FIELDS}
    for n, r in enumerate(rows, 1):
        r = {**r, "line_id": f"{label}/{n:06d}", "period": label, "inputs_sha256": inputs_sha256}
        for f in _LINE_FIELDS:
            cols[f].append(r.get(f))
    types = {
        "period_start": pa.date32(),
        # the user's deal ids keep their type (integers, or text as the CLI reads them)
        "deal_id": pa.string() if any(isinstance(v, str) for v in cols["deal_id"]) else pa.int64(),
        "amount": pa.decimal128(38, scale),
        "pay_amount": pa.decimal128(38, scale),
    }
    return pa.table({f: pa.array(cols[f], types.get(f, pa.string())) for f in _LINE_FIELDS})


def statements_table(run: Any, lines: Any, ids: list[str]) -> Any:
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


def adjustments_table(rows: list[dict]) -> Any:
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


def restated_periods(restated: dict[str, list[dict]]) -> Any:
    import pyarrow as pa

    return pa.array([p for p, rows in restated.items() for _ in rows], pa.string())


def with_period(table: Any, period: str) -> Any:
    import pyarrow as pa

    return table.add_column(0, "period", pa.array([period] * table.num_rows, pa.string()))


def restated_tables(
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
        "state": state_table(_core._RunState(), [], deal_ids),
    }
    return {
        f"restated_{name}": pa.concat_tables(restated[name])
        if restated.get(name)
        else with_period(t, "x").slice(0, 0)
        for name, t in empty.items()
    }
