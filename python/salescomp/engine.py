"""Component calculators: exact payouts of one plan component with their explanations.

Amounts are ``decimal.Decimal``, ``str`` or ``int`` in the plan currency
(``float`` is refused); results carry the amount as ``Decimal`` and an
:class:`Explanation` (structured fields and ``to_text()``). The plan's
rounding mode applies, once per amount.

>>> from salescomp.plan import Plan
>>> from salescomp.engine import calculate_component
>>> plan = Plan.from_dict({"id": "p", "currency": "USD", "period": "month",
...     "measures": [{"id": "m"}],
...     "components": [{"id": "c", "type": "flat_rate", "measure": "m", "rate": "0.05"}]})
>>> calculate_component(plan, "c", measure="12345.70").amount
Decimal('617.28')
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from . import _core
from ._core import CreditKind, Explanation  # type: ignore[import-not-found]
from .plan import Plan

__all__ = [
    "Explanation",
    "calculate_component",
    "calculate_milestones",
    "calculate_spif",
    "calculate_mbo",
    "calculate_draw",
    "calculate_clawback",
    "calculate_payable",
]

Amount = Decimal | str | int
DateLike = _dt.date | str


def calculate_component(
    plan: Plan,
    component_id: str,
    *,
    measure: Amount = 0,
    quota: Amount | None = None,
    count: int = 0,
    paid_before: Amount = 0,
    paid_in_year: Amount = 0,
    gate_measure: Amount | None = None,
    gate_quota: Amount | None = None,
    deal_credits: Sequence[Amount] = (),
) -> Explanation:
    """A measure-based component (flat_rate, tiered, target_incentive, per_unit, manager_override).

    ``measure``/``quota`` cover the component's span (the period, or quarter/year to
    date for cumulative components, with ``paid_before`` what earlier periods of the
    span paid). ``gate_measure``/``gate_quota`` are the gate's own values when it
    looks at another measure or span. ``deal_credits`` feed a per-deal cap.
    """
    return _core._calculate_component(
        plan._plan,
        component_id,
        measure,
        quota,
        count,
        paid_before,
        paid_in_year,
        gate_measure,
        gate_quota,
        list(deal_credits),
    )


def calculate_milestones(
    plan: Plan,
    component_id: str,
    *,
    measure: Amount,
    quota: Amount,
    already_paid: Iterable[str] = (),
) -> tuple[list[Explanation], list[str]]:
    """Newly reached milestones (one explanation each) and their ids."""
    lines, ids = _core._calculate_milestones(
        plan._plan, component_id, measure, quota, list(already_paid)
    )
    return list(lines), list(ids)


def calculate_spif(
    plan: Plan, component_id: str, credits: Iterable[Mapping[str, Any]]
) -> list[tuple[int, Explanation]]:
    """``(deal, explanation)`` for every qualifying credit. Each credit is a mapping
    with ``deal`` (int), ``date``, ``deal_type`` (e.g. ``"new_business"``),
    ``product`` (int, -1 for none) and ``credit`` (amount)."""
    rows = [
        (
            int(c["deal"]),
            c["date"],
            c.get("deal_type", "new_business"),
            int(c.get("product", -1)),
            c["credit"],
        )
        for c in credits
    ]
    return list(_core._calculate_spif(plan._plan, component_id, rows))


def calculate_mbo(plan: Plan, component_id: str, achievements: Mapping[str, Amount]) -> Explanation:
    """``target x sum(weight x min(achievement, max_achievement))``."""
    return _core._calculate_mbo(plan._plan, component_id, dict(achievements))


def calculate_draw(
    plan: Plan,
    component_id: str,
    *,
    earnings: Amount,
    recoverable_balance: Amount = 0,
    guarantee_balance: Amount = 0,
    periods_elapsed: int = 0,
) -> dict[str, Any]:
    """One period of a draw: ``paid``, ``recovered`` (<= 0), ``forgiven``, the balances
    after, ``periods_elapsed`` after, and ``explanation``."""
    return _core._calculate_draw(
        plan._plan, component_id, earnings, recoverable_balance, guarantee_balance, periods_elapsed
    )


def calculate_clawback(
    plan: Plan,
    component_id: str,
    *,
    close: DateLike,
    cancellation: DateLike,
    paid: Amount,
    term_months: int = 0,
) -> Explanation | None:
    """The clawback (a negative amount) of a cancelled deal, or None outside the window."""
    return _core._calculate_clawback(
        plan._plan, component_id, close, cancellation, term_months, paid
    )


def calculate_payable(
    plan: Plan,
    component_id: str,
    *,
    earned: Amount,
    close: DateLike,
    period_end: DateLike,
    invoice: DateLike | None = None,
    deal_amount: Amount = 0,
    collected: Amount = 0,
    paid_before: Amount = 0,
) -> Explanation:
    """What of ``earned`` is payable this period under the plan's payout timing."""
    return _core._calculate_payable(
        plan._plan,
        component_id,
        earned,
        close,
        invoice,
        deal_amount,
        collected,
        period_end,
        paid_before,
    )


