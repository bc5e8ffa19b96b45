"""Explanations as data: each payout line's arithmetic as a small exact expression (docs/audit.md).

:func:`line_expression` turns the engine's explanation of a line into a JSON-ready tree whose
leaves are exact decimals naming their source (a credit id, a quota row, a JSON pointer into
the plan document, the carried state of the previous record, another line of the record) and
whose operators are ``sum``, ``neg``, ``product``, ``min``, ``max``, ``count``, ``band``
(the part of ``x`` in ``[from, to)``), ``allocate`` (largest remainder) and ``round`` (unit and
mode). Which credits make a measure is decided here from the plan's measure definition; the
tree is then checked against the engine's own figures (measure, exact value, amount), and a
line this module cannot express is kept with an ``engine`` leaf, which the independent
verifier (:mod:`salescomp.verify_audit`) reports as unverifiable, never as verified.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

__all__ = ["ExpressionContext", "line_expression", "evaluate"]


@dataclass
class ExpressionContext:
    """What the expressions of one period's lines point at."""

    inputs: Any  # salescomp.close.YearInputs
    quarter: int
    label: str
    tables: dict[
        str, Any
    ]  # the period's input tables (credits, quotas, ...) as the record keeps them
    plan_versions: dict[str, str]
    prior: Any = None  # the previous period's SealedRecord (carried state), None for the first
    _credits: dict[str, list[dict]] | None = field(default=None, repr=False)
    _quotas: dict[tuple, dict] | None = field(default=None, repr=False)
    _state: dict[tuple, Any] | None = field(default=None, repr=False)
    _deals: dict[str, list] | None = field(default=None, repr=False)

    def credits_of(self, person_id: str) -> list[dict]:
        if self._credits is None:
            by: dict[str, list[dict]] = defaultdict(list)
            for r in self.tables["_credits_by_row"].to_pylist():
                by[r["person_id"]].append(r)
            self._credits = by
        return self._credits.get(person_id, [])

    def quota(self, person_id: str, measure: str) -> dict | None:
        if self._quotas is None:
            self._quotas = {
                (r["person_id"], r["measure"]): r for r in self.tables["quotas"].to_pylist()
            }
        return self._quotas.get((person_id, measure))

    def state(self, person_id: str, field_: str, key: str = "") -> Any:
        """A row of the previous record's carried state, or None."""
        if self._state is None:
            self._state = {}
            if self.prior is not None:
                for r in self.prior.state.to_pylist():
                    self._state[(r["person_id"], r["field"], r["key"])] = r
        return self._state.get((person_id, field_, key))

    def deal(self, row: int) -> dict[str, Any]:
        if self._deals is None:
            self._deals = self.tables["_deals_by_row"].to_pydict()
        return {k: v[row] for k, v in self._deals.items()}

    @property
    def period(self) -> tuple[Any, Any]:
        from ..close import quarter_bounds

        return quarter_bounds(self.inputs.calendar, self.inputs.fiscal_year, self.quarter)


def _unit(currency: str) -> str:
    from .lines import unit

    return unit(currency)


class Unsupported(Exception):
    """A line the builder cannot express (kept with an ``engine`` leaf)."""


# -- nodes --------------------------------------------------------------------------------------


def leaf(value: Any, **source: Any) -> dict[str, Any]:
    return {"op": "value", "value": str(value), "source": source}


def op(name: str, *args: Any) -> dict[str, Any]:
    return {"op": name, "args": list(args)}


def neg(arg: Any) -> dict[str, Any]:
    return {"op": "neg", "arg": arg}


def rounded(arg: Any, mode: str, unit: str, mode_source: dict[str, Any]) -> dict[str, Any]:
    return {"op": "round", "mode": mode, "unit": unit, "mode_source": mode_source, "arg": arg}


