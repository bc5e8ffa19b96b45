"""The "next quarter" view of a company: funnel, coverage, forecast with its backtest,
capacity plan and the cost of plan variants, as the report and ``salescomp plan`` show it.

Assumptions the data cannot give are arguments with documented defaults (attrition,
hiring lead time, base pay); every figure says where it comes from in docs/planning.md.
"""

from __future__ import annotations

import copy
import datetime as dt
import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .capacity import CapacityPlan, capacity_plan, productivity_from_history, ramp_by_quarter
from .forecast import Backtest, Forecast, backtest, forecast
from .funnel import FunnelSummary, coverage, funnel_summary
from .history import OpportunityHistory, opportunity_history
from .periods import day_number, quarter_bounds, quarter_key, quarter_label, to_date
from .plan_cost import PlanCost, Variant, plan_cost
from .retention import retention

__all__ = ["NextQuarter", "next_quarter", "demo_variants"]


@dataclass
class NextQuarter:
    """Everything the next-quarter section shows (see :func:`next_quarter`)."""

    label: str
    first: dt.date
    last: dt.date
    as_of: dt.date
    currency: str
    history: OpportunityHistory
    funnel: FunnelSummary
    coverage: dict[str, Any]
    forecast: Forecast
    backtest: Backtest
    capacity: CapacityPlan
    assumptions: dict[str, Any]
    plan_cost: PlanCost | None = None
    plan_cost_quarter: str = ""
    person_ids: Sequence[str] = ()
    retention: pa.Table | None = None
    forecast_pay: pa.Table | None = None

    def tables(self) -> dict[str, pa.Table]:
        """The section's tables by file name (``salescomp plan --out`` writes them)."""
        out = {
            "forecast": self.forecast.summary,
            "open_pipeline": self.forecast.open_pipeline,
            "backtest": self.backtest.quarters,
            "win_rate_by_stage": self.funnel.win_rate_by_stage,
            "win_rate_by_source": self.funnel.win_rate_by_source,
            "win_rate_by_segment": self.funnel.win_rate_by_segment,
            "win_rate_by_owner": self.funnel.win_rate_by_owner,
            "stage_conversion": self.funnel.conversion,
            "cycle_times": self.funnel.cycle_times,
            "funnel_by_source": self.funnel.by_source,
            "pipeline_created": self.funnel.pipeline_created,
        }
        if self.forecast_pay is not None:
            out["forecast_pay"] = self.forecast_pay
        if self.plan_cost is not None:
            out["plan_cost"] = self.plan_cost.totals
            out["plan_cost_curves"] = self.plan_cost.curves
        if self.retention is not None:
            out["retention"] = self.retention
        return out

    def summary_text(self) -> str:
        c = self.forecast.company()
        cap = self.capacity
        lines = [
            f"Next quarter {self.label} ({self.first} .. {self.last}), as of {self.as_of}, {self.currency}",
            f"  forecast: P10 {c['p10']:,.0f}  P50 {c['p50']:,.0f}  P90 {c['p90']:,.0f}  "
            f"(mean {c['mean']:,.0f}; closed form {c['closed_form_mean']:,.0f})",
            f"  coverage: open pipeline {self.coverage['pipeline']:,} for a quota of {self.coverage['quota']:,} "
            f"= {self.coverage['coverage']:.2f}x",
            f"  backtest ({self.backtest.quarters.num_rows} quarters): MAPE {self.backtest.mape:.1%}, "
            f"bias {self.backtest.bias:+.1%}, {self.backtest.coverage:.0%} inside P10..P90",
            f"  capacity ({cap.months} months, target {cap.target:,.0f}): hire {cap.hires} starting in month "
            f"{cap.start_month}; expected {cap.expected:,.0f} (P10 {cap.p10:,.0f}, P90 {cap.p90:,.0f})",
        ]
        if self.plan_cost is not None:
            for r in self.plan_cost.totals.to_pylist():
                lines.append(
                    f"  plan cost {self.plan_cost_quarter} {r['variant']:<14} {r['payout']:>14,} "
                    f"{r['currency']}"
                )
        return "\n".join(lines) + "\n"

    def report_html(self) -> str:
        """The report's "Next quarter" section (every value escaped)."""
        from .._html import arrow_html, table_html

        e = html.escape
        c = self.forecast.company()
        cap = self.capacity
        cov = self.coverage
        b = self.backtest
        parts = [
            f"<section id='next-quarter'><h2>Next quarter: {e(self.label)}</h2>",
            f"<p>Bookings forecast for {self.first} .. {self.last} made on {self.as_of} ({e(self.currency)}): "
            f"<b>P50 {c['p50']:,.0f}</b>, 80% interval {c['p10']:,.0f} .. {c['p90']:,.0f} "
            f"(mean {c['mean']:,.0f}: {c['open_weighted']:,.0f} from open pipeline weighted by stage win "
            f"rates, {c['not_yet_created']:,.0f} from pipeline not yet created). Coverage: open pipeline "
            f"expected to close in the quarter {cov['pipeline']:,} against a quota of {cov['quota']:,} "
            f"= {cov['coverage']:.2f}x. Backtest over {b.quarters.num_rows} past quarters: mean absolute error "
            f"{b.mape:.1%}, bias {b.bias:+.1%}, {b.coverage:.0%} of actuals inside P10..P90.</p>",
            "<h3>Forecast by team</h3>",
            arrow_html(
                self.forecast.summary.filter(
                    pc.not_equal(self.forecast.summary.column("level"), "person")
                )
            ),
            "<h3>Funnel by source</h3>",
            arrow_html(self.funnel.by_source),
            "<h3>Win rate by stage (closed opportunities that reached it)</h3>",
            arrow_html(self.funnel.win_rate_by_stage),
            "<h3>Capacity plan</h3>",
            table_html(
                ["", "value"],
                [
                    ["target (next 12 months)", f"{cap.target:,.0f}"],
                    ["team today, expected", f"{cap.team_expected:,.0f}"],
                    ["hires", f"{cap.hires} starting in month {cap.start_month}"],
                    ["plan P10 / P50 / P90", f"{cap.p10:,.0f} / {cap.p50:,.0f} / {cap.p90:,.0f}"],
                    ["reachable with 90% confidence", f"{cap.reachable(0.9):,.0f}"],
                    ["cost (base + variable)", f"{cap.cost:,.0f}"],
                    ["assumptions", "; ".join(f"{k} {v}" for k, v in self.assumptions.items())],
                ],
            ),
        ]
        if self.forecast_pay is not None:
            parts += [
                "<h3>What the forecast would pay (the engine on each person's P10 / P50 / P90)</h3>",
                arrow_html(self.forecast_pay),
            ]
        if self.plan_cost is not None:
            parts += [
                f"<h3>Cost of plan variants ({e(self.plan_cost_quarter)} credits)</h3>",
                arrow_html(self.plan_cost.totals),
            ]
        if self.retention is not None:
            parts += ["<h3>Account managers: revenue retention</h3>", arrow_html(self.retention)]
        parts.append("</section>")
        return "".join(parts)

    def _repr_html_(self) -> str:
        return self.report_html()


