"""A quarter close from end to end.

:func:`close_quarter` takes a company's inputs (the demo company of :mod:`salescomp.demo`
or the tables ``salescomp run`` reads) through the path of a dollar: crediting, effective
quotas, attainment, the commission run of every quarter up to the closed one (so draws and
clawbacks carry over), statements, attribution of the year's journeys and pacing for the
next quarter. Money stays exact: amounts are ``decimal.Decimal`` or ``decimal128`` columns;
totals in the reporting currency are converted with :class:`salescomp.FxTable` (one
rounding per amount) and summed exactly.

The HTML report of a close is :func:`salescomp.report.render_html`.
"""

from __future__ import annotations

import datetime as dt
import html
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from ._errors import ValidationError

__all__ = ["QuarterClose", "close_quarter", "quarter_bounds", "attribute", "attribution_models", "CREDIT_KIND_ENUM"]


def quarter_bounds(calendar: Any, fiscal_year: int, quarter: int) -> tuple[dt.date, dt.date]:
    """First and last day of fiscal ``quarter`` (1..4) of ``fiscal_year`` in ``calendar``."""
    p = calendar.period(fiscal_year, "quarter", quarter)
    return p.first, p.last


def _credit_kinds() -> dict[str, Any]:
    """The engine's ``CreditKind`` members by their crediting names (``direct``, ``roll_up``, ...)."""
    from .engine import CreditKind

    return {
        "direct": CreditKind.Direct, "revenue_split": CreditKind.RevenueSplit, "overlay": CreditKind.Overlay,
        "roll_up": CreditKind.RollUp, "sdr_sourced": CreditKind.SdrSourced,
        "account_manager": CreditKind.AccountManager, "marketing_sourced": CreditKind.MarketingSourced,
        "territory": CreditKind.Territory,
    }


CREDIT_KIND_ENUM = _credit_kinds


def _require_engine_run() -> None:
    """Raise salescomp.Error when this build has no engine run (the commission run of the plan area)."""
    from . import engine

    if not hasattr(engine, "run_period"):
        from ._errors import Error

        raise Error("this build of salescomp has no salescomp.engine.run_period (the period run of the plan "
                    "area); the commission run needs it")


