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
from decimal import Decimal
from typing import Any, Iterable, Mapping, Optional, Sequence, Union

from . import _core
from ._core import Explanation  # type: ignore[import-not-found]
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

Amount = Union[Decimal, str, int]
DateLike = Union[_dt.date, str]


def calculate_component(
    plan: Plan,
    component_id: str,
    *,
    measure: Amount = 0,
    quota: Optional[Amount] = None,
    count: int = 0,
    paid_before: Amount = 0,
    paid_in_year: Amount = 0,
    gate_measure: Optional[Amount] = None,
    gate_quota: Optional[Amount] = None,
    deal_credits: Sequence[Amount] = (),
) -> Explanation:
    """A measure-based component (flat_rate, tiered, target_incentive, per_unit, manager_override).

    ``measure``/``quota`` cover the component's span (the period, or quarter/year to
    date for cumulative components, with ``paid_before`` what earlier periods of the
    span paid). ``gate_measure``/``gate_quota`` are the gate's own values when it
    looks at another measure or span. ``deal_credits`` feed a per-deal cap.
    """
    return _core._calculate_component(
        plan._plan, component_id, measure, quota, count, paid_before, paid_in_year,
        gate_measure, gate_quota, list(deal_credits),
    )


def calculate_milestones(
    plan: Plan, component_id: str, *, measure: Amount, quota: Amount, already_paid: Iterable[str] = ()
) -> tuple[list[Explanation], list[str]]:
    """Newly reached milestones (one explanation each) and their ids."""
    lines, ids = _core._calculate_milestones(plan._plan, component_id, measure, quota, list(already_paid))
    return list(lines), list(ids)


def calculate_spif(
    plan: Plan, component_id: str, credits: Iterable[Mapping[str, Any]]
) -> list[tuple[int, Explanation]]:
    """``(deal, explanation)`` for every qualifying credit. Each credit is a mapping
    with ``deal`` (int), ``date``, ``deal_type`` (e.g. ``"new_business"``),
    ``product`` (int, -1 for none) and ``credit`` (amount)."""
    rows = [
        (int(c["deal"]), c["date"], c.get("deal_type", "new_business"), int(c.get("product", -1)), c["credit"])
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
    plan: Plan, component_id: str, *, close: DateLike, cancellation: DateLike, paid: Amount, term_months: int = 0
) -> Optional[Explanation]:
    """The clawback (a negative amount) of a cancelled deal, or None outside the window."""
    return _core._calculate_clawback(plan._plan, component_id, close, cancellation, term_months, paid)


def calculate_payable(
    plan: Plan,
    component_id: str,
    *,
    earned: Amount,
    close: DateLike,
    period_end: DateLike,
    invoice: Optional[DateLike] = None,
    deal_amount: Amount = 0,
    collected: Amount = 0,
    paid_before: Amount = 0,
) -> Explanation:
    """What of ``earned`` is payable this period under the plan's payout timing."""
    return _core._calculate_payable(
        plan._plan, component_id, earned, close, invoice, deal_amount, collected, period_end, paid_before
    )