# One line's evaluations share their sub-results (a measure is checked, then evaluated again
# inside the tiers); the nodes are kept alive with it, so an id is never reused meanwhile.
_MEMO: dict[int, Fraction] = {}
_ALIVE: list[dict[str, Any]] = []


def evaluate(node: dict[str, Any]) -> Fraction:
    """The exact value of a node (the same rules as the verifier; used to check the tree)."""
    from .. import verify_audit

    _ALIVE.append(node)
    return verify_audit.evaluate(node, _MEMO)


# -- plans --------------------------------------------------------------------------------------


class PlanRef:
    """A plan document with JSON-pointer sources for its values."""

    def __init__(self, ctx: ExpressionContext, plan_id: str) -> None:
        docs = {d["id"]: d for d in ctx.inputs.company.plan_documents}
        if plan_id not in docs:
            raise Unsupported(f"plan {plan_id!r} (a plan change inside the period)")
        self.id, self.doc, self.version = plan_id, docs[plan_id], ctx.plan_versions[plan_id]
        currency = self.doc["currency"]
        self.unit = _unit(currency)

    def value(self, path: str) -> dict[str, Any]:
        v: Any = self.doc
        for part in path.strip("/").split("/"):
            v = v[int(part)] if isinstance(v, list) else v[part]
        return leaf(v, kind="plan", plan=self.id, version=self.version, path=path)

    def default(self, path: str, value: str) -> dict[str, Any]:
        return leaf(value, kind="plan_default", plan=self.id, version=self.version, path=path)

    def get(self, path: str, default: str) -> dict[str, Any]:
        v: Any = self.doc
        for part in path.strip("/").split("/"):
            if isinstance(v, list):
                v = v[int(part)]
            elif part in v:
                v = v[part]
            else:
                return self.default(path, default)
        return self.value(path)

    def rounding(self) -> tuple[str, dict[str, Any]]:
        r = self.doc.get("rounding", {})
        if r.get("scope", "per_line") != "per_line":
            raise Unsupported("per_statement rounding")
        if "mode" in r:
            return r["mode"], {
                "kind": "plan",
                "plan": self.id,
                "version": self.version,
                "path": "/rounding/mode",
            }
        return "HalfEven", {
            "kind": "plan_default",
            "plan": self.id,
            "version": self.version,
            "path": "/rounding/mode",
        }

    def component(self, component_id: str) -> tuple[int, dict[str, Any]]:
        for i, c in enumerate(self.doc["components"]):
            if c["id"] == component_id:
                return i, c
        raise Unsupported(f"component {component_id!r} not in plan {self.id}")

    def measure(self, measure_id: str) -> tuple[int, dict[str, Any]]:
        for i, m in enumerate(self.doc["measures"]):
            if m["id"] == measure_id:
                return i, m
        raise Unsupported(f"measure {measure_id!r} not in plan {self.id}")

    def has_clawback(self) -> dict[str, Any] | None:
        return next((c for c in self.doc["components"] if c["type"] == "clawback"), None)


# -- measures -----------------------------------------------------------------------------------


def _measure_credits(
    ctx: ExpressionContext, plan: PlanRef, person_id: str, measure_id: str
) -> list[tuple]:
    """(credit row, multiplier index or None) of the credits counting toward the measure this period."""
    mi, m = plan.measure(measure_id)
    first, last = ctx.period
    claw = plan.has_clawback()
    reverse = bool(claw and claw.get("reverse_attainment", False))
    out = []
    for r in ctx.credits_of(person_id):
        if not first <= r["date"] <= last:
            continue
        if r["currency"] != plan.doc["currency"]:
            raise Unsupported("a credit in another currency than the plan's")
        d = ctx.deal(r["deal_row"])
        if reverse and d.get("cancellation_date") is not None and d["cancellation_date"] <= last:
            continue
        if m.get("credit_kinds") and r["kind"] not in m["credit_kinds"]:
            continue
        if m.get("deal_types") and r["deal_type"] not in m["deal_types"]:
            continue
        if m.get("products") and d.get("product", -1) not in m["products"]:
            continue
        k = None
        for j, mm in enumerate(m.get("multipliers", [])):
            if (
                (not mm.get("deal_types") or r["deal_type"] in mm["deal_types"])
                and (not mm.get("products") or d.get("product", -1) in mm["products"])
                and (d.get("term_months") or 0) >= mm.get("min_term_months", 0)
            ):
                k = j
                break
        out.append((r, mi, k))
    return out