@dataclass
class QuarterClose:
    """Everything a quarter close produced. Tables are pyarrow Tables with exact decimal128
    money; ``runs`` are the :class:`salescomp.engine.RunResult` of Q1 .. the closed quarter."""

    fiscal_year: int
    quarter: int
    start: dt.date
    end: dt.date
    as_of: dt.date
    reporting_currency: str
    person_ids: list[str]
    roles: dict[str, str]
    plans_of: dict[str, str]
    plans: dict[str, Any]
    # Crediting's table (salescomp.Credits, C++). The close reads it in place; ``credits``
    # is its Arrow table, built on first use (docs/analyst.md "What a close holds").
    credit_source: Any
    quotas: Any
    attainment: Any
    distribution: dict[str, Any]
    runs: list[Any]
    payouts: Any
    statements: Any
    attribution: dict[str, Any] = field(default_factory=dict)
    pacing: Any = None
    fx: Any = None
    accounting: Any = None  # the amortisation book (salescomp.accounting) of the year's commissions
    accounting_roll_forward: Any = None  # its monthly roll-forward, fiscal year start .. quarter end
    # The organisation on the quarter's last day (Organisation.hierarchy: person_id, manager_id,
    # team, territory, role, plan); the report groups people by team with it.
    hierarchy: Any = None

    @property
    def label(self) -> str:
        return f"FY{self.fiscal_year}-Q{self.quarter}"

    @cached_property
    def credits(self) -> Any:
        """The year's credits as a pyarrow Table (:meth:`salescomp.Credits.to_arrow`), built
        the first time it is read: closing needs none of it (the runs, attainment and the
        accounting read crediting's C++ table in place), and at 10M deals it is ~3 GB."""
        return self.credit_source.to_arrow()

    @property
    def run(self) -> Any:
        """The commission run of the closed quarter."""
        return self.runs[-1]

    def person_index(self, person_id: str) -> int:
        try:
            return self.person_ids.index(person_id)
        except ValueError:
            from ._errors import ValidationError

            raise ValidationError(f"unknown person {person_id!r}; known: {', '.join(self.person_ids)}") from None

    def statement(self, person_id: str) -> Any:
        """The closed quarter's :class:`salescomp.engine.Statement` of a person."""
        return self.run.statement(self.person_index(person_id))

    def explain(self, person_id: str) -> str:
        """Why ``person_id`` was paid what they were this quarter, line by line (text)."""
        idx = self.person_index(person_id)
        out = [f"{person_id} ({self.roles.get(person_id, '?')}), plan {self.plans_of.get(person_id) or '-'}, "
               f"{self.label} ({self.start} .. {self.end})"]
        try:
            s = self.run.statement(idx)
        except KeyError:
            out.append("  no statement: no plan in force during the quarter")
            return "\n".join(out)
        for i, line in enumerate(s.lines):
            deal = "" if line["deal"] is None else f" deal {self._deal_id(line['deal'])}"
            out.append(f"\nline {i + 1}: {line['component']}{deal}: {line['amount']} {line['currency']}")
            out.extend("  " + t for t in self.run.explain(line).to_text().splitlines())
        out.append("")
        for comp, amount in s.subtotals:
            out.append(f"subtotal {comp:<20} {amount:>14} {s.currency}")
        out.append(f"recoverable balance {s.recoverable_balance} {s.currency}, "
                   f"guarantee balance {s.guarantee_balance} {s.currency}")
        out.append(f"TOTAL {s.total} {s.currency} (the exact sum of the {len(s.lines)} lines)")
        return "\n".join(out)

    _deal_ids: Any = None  # the deals' id column (Arrow); row -> the user's deal id

    def _deal_id(self, row: int) -> Any:
        ids = self._deal_ids
        return ids[row].as_py() if ids is not None and 0 <= row < len(ids) else row

    # -- summaries --------------------------------------------------------------------

    def totals_by(self, key: str) -> list[tuple[str, Decimal]]:
        """Payout totals of the closed quarter in the reporting currency by ``role``,
        ``component`` or ``plan`` (largest first)."""
        sums: dict[str, Decimal] = defaultdict(Decimal)
        t = self.payouts.to_pydict()
        for k, v in zip(t[key], t["amount_reporting"]):
            sums[k] += v
        return sorted(sums.items(), key=lambda kv: (-kv[1], kv[0]))

    def top_earners(self, n: int = 10) -> list[dict[str, Any]]:
        rows = self.statements.to_pylist()
        rows.sort(key=lambda r: (-r["total_reporting"], r["person_id"]))
        return rows[:n]

    def total_paid(self) -> Decimal:
        return sum((r["total_reporting"] for r in self.statements.to_pylist()), Decimal(0))

    def __repr__(self) -> str:
        return (f"QuarterClose({self.label}, statements={self.statements.num_rows}, "
                f"total_paid={self.total_paid()} {self.reporting_currency})")

    def _repr_html_(self) -> str:
        """Jupyter: the headline, totals by role and component and the top earners."""
        from .report import _table_html

        cur = self.reporting_currency
        return (
            f"<div><b>Quarter close {html.escape(self.label)}</b> ({self.start} .. {self.end}): "
            f"{self.statements.num_rows} statements, total paid {self.total_paid():,} {cur}"
            "<div style='display:flex;gap:2em'><div>"
            + _table_html(["role", f"total ({cur})"], [[r, f"{v:,}"] for r, v in self.totals_by("role")], {1})
            + "</div><div>"
            + _table_html(["component", f"total ({cur})"],
                          [[r, f"{v:,}"] for r, v in self.totals_by("component")], {1})
            + "</div><div>"
            + _table_html(["top earner", "plan", f"total ({cur})"],
                          [[r["person_id"], r["plan"], f"{r['total_reporting']:,}"] for r in self.top_earners(8)],
                          {2})
            + "</div></div></div>"
        )


def _arrow():
    import pyarrow as pa

    return pa


_EPOCH = dt.date(1970, 1, 1)


def _run_credit_columns(c: Any, index: dict[str, int]) -> tuple[Any, Any]:
    """The credits table as the columns ``salescomp.engine.run_period`` takes: a pyarrow
    table (roster ids mapped to run indexes; amounts stay exact decimal128), built column
    by column without per-row Python work. Returns the table and the credit dates as day
    numbers."""
    import numpy as np
    import pyarrow as pa

    person = c.column("person_id").combine_chunks()
    if not pa.types.is_dictionary(person.type):
        person = person.dictionary_encode()
    names = person.dictionary.to_pylist()
    person_of = np.array([index.get(n, -1) for n in names], dtype=np.int32)
    codes = person.indices.to_numpy(zero_copy_only=False)
    days = c.column("date").combine_chunks().cast(pa.int32()).to_numpy(zero_copy_only=False)
    table = pa.table(
        {
            "person": pa.array(person_of[codes], pa.int32()),
            "deal": c.column("deal_row"),
            "date": c.column("date"),
            "amount": c.column("amount"),
            "currency": c.column("currency"),
            "kind": c.column("kind"),
            "deal_type": c.column("deal_type"),
            "rule": c.column("rule"),
        }
    )
    return table, days