# ---- the period run ---------------------------------------------------------

__all__ += [
    "CreditKind",
    "RunResult",
    "Statement",
    "run_period",
    "restatement_adjustments",
    "what_if",
]



def _columns(table: Any) -> dict:
    """A dict of sequences from a pandas/polars DataFrame, a pyarrow Table or a dict."""
    if table is None:
        return None
    if isinstance(table, Mapping):
        return {k: list(v) for k, v in table.items()}
    if hasattr(table, "to_pydict"):  # pyarrow
        return table.to_pydict()
    if hasattr(table, "to_dict"):
        try:  # pandas
            return {k: list(v) for k, v in table.to_dict(orient="list").items()}
        except TypeError:  # polars
            return {k: list(v) for k, v in table.to_dict(as_series=False).items()}
    raise TypeError(
        f"expected a DataFrame, pyarrow Table or dict of columns, got {type(table).__name__}"
    )


class Statement:
    """One person's statement: lines, subtotals by component, draw balances and the total
    (the exact sum of the lines). Renders as a table in Jupyter."""

    def __init__(self, result: RunResult, data: dict) -> None:
        self._result = result
        self.person: int = data["person"]
        self.plan: str = data["plan"]
        self.currency: str = data["currency"]
        self.lines: list[dict] = [result.lines[i] for i in data["lines"]]
        self.subtotals: list[tuple[str, Decimal]] = [tuple(s) for s in data["subtotals"]]
        self.recoverable_balance: Decimal = data["recoverable_balance"]
        self.guarantee_balance: Decimal = data["guarantee_balance"]
        self.total: Decimal = data["total"]

    def to_pandas(self):
        import pandas as pd

        return pd.DataFrame(
            self.lines, columns=["component", "deal", "amount", "currency", "explanation"]
        )

    def explain(self, line: int) -> Explanation:
        """The explanation of the statement's `line`-th line."""
        return self._result.explain(self.lines[line])

    def _repr_html_(self) -> str:
        import html

        rows = "".join(
            f"<tr><td>{html.escape(line['component'])}</td>"
            f"<td>{'' if line['deal'] is None else line['deal']}</td>"
            f"<td style='text-align:right'>{line['amount']}</td></tr>"
            for line in self.lines
        )
        subtotals = "".join(
            f"<tr><td colspan=2><i>{html.escape(c)}</i></td><td style='text-align:right'><i>{a}</i></td></tr>"
            for c, a in self.subtotals
        )
        return (
            f"<table><caption>Person {self.person}, plan {html.escape(self.plan)} ({self.currency})</caption>"
            f"<tr><th>component</th><th>deal</th><th>amount</th></tr>{rows}{subtotals}"
            f"<tr><td colspan=2>recoverable / guarantee balance</td><td style='text-align:right'>"
            f"{self.recoverable_balance} / {self.guarantee_balance}</td></tr>"
            f"<tr><th colspan=2>total</th><th style='text-align:right'>{self.total}</th></tr></table>"
        )

    def __repr__(self) -> str:
        return f"Statement(person={self.person}, plan={self.plan!r}, total={self.total} {self.currency})"


class RunResult:
    """Payout lines (amounts as Decimal), explanations, statements and the state for the next period."""

    def __init__(self, core: Any) -> None:
        self._core = core
        self.lines: list[dict] = list(core.lines)
        self.statements: list[Statement] = [Statement(self, s) for s in core.statements]

    def explain(self, line: int | Mapping[str, Any]) -> Explanation:
        """The explanation of a line (its index or the line itself)."""
        index = (
            line["explanation"] if isinstance(line, Mapping) else self.lines[line]["explanation"]
        )
        return self._core.explanation(index)

    def statement(self, person: int) -> Statement:
        for s in self.statements:
            if s.person == person:
                return s
        raise KeyError(person)

    def to_pandas(self):
        """The payout lines as a DataFrame; amounts are exact ``Decimal`` objects."""
        import pandas as pd

        return pd.DataFrame(
            self.lines,
            columns=[
                "person",
                "period_start",
                "component",
                "deal",
                "amount",
                "currency",
                "explanation",
            ],
        )

    def to_arrow(self):
        """The payout lines as a pyarrow Table with an exact ``decimal128`` amount column
        (scale = the largest currency exponent among the lines, 2 when there are none)."""
        import pyarrow as pa

        from ._core import Currency

        scale = max((Currency(line["currency"]).exponent for line in self.lines), default=2)
        return pa.table(
            {
                "person": pa.array([line["person"] for line in self.lines], pa.int32()),
                "period_start": pa.array([line["period_start"] for line in self.lines], pa.date32()),
                "component": pa.array([line["component"] for line in self.lines], pa.string()),
                "deal": pa.array([line["deal"] for line in self.lines], pa.int64()),
                "amount": pa.array([line["amount"] for line in self.lines], pa.decimal128(38, scale)),
                "currency": pa.array([line["currency"] for line in self.lines], pa.string()),
                "adjustment": pa.array([line["adjustment"] for line in self.lines], pa.bool_()),
            }
        )

    @property
    def next_state(self) -> Any:
        return self._core.next_state