def _credit_node(plan: PlanRef, r: dict, mi: int, k: int | None) -> dict[str, Any]:
    node = leaf(r["amount"], kind="credit", credit=r["credit_id"], person=r["person_id"])
    if k is None:
        return node
    mode, mode_source = plan.rounding()
    factor = plan.value(f"/measures/{mi}/multipliers/{k}/factor")
    return rounded(op("product", node, factor), mode, plan.unit, mode_source)


def measure_node(
    ctx: ExpressionContext,
    plan: PlanRef,
    person_id: str,
    measure_id: str,
    engine_value: Decimal | None,
) -> dict[str, Any]:
    """The measure as the sum of its (weighted) credits, checked against the engine's figure."""
    rows = _measure_credits(ctx, plan, person_id, measure_id)
    node = op("sum", *[_credit_node(plan, r, mi, k) for r, mi, k in rows])
    node["measure"] = _membership(ctx, plan, person_id, measure_id)
    if engine_value is not None and evaluate(node) != Fraction(engine_value):
        raise Unsupported(
            f"measure {measure_id}: credits sum to {float(evaluate(node))}, engine {engine_value}"
        )
    return node


def count_node(
    ctx: ExpressionContext, plan: PlanRef, person_id: str, measure_id: str, count: int
) -> dict:
    rows = _measure_credits(ctx, plan, person_id, measure_id)
    node = op(
        "count",
        *[
            leaf(r["amount"], kind="credit", credit=r["credit_id"], person=r["person_id"])
            for r, _mi, _k in rows
        ],
    )
    node["measure"] = _membership(ctx, plan, person_id, measure_id)
    if len(rows) != count:
        raise Unsupported(f"count {measure_id}: {len(rows)} credits, engine {count}")
    return node


def _membership(
    ctx: ExpressionContext, plan: PlanRef, person_id: str, measure_id: str
) -> dict[str, Any]:
    """Which credits the measure takes: the verifier selects them again from the credits table."""
    mi, _m = plan.measure(measure_id)
    first, last = ctx.period
    return {
        "plan": plan.id,
        "version": plan.version,
        "path": f"/measures/{mi}",
        "person": person_id,
        "from": str(first),
        "to": str(last),
    }


def quota_node(ctx: ExpressionContext, person_id: str, measure_id: str) -> dict[str, Any]:
    q = ctx.quota(person_id, measure_id)
    if q is None:
        raise Unsupported(f"no quota row for {person_id}/{measure_id}")
    return leaf(q["amount"], kind="quota", quota=q["quota_id"])


# -- components ---------------------------------------------------------------------------------

_SUPPORTED_RATE_KEYS = {
    "id",
    "type",
    "measure",
    "basis",
    "mode",
    "tiers",
    "rate",
    "adjustments",
    "caps",
}