def _table_of(table: Any) -> Any:
    """A pyarrow Table of any table the close takes (pyarrow, pandas, polars, DuckDB, ...)."""
    from .tables import as_arrow_table

    return as_arrow_table(table)


#: The company attributes that are tables (what ``salescomp run`` reads from files).
COMPANY_TABLES = ("people", "assignments", "leaves", "deals", "splits", "account_managers", "quotas",
                  "ramp_assignments", "opportunities", "touchpoints", "outcomes", "fx_rates")


def arrow_company(company: Any) -> Any:
    """The company with every table as a pyarrow Table, whatever produced it (pandas, polars,
    DuckDB, any ``__arrow_c_stream__`` object or a dict of columns): the close reads one
    shape. Returns ``company`` itself when its tables are pyarrow already."""
    import copy

    import pyarrow as pa

    converted = {name: _table_of(t) for name in COMPANY_TABLES
                 if (t := getattr(company, name, None)) is not None and not isinstance(t, pa.Table)}
    if not converted:
        return company
    out = copy.copy(company)
    for name, table in converted.items():
        setattr(out, name, table)
    return out


@dataclass
class YearInputs:
    """What every quarter's commission run of one fiscal year takes, built once from a
    company: the organisation, plans, credits and effective quotas. :func:`close_quarter`
    runs Q1 .. its quarter from it; :mod:`salescomp.audit` runs one quarter at a time from a
    sealed record's state."""

    company: Any
    fiscal_year: int
    calendar: Any
    fx: Any
    org: Any
    person_ids: list[str]
    plans: dict[str, Any]
    plan_table: Any  # the plan rows of the assignments: person_id, plan, from, to (input order)
    deals: Any  # salescomp.Deals: deal rows in id order
    credits: Any  # salescomp.Credits: crediting's C++ table
    quotas: Any
    quota_table: Any

    @cached_property
    def deal_rows(self) -> Any:
        """The deal columns the runs and the accounting read (those of :data:`RUN_DEAL_COLUMNS`
        and ``demo_accounting.ACCOUNTING_DEAL_COLUMNS`` the deals have), in deal-row order
        (row = the credits' deal_row): one take of a few columns, not of the whole table."""
        return _deal_rows(self.company.deals, self.deals)

    @cached_property
    def credit_table(self) -> Any:
        """The credits as a pyarrow Table, built on first use (the close itself reads
        ``credits`` in place)."""
        return self.credits.to_arrow()

    @property
    def plan_rows(self) -> list[tuple[Any, Any, Any, Any]]:
        """(person_id, plan_id, from, to) of every plan assignment, in input order."""
        t = self.plan_table
        return list(zip(*(t.column(c).to_pylist() for c in ("person_id", "plan", "from", "to"))))

    @property
    def index(self) -> dict[str, int]:
        """Run index (row) of every person id."""
        return {p: i for i, p in enumerate(self.person_ids)}

    def run_args(self, quarter: int) -> dict[str, Any]:
        """The keyword arguments of :func:`salescomp.engine.run_period` for fiscal ``quarter``
        (all but ``state`` and ``threads``): year-to-date credits, the quarter's quotas and
        MBO achievements."""
        import pyarrow as pa
        import pyarrow.compute as pc

        fy, index, plans, company = self.fiscal_year, self.index, self.plans, self.company
        first, last = quarter_bounds(self.calendar, fy, quarter)
        plan_ids_of: dict[str, list[str]] = defaultdict(list)  # person -> plan ids, in assignment order
        for p, v, _f, _t in self.plan_rows:
            plan_ids_of[p].append(v)
        q = self.quota_table
        # The quarter's person rows, selected by column before any row becomes Python objects
        # (the year's rows are ~16 per person and measure).
        qt = q.filter(pc.and_(
            pc.and_(pc.equal(q.column("subject_kind").cast(pa.string()), "person"),
                    pc.equal(q.column("period_kind").cast(pa.string()), "quarter")),
            pc.and_(pc.equal(q.column("fiscal_year"), fy), pc.equal(q.column("number"), quarter))),
        ).select(["subject", "measure", "quota", "currency"]).to_pydict()
        run_quotas = []
        measures_of = {plan_id: plan.measure_ids for plan_id, plan in plans.items()}
        for s, m, amount, ccy in zip(qt["subject"], qt["measure"], qt["quota"], qt["currency"]):
            for plan_id in plan_ids_of.get(s, ()):
                if m in measures_of[plan_id]:
                    run_quotas.append({"person": index[s], "measure": m, "period_start": first, "amount": amount,
                                       "currency": ccy})
                    break
        run_quotas = [dict(x) for x in {(r["person"], r["measure"]): r for r in run_quotas}.values()]
        run_credits, credit_days = _run_credit_columns(self.credit_table, index)
        keep = credit_days <= (last - _EPOCH).days
        unknown = sorted({str(e["person"]) for e in company.mbo if e["person"] not in index})
        if unknown:  # never dropped: an achievement for nobody is a data error
            raise ValidationError(f"[SC-RUN-MBO-PERSON] mbo: person(s) not on the roster: {', '.join(unknown)}")
        mbo = [{"person": index[e["person"]], "component": e["component"], "objective": e["objective"],
                "achievement": e["achievement"]} for e in company.mbo
               if int(e.get("quarter", quarter)) == quarter]
        return dict(
            plans=list(plans.values()),
            assignments=[{"person": index[p], "plan": v, "from": f, "to": t} for p, v, f, t in self.plan_rows],
            credits=run_credits.filter(pa.array(keep)),
            period={"start": first, "end": last, "quarter_start": first,
                    "year_start": self.calendar.year_first(fy)},
            quotas=run_quotas, deals=_run_deal_columns(self.deal_rows, self.deals, in_row_order=True), mbo=mbo,
        )