def _run_args(plans, assignments, credits, deals, quotas, mbo, period, state):
    plans = list(plans)
    index = {p.id: i for i, p in enumerate(plans)}
    rows = [(a["person"], index[a["plan"]], a["from"], a.get("to")) for a in assignments]
    # A quota's currency defaults to the currency of the person's (first) plan.
    currency_of = {}
    for person, plan, _, _ in rows:
        currency_of.setdefault(person, plans[plan].currency.code)
    quota_rows = [
        (
            q["person"],
            q["measure"],
            q["period_start"],
            q["amount"],
            q.get("currency") or currency_of.get(q["person"], "USD"),
        )
        for q in quotas
    ]
    mbo_rows = [(e["person"], e["component"], e["objective"], e["achievement"]) for e in mbo]
    period_tuple = (
        period["start"],
        period["end"],
        period.get("quarter_start", period["start"]),
        period.get("year_start", period["start"]),
    )
    return (
        [p._plan for p in plans],
        rows,
        _columns(credits),
        _columns(deals),
        quota_rows,
        mbo_rows,
        period_tuple,
        state if state is not None else _core._RunState(),
    )


def run_period(
    *,
    plans: Sequence[Plan],
    assignments: Sequence[Mapping[str, Any]],
    credits: Any,
    period: Mapping[str, DateLike],
    quotas: Sequence[Mapping[str, Any]] = (),
    deals: Any = None,
    mbo: Sequence[Mapping[str, Any]] = (),
    state: Any = None,
    threads: int = 1,
) -> RunResult:
    """Run one period for every person with a plan in force on the period's last day.

    - ``assignments``: ``{"person", "plan" (plan id), "from", "to" (None: open)}``.
    - ``credits``: columns ``person``, ``deal`` (deal row), ``date``, ``amount`` (Decimal/str),
      ``currency``, optional ``kind`` (:class:`CreditKind`), ``deal_type``, ``rule``; the
      fiscal year to date.
    - ``deals``: columns ``close_date``, optional ``cancellation_date``, ``term_months``,
      ``product`` (row = the credits' ``deal``), needed for clawbacks and product filters.
    - ``quotas``: ``{"person", "measure", "period_start", "amount"}`` per pay period.
    - ``period``: ``{"start", "end", "quarter_start", "year_start"}``.
    - ``state``: ``next_state`` of the previous period's result.
    The same inputs give the same result for any ``threads`` and any row order.
    """
    args = _run_args(plans, assignments, credits, deals, quotas, mbo, period, state)
    return RunResult(_core._run_period(*args, threads, None))


def restatement_adjustments(
    closed: RunResult, recomputed: RunResult, open_period_start: DateLike
) -> list[dict]:
    """Deltas (recomputed - closed) per person, component and deal, posted in the open period."""
    return list(_core._restatement_adjustments(closed._core, recomputed._core, open_period_start))


def what_if(
    *,
    person: int,
    date: DateLike,
    amount: Amount,
    deal_type: str = "new_business",
    kind: Any = None,
    product: int = -1,
    plans: Sequence[Plan],
    assignments: Sequence[Mapping[str, Any]],
    credits: Any,
    period: Mapping[str, DateLike],
    quotas: Sequence[Mapping[str, Any]] = (),
    deals: Any = None,
    mbo: Sequence[Mapping[str, Any]] = (),
    state: Any = None,
) -> dict[str, Decimal]:
    """Marginal earnings of a hypothetical credit for one person: ``without``, ``with``, ``marginal``."""
    args = _run_args(plans, assignments, credits, deals, quotas, mbo, period, state)
    extra = (
        person,
        date,
        amount,
        deal_type,
        kind if kind is not None else CreditKind.Direct,
        product,
    )
    return _core._run_period(*args, 1, extra)