def _tiered(
    ctx: ExpressionContext, plan: PlanRef, ci: int, c: dict, person_id: str, e: Any
) -> dict:
    if set(c) - _SUPPORTED_RATE_KEYS or c.get("mode", "marginal") != "marginal":
        raise Unsupported(
            f"tiered options {sorted(set(c) - _SUPPORTED_RATE_KEYS)} / mode {c.get('mode')}"
        )
    if set(c.get("caps", {})) - {"per_period"}:
        raise Unsupported("caps other than per_period")
    x = measure_node(ctx, plan, person_id, c["measure"], e.measure)
    attainment = c.get("basis", "attainment") == "attainment"
    quota = quota_node(ctx, person_id, c["measure"]) if attainment else None

    def bound(path: str) -> dict[str, Any]:
        b = plan.value(path)
        return op("product", b, quota) if attainment else b

    adjustments = c.get("adjustments", [])
    if any(a.get("scope", "band") != "band" for a in adjustments):
        raise Unsupported("whole-scope adjustments")
    # Segments: tier boundaries and adjustment levels, each paid at the tier rate x the
    # multipliers of the adjustments whose side it is on.
    cuts: list[tuple[Fraction, str]] = []
    for ti, t in enumerate(c["tiers"]):
        cuts.append((Fraction(Decimal(t["from"])), f"/components/{ci}/tiers/{ti}/from"))
    for ai, a in enumerate(adjustments):
        cuts.append((Fraction(Decimal(a["level"])), f"/components/{ci}/adjustments/{ai}/level"))
    cuts = sorted(dict(sorted(cuts, reverse=True)).items())  # one path per distinct level
    parts = []
    for si, (lo, lo_path) in enumerate(cuts):
        hi = cuts[si + 1] if si + 1 < len(cuts) else None
        ti = max(i for i, t in enumerate(c["tiers"]) if Fraction(Decimal(t["from"])) <= lo)
        tier = c["tiers"][ti]
        if "to" in tier and hi is None:
            raise Unsupported("a last tier with an upper bound")
        factors = [plan.value(f"/components/{ci}/tiers/{ti}/rate")]
        for ai, a in enumerate(adjustments):
            level = Fraction(Decimal(a["level"]))
            if (a["direction"] == "above" and lo >= level) or (
                a["direction"] == "below" and hi is not None and hi[0] <= level
            ):
                factors.append(plan.value(f"/components/{ci}/adjustments/{ai}/multiplier"))
        band = {
            "op": "band",
            "x": x,
            "from": bound(lo_path),
            "to": None if hi is None else bound(hi[1]),
        }
        parts.append(op("product", *factors, band))
    value = op("sum", *parts)
    if "per_period" in c.get("caps", {}):
        value = op("min", value, plan.value(f"/components/{ci}/caps/per_period"))
    return value


def _flat_rate(
    ctx: ExpressionContext, plan: PlanRef, ci: int, c: dict, person_id: str, e: Any
) -> dict:
    if set(c) - {"id", "type", "measure", "rate"}:
        raise Unsupported(f"flat_rate options {sorted(set(c) - {'id', 'type', 'measure', 'rate'})}")
    x = measure_node(ctx, plan, person_id, c["measure"], e.measure)
    return op("product", plan.value(f"/components/{ci}/rate"), x)


def _override(
    ctx: ExpressionContext, plan: PlanRef, ci: int, c: dict, person_id: str, e: Any
) -> dict:
    x = measure_node(ctx, plan, person_id, c["measure"], e.measure)
    rate = plan.value(f"/components/{ci}/rate")
    if c.get("basis") == "first_dollar":
        return op("product", rate, x)
    if c.get("basis") == "above_threshold":
        over = op(
            "max",
            leaf(0, kind="literal"),
            op("sum", x, neg(plan.value(f"/components/{ci}/threshold"))),
        )
        return op("product", rate, over)
    raise Unsupported(f"manager_override basis {c.get('basis')}")


def _per_unit(
    ctx: ExpressionContext, plan: PlanRef, ci: int, c: dict, person_id: str, e: Any
) -> dict:
    if set(c) - {"id", "type", "measure", "amount_per_unit"}:
        raise Unsupported("per_unit options")
    n = count_node(ctx, plan, person_id, c["measure"], e.count)
    return op("product", n, plan.value(f"/components/{ci}/amount_per_unit"))