# The deal columns the commission run reads (_run_deal_columns).
RUN_DEAL_COLUMNS = ("close_date", "cancellation_date", "term_months", "product")


def _deal_rows(table: Any, deals: Any) -> Any:
    """The deal columns a close reads (those of RUN_DEAL_COLUMNS and
    ``demo_accounting.ACCOUNTING_DEAL_COLUMNS`` the table has) in deal-row order."""
    import pyarrow as pa

    from .demo_accounting import ACCOUNTING_DEAL_COLUMNS

    table = _table_of(table)
    read = {*RUN_DEAL_COLUMNS, *ACCOUNTING_DEAL_COLUMNS}
    return table.select([c for c in table.column_names if c in read]).take(pa.array(deals.input_rows))


def _run_deal_columns(table: Any, deals: Any, *, in_row_order: bool = False) -> Any:
    """The deal columns the run reads, as Arrow, in deal-row order (the order of the deal
    ids; row = the credits' deal_row), with the user's ids for explanations. ``table``: the
    input deals, or with ``in_row_order`` already in deal-row order (YearInputs.deal_rows)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    d = table if in_row_order else _deal_rows(table, deals)
    run_deals = {"deal_id": deals._ids, "close_date": d.column("close_date")}
    if "cancellation_date" in d.column_names:
        run_deals["cancellation_date"] = d.column("cancellation_date")
    if "term_months" in d.column_names:
        run_deals["term_months"] = pc.fill_null(d.column("term_months"), 0).cast(pa.int32())
    if "product" in d.column_names and pa.types.is_integer(d.schema.field("product").type):
        run_deals["product"] = pc.fill_null(d.column("product"), -1).cast(pa.int32())
    return pa.table(run_deals)


def _plan_table(assignments: Any, plans: dict[str, Any]) -> Any:
    """The plan rows of the organisation's assignments (person_id, plan, from, to) in input
    order, column by column; a plan id that no plan document defines is an error."""
    import pyarrow as pa
    import pyarrow.compute as pc

    a = assignments.filter(pc.equal(assignments.column("field").cast(pa.string()), "plan"))
    to = a.column("to") if "to" in a.column_names else pa.nulls(a.num_rows, a.schema.field("from").type)
    t = pa.table({"person_id": a.column("person_id").cast(pa.string()), "plan": a.column("value").cast(pa.string()),
                  "from": a.column("from"), "to": to})
    unknown = t.filter(pc.invert(pc.is_in(t.column("plan"), pa.array(list(plans), pa.string()))))
    if unknown.num_rows:
        raise ValidationError("plan assignments name plans that are not defined: " + "; ".join(
            f"{p} -> {v!r}" for p, v in zip(unknown.column("person_id").to_pylist(), unknown.column("plan").to_pylist()))
            + f" (defined: {', '.join(sorted(plans))})")
    return t


def year_inputs(company: Any, fiscal_year: int | None = None, *, threads: int = 1,
                step: Callable[[str], None] | None = None) -> YearInputs:
    """Organisation, plans, crediting and effective quotas of the company's fiscal year
    (``step`` is called with the name of each stage)."""
    from . import Deals, FxTable, Organisation, credit, effective_quotas
    from .plan import Plan

    step = step or (lambda _name: None)
    company = arrow_company(company)
    fy = fiscal_year or company.fiscal_year
    calendar = company.calendar()
    fx = company.fx() if company.fx_rates is not None else FxTable()
    step("organisation")
    org = Organisation(company.people, company.assignments, company.leaves)
    step("plans")
    plans = {}
    for i, d in enumerate(list(company.plan_documents)):
        try:
            plans[d["id"]] = Plan.from_dict(d)
        except ValidationError as e:
            raise ValidationError(f"plans[{i}] ({d.get('id', '?')}): {e}") from None
    plan_table = _plan_table(company.assignments, plans)
    step("deals")
    deals = Deals(org, company.deals)
    step("crediting")
    credits = credit(deals, company.credit_rules, splits=company.splits, account_managers=company.account_managers,
                     fx=fx, calendar=calendar, period_kind="quarter", threads=threads)
    step("quotas")
    quotas = effective_quotas(org, company.quotas, calendar=calendar, measures=credits, ramps=company.ramps,
                              ramp_assignments=company.ramp_assignments)
    return YearInputs(company=company, fiscal_year=fy, calendar=calendar, fx=fx, org=org,
                      person_ids=org.person_ids, plans=plans, plan_table=plan_table, deals=deals, credits=credits,
                      quotas=quotas, quota_table=quotas.to_arrow())


def close_quarter(
    company: Any,
    quarter: int,
    *,
    fiscal_year: int | None = None,
    reporting_currency: str | None = None,
    threads: int = 1,
    progress: bool | Callable[[str], None] | None = None,
) -> QuarterClose:
    """Close ``quarter`` of the company's fiscal year (see the module docstring).

    ``company`` has the attributes of :class:`salescomp.demo.DemoCompany`. ``progress``:
    None (default) shows a tqdm bar in terminals and notebooks and none otherwise; True or
    False forces it; a callable is called with the name of each stage instead.
    ``reporting_currency`` (default: the company's) is the currency of the totals and of the
    journeys' conversion values."""
    reporting_currency = reporting_currency or getattr(company, "reporting_currency", "USD")
    if callable(progress):
        return _close_quarter(company, quarter, fiscal_year=fiscal_year, reporting_currency=reporting_currency,
                              threads=threads, progress=progress)
    from .progress import Progress

    with Progress(total=8 + quarter, desc=f"close Q{quarter}", enabled=progress) as bar:
        return _close_quarter(company, quarter, fiscal_year=fiscal_year, reporting_currency=reporting_currency,
                              threads=threads, progress=bar.step)


@contextmanager
def _people_named(person_ids: list[str], month: str) -> Iterator[None]:
    """The run names a person by run index (``row``); the close's errors name the user's id
    and the month computed, so a message never shows an internal position."""
    try:
        yield
    except ValidationError as e:
        if getattr(e, "id", "") != "SC-RUN-INVALID" or not e.issues:
            raise
        # run_period(person_ids=...) has named the people already; older errors name run indexes.
        issues = [i if i.get("person") is not None else {**i, "row": None, "person": person_ids[i["row"]]}
                  for i in e.issues]
        lines = [f"  person {i['person']!r}"
                 + ("" if i["field"] == "person" else f", component {i['field']!r}: {i['value']}")
                 + f": {i['rule']}" for i in issues]
        named = ValidationError(f"[SC-RUN-INVALID] the run of {month}: {len(issues)} problem(s):\n" + "\n".join(lines))
        named.id = "SC-RUN-INVALID"
        named.issues = issues
        raise named from e


def _close_quarter(
    company: Any,
    quarter: int,
    *,
    fiscal_year: int | None,
    reporting_currency: str,
    threads: int,
    progress: Callable[[str], None],
) -> QuarterClose:
    _require_engine_run()
    step = progress or (lambda _name: None)
    company = arrow_company(company)
    fy = fiscal_year or company.fiscal_year
    if quarter not in (1, 2, 3, 4):
        raise ValidationError(f"quarter must be 1..4, got {quarter}")
    inputs = year_inputs(company, fy, threads=threads, step=step)
    people = company.people.select(["person_id", "role", "pay_currency"]).to_pydict()
    roles = dict(zip(people["person_id"], people["role"]))
    q_first, q_last = quarter_bounds(inputs.calendar, fy, quarter)
    plans_of = _plans_in_force(inputs, dict(zip(people["person_id"], people["pay_currency"])), q_last)

    step("attainment")
    att_table, distribution = _attainment_of(inputs, quarter, min(q_last, company.as_of), threads)
    runs = _commission_runs(inputs, quarter, threads, step)

    step("statements")
    from ._close_tables import payout_table, statement_table

    fx, person_ids, deal_ids = inputs.fx, inputs.person_ids, inputs.deals._ids
    result = QuarterClose(
        fiscal_year=fy, quarter=quarter, start=q_first, end=q_last, as_of=company.as_of,
        reporting_currency=reporting_currency, person_ids=person_ids, roles=roles, plans_of=plans_of,
        plans=inputs.plans, credit_source=inputs.credits, quotas=inputs.quota_table, attainment=att_table,
        distribution=distribution, runs=runs,
        payouts=payout_table(runs[-1], person_ids, roles, plans_of, deal_ids, reporting_currency, fx, q_last),
        statements=statement_table(runs[-1], person_ids, roles, reporting_currency, fx, q_last), fx=fx,
    )
    result._deal_ids = deal_ids
    result.hierarchy = inputs.org.hierarchy(q_last)

    step("accounting")
    result.accounting, result.accounting_roll_forward = _accounting_of(inputs, runs)
    if company.touchpoints is not None and company.touchpoints.num_rows:
        step("attribution")
        result.attribution = attribute(company.touchpoints, company.outcomes, reporting_currency)
    if quarter < 4 and company.as_of > q_last:
        step("pacing")
        result.pacing = _pacing_of(inputs, quarter, threads)
    return result


def _plans_in_force(inputs: YearInputs, pay_currency: dict[str, str], day: dt.date) -> dict[str, str]:
    """person id -> the plan id in force on ``day`` (the quarter's last day); a plan paying
    in another currency than the person's pay currency is an error."""
    import pyarrow as pa

    from .tables import MISSING_DAY, days

    t, on = inputs.plan_table, (day - _EPOCH).days
    starts, ends = days(t.column("from"), "from"), days(t.column("to"), "to")
    in_force = pa.array((starts <= on) & ((ends == MISSING_DAY) | (ends >= on)))
    # The last plan row in force wins (rows in input order), as the organisation reads them.
    plans_of = dict(zip(t.column("person_id").filter(in_force).to_pylist(), t.column("plan").filter(in_force).to_pylist()))
    for p, plan_id in plans_of.items():
        if inputs.plans[plan_id].currency.code != pay_currency[p]:
            raise ValidationError(f"{p} is paid in {pay_currency[p]} but plan {plan_id} pays in "
                                  f"{inputs.plans[plan_id].currency.code}")
    return plans_of


def _attainment_of(inputs: YearInputs, quarter: int, through: dt.date, threads: int = 1) -> tuple[Any, dict[str, Any]]:
    """The year's attainment through ``through`` and the quarter's attainment distribution
    per "measure (currency)"."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from . import attainment, attainment_distribution

    att_table = attainment(inputs.credits, inputs.quotas, calendar=inputs.calendar, through=through,
                           threads=threads).to_arrow()
    person_q = att_table.filter(pc.and_(pc.equal(att_table.column("number"), quarter),
                                        pc.equal(att_table.column("fiscal_year"), inputs.fiscal_year)))
    measure = person_q.column("measure").cast(pa.string())
    currency = person_q.column("currency").cast(pa.string())
    distribution: dict[str, Any] = {}
    for m in sorted(set(measure.to_pylist())):
        for ccy in sorted(set(currency.filter(pc.equal(measure, m)).to_pylist())):
            sub = person_q.filter(pc.and_(pc.equal(measure, m), pc.equal(currency, ccy)))
            distribution[f"{m} ({ccy})"] = attainment_distribution(sub)
    return att_table, distribution


def _commission_runs(inputs: YearInputs, quarter: int, threads: int, step: Callable[[str], None]) -> list[Any]:
    """The commission run of every quarter up to ``quarter``, each starting from the state the
    previous one left."""

    from .engine import RunDeals, run_period

    company, calendar, fy, person_ids = inputs.company, inputs.calendar, inputs.fiscal_year, inputs.person_ids
    index = inputs.index
    unknown = sorted({str(e["person"]) for e in company.mbo if e["person"] not in index})
    if unknown:  # never dropped: an achievement for nobody is a data error
        raise ValidationError(f"[SC-RUN-MBO-PERSON] mbo: person(s) not on the roster: {', '.join(unknown)}")
    # Read once for every quarter's run.
    run_deals = RunDeals(_run_deal_columns(inputs.deal_rows, inputs.deals, in_row_order=True))
    plan_list = list(inputs.plans.values())
    year_first = calendar.year_first(fy)
    runs: list[Any] = []
    state = None
    for qn in range(1, quarter + 1):
        step(f"commission run Q{qn}")
        first, last = quarter_bounds(calendar, fy, qn)
        mbo = [{"person": index[e["person"]], "component": e["component"], "objective": e["objective"],
                "achievement": e["achievement"]} for e in company.mbo if int(e.get("quarter", qn)) == qn]
        with _people_named(person_ids, f"{first:%Y-%m}"):
            # The organisation's assignments, the effective quotas and crediting's table as they
            # are: the run takes the plan rows of the one, the person quotas of each plan's period
            # of the other, and of the credits (in place, no copy) those of the fiscal year to the
            # quarter's end (engine/period_run.cpp groups only those).
            run = run_period(plans=plan_list, assignments=company.assignments, credits=inputs.credits,
                             period={"start": first, "end": last, "quarter_start": first, "year_start": year_first},
                             quotas=inputs.quota_table, deals=run_deals, mbo=mbo, state=state, threads=threads,
                             person_ids=person_ids)
        runs.append(run)
        state = run.next_state
    return runs


def _accounting_of(inputs: YearInputs, runs: list[Any]) -> tuple[Any, Any]:
    """The commission-expense book of the year's runs: its schedule and roll-forward."""

    from .demo_accounting import ACCOUNTING_DEAL_COLUMNS, close_accounting

    calendar, fy = inputs.calendar, inputs.fiscal_year
    quarter_ends = [quarter_bounds(calendar, fy, q)[1] for q in range(1, len(runs) + 1)]
    # Only what the book reads: the deals' id, close date, type and term, in deal-row order,
    # and crediting's table as it lies (no Arrow export).
    deal_rows = inputs.deal_rows
    deal_rows = deal_rows.select([c for c in ACCOUNTING_DEAL_COLUMNS if c in deal_rows.column_names])
    return close_accounting(runs, quarter_ends, inputs.person_ids, deal_rows, inputs.credits,
                            calendar.year_first(fy))


def _pacing_of(inputs: YearInputs, quarter: int, threads: int = 1) -> Any:
    """Pacing of the quarter after ``quarter`` as of the company's as-of date."""
    from . import attainment, pacing

    company, calendar = inputs.company, inputs.calendar
    _n_first, n_last = quarter_bounds(calendar, inputs.fiscal_year, quarter + 1)
    as_of = min(company.as_of, n_last)
    att_now = attainment(inputs.credits, inputs.quotas, calendar=calendar, through=as_of, threads=threads)
    return pacing(att_now, as_of, opportunities=company.opportunities,
                  stage_probability=company.stage_probability, fx=inputs.fx).to_arrow()


def attribution_models() -> tuple[str, ...]:
    """The models the close attributes the year's journeys with (in report order)."""
    return ("first_touch", "last_touch", "linear", "position_based", "time_decay", "markov")


def attribute(touchpoints: Any, outcomes: Any, currency: str) -> dict[str, Any]:
    """Channel credits (pyarrow) of the journeys under several models, by model name."""
    from . import attribution as sa

    paths = sa.Paths.from_journeys(touchpoints, outcomes, currency=currency)
    out = {}
    for model in attribution_models():
        if model == "markov":
            out[model] = sa.markov(paths, 1, output="arrow").channels
        else:
            out[model] = sa.rule_based(paths, model, output="arrow").channels
    return out