def _quota_total(
    company: Any,
    owners: Sequence[str],
    rates: Mapping[str, Any],
    currency: str,
    key: int,
    start_month: int,
) -> Decimal:
    """The owners' quarterly quotas of quarter ``key`` (or, when it has none, of the latest
    quarter that has them: the next quarter's quota is assumed to repeat it), converted
    exactly at the planning rates and rounded half-even to cents."""
    q = company.quotas
    q = q.filter(
        pc.and_(
            pc.equal(q.column("period_kind"), "quarter"),
            pc.is_in(q.column("subject"), value_set=pa.array(list(owners), pa.string())),
        )
    )
    keys = (
        np.asarray(q.column("fiscal_year").to_numpy(zero_copy_only=False), dtype=np.int64) * 4
        + np.asarray(q.column("number").to_numpy(zero_copy_only=False), dtype=np.int64)
        - 1
    )
    if not len(keys):
        return Decimal(0)
    chosen = (
        key
        if (keys == key).any()
        else int(keys[keys <= key].max() if (keys <= key).any() else keys.max())
    )
    rows = q.filter(pa.array(keys == chosen)).to_pydict()
    total = Decimal(0)
    for amount, code in zip(
        rows["amount"], rows.get("currency") or [currency] * len(rows["amount"])
    ):
        rate = Decimal(1) if code == currency else Decimal(str(rates[code]))
        total += Decimal(str(amount)) * rate
    return total.quantize(Decimal("0.01"), ROUND_HALF_EVEN)