def _mbo(ctx: ExpressionContext, plan: PlanRef, ci: int, c: dict, person_id: str, e: Any) -> dict:
    rows = {
        (r["component"], r["objective"]): r
        for r in ctx.tables["mbo"].to_pylist()
        if r["person_id"] == person_id
    }
    cap = plan.get(f"/components/{ci}/max_achievement", "1")
    terms = []
    for oi, o in enumerate(c["objectives"]):
        r = rows.get((c["id"], o["id"]))
        if r is None:
            raise Unsupported(f"no achievement for {c['id']}/{o['id']}")
        achieved = leaf(
            r["achievement"], kind="mbo", person=person_id, component=c["id"], objective=o["id"]
        )
        terms.append(
            op(
                "product",
                plan.value(f"/components/{ci}/objectives/{oi}/weight"),
                op("min", achieved, cap),
            )
        )
    return op("product", plan.value(f"/components/{ci}/target"), op("sum", *terms))


def _spif(ctx: ExpressionContext, plan: PlanRef, ci: int, c: dict, person_id: str, e: Any) -> dict:
    if set(c) - {"id", "type", "deal_types", "products", "from", "to", "amount_per_deal"}:
        raise Unsupported("spif options")
    return plan.value(f"/components/{ci}/amount_per_deal")


def _clawback(
    ctx: ExpressionContext,
    plan: PlanRef,
    ci: int,
    c: dict,
    person_id: str,
    e: Any,
    line: dict,
    lines: list[dict],
) -> dict:
    if c.get("method", "full") != "full":
        raise Unsupported(f"clawback method {c.get('method')}")
    row = line["deal"]
    paid = [_state_leaf(ctx, person_id, "paid_on_deal", str(ctx.deal(row)["deal_id"]))]
    # This period's lines on the deal: measured lines attributed pro rata, deal lines (SPIFs).
    for other in lines:
        if other is line or other["person"] != line["person"]:
            continue
        if other["deal"] == row and other["component"] != line["component"]:
            paid.append(
                leaf(
                    other["amount"],
                    kind="line",
                    person=person_id,
                    component=other["component"],
                    deal=ctx.deal(row)["deal_id"],
                )
            )
        elif other["deal"] is None and other["component"] in _measured(plan):
            paid.extend(_attribution(ctx, plan, person_id, other, row))
    value = op("sum", *paid)
    if evaluate(value) != Fraction(e.measure):
        raise Unsupported(f"paid on deal {row}: {float(evaluate(value))} vs engine {e.measure}")
    k = leaf(
        1,
        kind="plan_rule",
        plan=plan.id,
        version=plan.version,
        path=f"/components/{ci}/method",
        rule="full claws back 1 x what was paid",
    )
    mode, mode_source = plan.rounding()
    return neg(rounded(op("product", k, value), mode, plan.unit, mode_source))


def _measured(plan: PlanRef) -> dict[str, str]:
    return {c["id"]: c["measure"] for c in plan.doc["components"] if "measure" in c}


def _attribution(
    ctx: ExpressionContext, plan: PlanRef, person_id: str, other: dict, row: int
) -> list[dict]:
    """``other``'s amount allocated to the period's deals pro rata to their credit (largest remainder)."""
    measure_id = _measured(plan)[other["component"]]
    by_deal: dict[int, list[dict]] = defaultdict(list)
    for r, mi, k in _measure_credits(ctx, plan, person_id, measure_id):
        by_deal[r["deal_row"]].append(_credit_node(plan, r, mi, k))
    if row not in by_deal:
        return []
    keys = sorted(by_deal)
    weights = [op("sum", *by_deal[d]) for d in keys]
    if any(evaluate(w) < 0 for w in weights):
        return []
    total = leaf(
        other["amount"], kind="line", person=person_id, component=other["component"], deal=None
    )
    return [
        {
            "op": "allocate",
            "total": total,
            "weights": weights,
            "keys": keys,
            "index": keys.index(row),
            "unit": plan.unit,
        }
    ]


def _state_leaf(ctx: ExpressionContext, person_id: str, field_: str, key: str = "") -> dict:
    r = ctx.state(person_id, field_, key)
    amount = Decimal(0) if r is None else Decimal(r["minor"]).scaleb(-_exponent(r["text"]))
    return leaf(
        amount,
        kind="state",
        period=None if ctx.prior is None else ctx.prior.label,
        person=person_id,
        field=field_,
        key=key,
    )


def _exponent(code: str) -> int:
    from .. import Currency

    return Currency(code).exponent if code else 2


def _draw(
    ctx: ExpressionContext,
    plan: PlanRef,
    ci: int,
    c: dict,
    person_id: str,
    e: Any,
    line: dict,
    lines: list[dict],
) -> dict:
    if c.get("kind") != "recoverable_draw":
        raise Unsupported(f"draw kind {c.get('kind')}")
    draws = {x["id"] for x in plan.doc["components"] if x["type"] == "draw"}
    earnings = op(
        "sum",
        *[
            leaf(
                o["amount"],
                kind="line",
                person=person_id,
                component=o["component"],
                deal=None if o["deal"] is None else ctx.deal(o["deal"])["deal_id"],
            )
            for o in lines
            if o["person"] == line["person"] and o["component"].split(".")[0] not in draws
        ],
    )
    if evaluate(earnings) != Fraction(e.measure):
        raise Unsupported(f"draw earnings {float(evaluate(earnings))} vs engine {e.measure}")
    if line["component"].endswith(".recovery"):
        owed = op(
            "sum",
            _state_leaf(ctx, person_id, "draw_recoverable"),
            _state_leaf(ctx, person_id, "draw_guarantee"),
        )
        return neg(op("min", earnings, owed))
    return plan.value(f"/components/{ci}/amount")


_BUILDERS = {
    "tiered": _tiered,
    "flat_rate": _flat_rate,
    "manager_override": _override,
    "per_unit": _per_unit,
    "mbo": _mbo,
    "spif": _spif,
}
_NEEDS_LINES = {"clawback": _clawback, "draw": _draw}
_ROUNDING = re.compile(r"(\w+) to ([0-9.]+): ")


def _build(ctx: ExpressionContext, plan_id: str, line: dict, e: Any, lines: list[dict]) -> dict:
    person_id = ctx.inputs.person_ids[line["person"]]
    plan = PlanRef(ctx, plan_id)
    ci, c = plan.component(line["component"].split(".")[0])
    if e.prior_paid is not None:
        raise Unsupported("true-up of a cumulative component")
    if c["type"] in _BUILDERS:
        value = _BUILDERS[c["type"]](ctx, plan, ci, c, person_id, e)
    elif c["type"] in _NEEDS_LINES:
        value = _NEEDS_LINES[c["type"]](ctx, plan, ci, c, person_id, e, line, lines)
    else:
        raise Unsupported(f"component type {c['type']}")
    if c["type"] == "clawback":
        node = value
    else:
        mode, mode_source = plan.rounding()
        node = rounded(value, mode, plan.unit, mode_source)
    if evaluate(node) != Fraction(line["amount"]):
        raise Unsupported(f"{float(evaluate(node))} != line amount {line['amount']}")
    return node


def line_expression(
    ctx: ExpressionContext, line: dict, explanation: Any, lines: list[dict], plan_id: str
) -> dict[str, Any]:
    """The line's expression; an ``engine`` leaf (with the reason) when it cannot be built."""
    _MEMO.clear()
    _ALIVE.clear()
    try:
        return _build(ctx, plan_id, line, explanation, lines)
    except Unsupported as why:
        m = _ROUNDING.match(explanation.rounding or "")
        return {
            "op": "value",
            "value": str(line["amount"]),
            "source": {
                "kind": "engine",
                "why": str(why),
                "formula": explanation.formula,
                "rounding": m.group(0) if m else "",
            },
        }