def _tenures(company: Any, owners: Sequence[str], first: dt.date) -> dict[str, int]:
    """Whole months each owner still employed on ``first`` has been employed before it (the
    team of the capacity plan; owners who left are not in it)."""
    p = company.people.to_pydict()
    start = {i: dt.date.fromisoformat(str(s)) for i, s in zip(p["person_id"], p["start_date"])}
    ends = p.get("end_date") or [None] * len(p["person_id"])
    left = {
        i
        for i, e in zip(p["person_id"], ends)
        if e is not None and dt.date.fromisoformat(str(e)) < first
    }
    return {
        o: max(0, (first.year - start[o].year) * 12 + first.month - start[o].month)
        for o in owners
        if o in start and o not in left
    }


def demo_variants(
    plan_documents: Sequence[Mapping[str, Any]], prefix: str = "ae_"
) -> list[Variant]:
    """Variants of the account executives' plans (ids starting with ``prefix``): the baseline,
    a 2x accelerator above quota, a 12% top tier, quotas +10% and a 40,000 period cap."""
    from ..plan import Plan

    def changed(edit: Any) -> list[Any]:
        out = []
        for d in plan_documents:
            if not str(d["id"]).startswith(prefix):
                continue
            doc = copy.deepcopy(dict(d))
            for comp in doc["components"]:
                if comp.get("type") == "tiered":
                    edit(comp)
            out.append(Plan.from_dict(doc))
        return out

    def accelerator(comp: dict) -> None:
        for adj in comp.get("adjustments", []):
            adj["multiplier"] = "2"

    def top_tier(comp: dict) -> None:
        comp["tiers"][-1]["rate"] = "0.12"

    def lower_cap(comp: dict) -> None:
        comp["caps"] = {**comp.get("caps", {}), "per_period": "40000"}

    return [
        Variant("baseline"),
        Variant("accelerator_2x", changed(accelerator)),
        Variant("top_tier_12pct", changed(top_tier)),
        Variant("quotas_plus_10pct", quota_factor="1.1"),
        Variant("cap_40k", changed(lower_cap)),
    ]


def _close_run_inputs(company: Any, close: Any) -> dict[str, Any]:
    """The closed quarter's run inputs (the same ones :func:`salescomp.close.close_quarter`
    ran its last quarter with), for :func:`plan_cost`."""
    from ..close import _EPOCH, _run_credit_columns

    index = {p: i for i, p in enumerate(close.person_ids)}
    credits, days = _run_credit_columns(close.credits, index)
    credits = credits.filter(pa.array(days <= (close.end - _EPOCH).days))
    asg = company.assignments.to_pydict()
    to = asg.get("to") or [None] * len(asg["person_id"])
    assignments = [
        {"person": index[p], "plan": v, "from": f, "to": t}
        for p, fld, v, f, t in zip(asg["person_id"], asg["field"], asg["value"], asg["from"], to)
        if fld == "plan"
    ]
    plan_of: dict[str, list[str]] = {}
    for a in assignments:
        plan_of.setdefault(close.person_ids[a["person"]], []).append(a["plan"])
    qt = close.quotas.filter(
        pc.equal(close.quotas.column("subject_kind").cast(pa.string()), "person")
    ).to_pydict()
    quotas: dict[tuple[int, str], dict[str, Any]] = {}
    for s, m, kind, y, num, amount, ccy in zip(
        qt["subject"],
        qt["measure"],
        qt["period_kind"],
        qt["fiscal_year"],
        qt["number"],
        qt["quota"],
        qt["currency"],
    ):
        if (
            kind == "quarter"
            and y == close.fiscal_year
            and num == close.quarter
            and any(m in close.plans[p].measure_ids for p in plan_of.get(s, ()))
        ):
            quotas[(index[s], m)] = {
                "person": index[s],
                "measure": m,
                "period_start": close.start,
                "amount": amount,
                "currency": ccy,
            }
    d = company.deals
    deals = {"close_date": d.column("close_date")}
    if "cancellation_date" in d.column_names:
        deals["cancellation_date"] = d.column("cancellation_date")
    if "term_months" in d.column_names:
        deals["term_months"] = pc.fill_null(d.column("term_months"), 0).cast(pa.int32())
    if "product" in d.column_names and pa.types.is_integer(d.schema.field("product").type):
        deals["product"] = pc.fill_null(d.column("product"), -1).cast(pa.int32())
    state = close.runs[-2].next_state if len(close.runs) > 1 else None
    mbo = [
        {
            "person": index[e["person"]],
            "component": e["component"],
            "objective": e["objective"],
            "achievement": e["achievement"],
        }
        for e in company.mbo
        if int(e.get("quarter", close.quarter)) == close.quarter
    ]
    return dict(
        plans=list(close.plans.values()),
        assignments=assignments,
        credits=credits,
        deals=pa.table(deals),
        quotas=list(quotas.values()),
        mbo=mbo,
        state=state,
        period={
            "start": close.start,
            "end": close.end,
            "quarter_start": close.start,
            "year_start": company.calendar().year_first(close.fiscal_year),
        },
    )


def next_quarter(
    company: Any,
    *,
    close: Any = None,
    opportunities: Any = None,
    stage_history: Any = None,
    rates: Mapping[str, Any] | None = None,
    book: Any = None,
    simulations: int = 10_000,
    seed: int = 2026,
    annual_attrition: float | None = None,
    lead_time_months: int = 2,
    base_monthly: float = 9_000.0,
    variants: Sequence[Variant] | None = None,
) -> NextQuarter:
    """The next quarter of ``company`` (a :class:`salescomp.demo.DemoCompany` or the tables of
    ``salescomp run``). ``opportunities``/``stage_history``/``book``/``rates`` default to
    the demo's generated history (:mod:`salescomp.demo._opportunities`). ``close`` (a
    :class:`salescomp.close.QuarterClose`) adds the cost of ``variants`` (default
    :func:`demo_variants`) over its quarter's credits. ``annual_attrition`` None learns it from the
    roster's end dates (:data:`DEFAULT_ATTRITION` when nobody left in the last 12 months)."""
    from ..demo import _opportunities as demo_history

    currency = getattr(company, "reporting_currency", "USD")
    if opportunities is None:
        opportunities, stage_history = demo_history.opportunity_history(company)
        rates = demo_history.PLANNING_RATES if rates is None else rates
        book = demo_history.account_book(company) if book is None else book
    rates = dict(rates or {})
    h = opportunity_history(
        opportunities, stage_history=stage_history, rates=rates, currency=currency
    )
    start_month = getattr(company, "fiscal_start_month", 1)
    as_of = company.as_of
    key = int(quarter_key(day_number(as_of), start_month)) + 1
    first_day, last_day = quarter_bounds(key, start_month)
    fc = forecast(
        h,
        first=to_date(first_day),
        last=to_date(last_day),
        as_of=as_of,
        simulations=simulations,
        seed=seed,
        start_month=start_month,
    )
    quota = _quota_total(company, h.owners, rates, currency, key, start_month)
    bt = backtest(
        h,
        data_as_of=as_of,
        start_month=start_month,
        simulations=max(500, simulations // 5),
        seed=seed,
    )
    first = to_date(first_day)
    tenures = _tenures(company, h.owners, first)
    ramp_values = [
        float(v) for v in (company.ramps[0]["values"] if getattr(company, "ramps", None) else [])
    ]
    ramped = [o for o, t in tenures.items() if t >= 12]
    a = day_number(as_of)
    samples = productivity_from_history(h, a - 364, a, ramped or None)
    cost = (
        plan_cost(
            variants or demo_variants(company.plan_documents),
            **_close_run_inputs(company, close),
            person_ids=close.person_ids,
        )
        if close is not None
        else None
    )
    rate = _variable_rate(cost, currency)
    annual_attrition, attrition_note = _attrition(company, h.owners, as_of, annual_attrition)
    cap = capacity_plan(
        target=float(quota) * 4,
        months=12,
        tenures=list(tenures.values()),
        ramp=ramp_by_quarter(ramp_values),
        annual_attrition=annual_attrition,
        productivity=samples,
        lead_time_months=lead_time_months,
        base_monthly=base_monthly,
        commission_rate=rate,
        simulations=simulations,
        seed=seed,
    )
    assumptions = {
        "annual attrition": f"{annual_attrition:.1%} ({attrition_note})",
        "hiring lead time": f"{lead_time_months} months",
        "ramp by quarter": "/".join(f"{v:.0%}" for v in ramp_values) + "/100%",
        "base per rep-month": f"{base_monthly:,.0f}",
        "variable rate": f"{rate:.2%}",
        "productivity": f"won per month of {len(samples)} ramped reps, last 12 months",
    }
    pay = (
        _pay_of_forecast(
            company, close, fc, h.owners, rates, currency, key, first, to_date(last_day)
        )
        if close is not None
        else None
    )
    return NextQuarter(
        label=quarter_label(key),
        first=first,
        last=to_date(last_day),
        as_of=as_of,
        currency=currency,
        history=h,
        funnel=funnel_summary(h, start_month),
        coverage=coverage(h, quota, first_day, last_day),
        forecast=fc,
        backtest=bt,
        capacity=cap,
        assumptions=assumptions,
        plan_cost=cost,
        plan_cost_quarter=close.label if close is not None else "",
        person_ids=list(close.person_ids) if close is not None else [],
        retention=retention(book) if book is not None else None,
        forecast_pay=pay,
    )


def _variable_rate(cost: PlanCost | None, currency: str) -> float:
    """The baseline's payout / bookings in ``currency`` (the capacity plan's variable rate)."""
    if cost is None:
        return 0.0
    for r in cost.totals.to_pylist():
        if (
            r["variant"] == cost.variants[0]
            and r["currency"] == currency
            and r["cost_of_sales"] is not None
        ):
            return float(r["cost_of_sales"])
    return 0.0


def _pay_of_forecast(
    company: Any,
    close: Any,
    fc: Forecast,
    owners: Sequence[str],
    rates: Mapping[str, Any],
    currency: str,
    key: int,
    first: dt.date,
    last: dt.date,
) -> pa.Table:
    """The engine's pay on the forecast scenarios: the owners' plans at the close's quarter
    end, the close's effective quotas of that quarter assumed to repeat."""
    from .forecast_pay import forecast_pay

    index = {p: i for i, p in enumerate(close.person_ids)}
    people = [o for o in owners if o in index and o in close.plans_of]
    plan_ids = sorted({close.plans_of[o] for o in people})
    inputs = _close_run_inputs(company, close)
    mine = {index[o] for o in people}
    quotas = [dict(q, period_start=first) for q in inputs["quotas"] if q["person"] in mine]
    return forecast_pay(
        fc.summary,
        person_index={o: index[o] for o in people},
        plans=[close.plans[p] for p in plan_ids],
        assignments=[
            {"person": index[o], "plan": close.plans_of[o], "from": first, "to": None}
            for o in people
        ],
        quotas=quotas,
        period={
            "start": first,
            "end": last,
            "quarter_start": first,
            "year_start": company.calendar().year_first(key // 4),
        },
        rates=rates,
        reporting_currency=currency,
    )


#: Annual attrition assumed when the roster shows no leaver in the last 12 months.
DEFAULT_ATTRITION = 0.15


def _attrition(
    company: Any, owners: Sequence[str], as_of: dt.date, given: float | None
) -> tuple[float, str]:
    """The annual attrition of the plan and where it comes from: ``given``, else learned from
    the owners' roster end dates over the 12 months to ``as_of`` (leavers / months employed, as
    a monthly hazard h, annual 1 - (1 - h)^12), else :data:`DEFAULT_ATTRITION`."""
    from .capacity import attrition_from_roster

    if given is not None:
        return given, "given"
    p = company.people
    keep = pc.is_in(p.column("person_id"), value_set=pa.array(list(owners), pa.string()))
    p = p.filter(keep)
    a = day_number(as_of)
    start = _day_numbers(p.column("start_date"))
    end = (
        _day_numbers(p.column("end_date"))
        if "end_date" in p.column_names
        else np.full(len(start), -1)
    )
    end = np.where(end < 0, a + 1, end)  # still employed
    hazard = attrition_from_roster(start, end, a - 364, a)
    leavers = int(((end >= a - 364) & (end <= a)).sum())
    if leavers == 0:
        return DEFAULT_ATTRITION, "assumed: the roster shows no leaver in the last 12 months"
    return 1.0 - (
        1.0 - hazard
    ) ** 12, f"learned: {leavers} leavers among {len(start)} reps in 12 months"


def _day_numbers(column: Any) -> np.ndarray:
    """Day numbers of a date column (ISO text or dates); -1 where empty."""
    arr = column.combine_chunks() if hasattr(column, "combine_chunks") else column
    if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
        arr = arr.cast(pa.date32())
    return np.asarray(
        pc.fill_null(arr.cast(pa.date32()).cast(pa.int32()), -1).to_numpy(zero_copy_only=False),
        dtype=np.int64,
    )
