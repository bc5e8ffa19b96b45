"""Plan cost modelling: the whole roster under several plan variants over the same credits.

Each variant replaces some plans (by id) of the base plan set and may scale every quota by
an exact factor. One call into the compiled engine (``_core._run_variants``, C++
``salescomp::run_variants``) runs every variant: the credits, deals, quotas and
assignments are converted to the run's columns **once** (``salescomp.engine``'s own
conversion), grouped by person once, and every person is computed by the period run under
every variant on the same credit rows; no Python work per variant or per person. The
engine returns each person's exact statement total per variant and, per person, the first
quota and the credits of the period in its currency (the curve's attainment); numpy
assembles the tables.

Per variant the result has the total payout per currency, the cost of sales (payout /
bookings), the pay-versus-attainment curve (people, total and mean payout per attainment
band) and the people who gain or lose most against the first variant (the baseline).
Payouts are exact; attainment and the cost-of-sales ratio are statistics (float64).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa

from .. import tables
from .._core import Currency

__all__ = ["BANDS", "Variant", "PlanCost", "plan_cost"]

#: Attainment bands of the pay-versus-attainment curve: [lower, upper) as ratios.
BANDS: tuple[tuple[float, float], ...] = (
    (0.0, 0.5),
    (0.5, 0.75),
    (0.75, 1.0),
    (1.0, 1.25),
    (1.25, 1.5),
    (1.5, 2.0),
    (2.0, float("inf")),
)
#: Credit kinds counted as bookings (the cost-of-sales denominator) by default.
BOOKING_KINDS = ("direct", "revenue_split")


@dataclass(frozen=True)
class Variant:
    """A plan variant: ``plans`` replace the base plans with the same ids; ``quota_factor``
    (exact decimal) scales every quota, rounded half-even to the quota currency's cents."""

    name: str
    plans: Sequence[Any] = ()
    quota_factor: Decimal | str | None = None


@dataclass
class PlanCost:
    """Plan cost of every variant. ``totals``: variant, currency, payout (exact), people_paid,
    bookings (exact), cost_of_sales; ``curves``: variant, band, people, payout (exact),
    mean_payout; ``payouts``: person (run index), person_id (with ``person_ids``), currency,
    attainment and one exact column per variant (the person's total
    in ``currency``); use :meth:`movers` for the biggest gainers and losers."""

    variants: list[str]
    totals: pa.Table
    curves: pa.Table
    payouts: pa.Table
    attainment: np.ndarray = field(repr=False)

    def movers(self, variant: str, n: int = 10) -> pa.Table:
        """The ``n`` people who gain most and the ``n`` who lose most under ``variant``
        against the baseline (the first variant): person, baseline, payout, change."""
        base = self.payouts.column(self.variants[0]).to_pylist()
        other = self.payouts.column(variant).to_pylist()
        person = self.payouts.column("person").to_numpy()
        minor_base = tables.to_minor_units(self.payouts.column(self.variants[0]), self._exponent())
        minor_other = tables.to_minor_units(self.payouts.column(variant), self._exponent())
        delta = minor_other - minor_base
        order = np.lexsort((person, -delta))  # largest gain first, ties by person
        gain = order[:n][delta[order[:n]] > 0]
        order = np.lexsort((person, delta))
        loss = order[:n][delta[order[:n]] < 0]
        rows = np.concatenate([gain, loss])
        scale = self._exponent()
        named = (
            {"person_id": self.payouts.column("person_id").take(pa.array(rows))}
            if "person_id" in self.payouts.column_names
            else {}
        )
        return pa.table(
            {
                "direction": pa.array(["gain"] * len(gain) + ["loss"] * len(loss), pa.string()),
                "person": pa.array(person[rows], pa.int64()),
                **named,
                "baseline": pa.array(
                    [base[i] for i in rows.tolist()],
                    self.payouts.schema.field(self.variants[0]).type,
                ),
                "payout": pa.array(
                    [other[i] for i in rows.tolist()], self.payouts.schema.field(variant).type
                ),
                "change": tables.minor_to_arrow(delta[rows], scale),
            }
        )

    def _exponent(self) -> int:
        return int(self.payouts.schema.field(self.variants[0]).type.scale)

    def _repr_html_(self) -> str:
        from .._html import arrow_html

        return (
            f"<div><b>Plan cost of {len(self.variants)} variants</b>{arrow_html(self.totals)}"
            f"<h4>Pay versus attainment</h4>{arrow_html(self.curves)}</div>"
        )


def _variant_plans(base: Sequence[Any], variant: Variant) -> list[Any]:
    """The base plans with the variant's replacements (same ids, same order)."""
    by_id = {p.id: p for p in variant.plans}
    unknown = sorted(set(by_id) - {p.id for p in base})
    if unknown:
        raise ValueError(f"variant {variant.name!r}: plans {unknown} are not in the base plan set")
    return [by_id.get(p.id, p) for p in base]


def _person_totals(
    variant: Mapping[str, Any], people: np.ndarray, n_people: int
) -> tuple[np.ndarray, np.ndarray, list[str], list[int]]:
    """(total minor units per person, currency index per person (-1: no plan in the period),
    codes, exponents) of one variant from the engine's per-person statement totals."""
    index, codes, exps = variant["currency"]
    totals = np.zeros(n_people, dtype=np.int64)
    totals[people] = np.asarray(variant["total"], dtype=np.int64)
    cur = np.full(n_people, -1, dtype=np.int64)
    cur[people] = np.asarray(index, dtype=np.int64)
    return totals, cur, list(codes), list(exps)


def plan_cost(
    variants: Sequence[Variant],
    *,
    plans: Sequence[Any],
    assignments: Sequence[Mapping[str, Any]],
    credits: Any,
    period: Mapping[str, Any],
    quotas: Sequence[Mapping[str, Any]] = (),
    deals: Any = None,
    mbo: Sequence[Mapping[str, Any]] = (),
    state: Any = None,
    threads: int = 1,
    bookings: Decimal | None = None,
    fx: Any = None,
    person_ids: Sequence[str] | None = None,
) -> PlanCost:
    """Run the period for every variant (see the module docstring); the other arguments are
    those of :func:`salescomp.engine.run_period`. ``bookings`` is the cost-of-sales
    denominator (default: credits of kind direct / revenue_split dated in the period, in
    the currency they were credited in). ``person_ids`` (the user's ids by run index) adds a
    ``person_id`` column to ``payouts`` and :meth:`PlanCost.movers`."""
    from .. import _core
    from ..engine import _run_args

    if not variants:
        raise ValueError("plan_cost: give at least one variant (the first is the baseline)")
    names = [v.name for v in variants]
    if len(set(names)) != len(names):
        raise ValueError(f"plan_cost: variant names must be unique, got {names}")
    base = list(plans)
    for v in variants:
        _variant_plans(base, v)  # unknown plan ids named with their variant
    args = _run_args(base, assignments, credits, deals, quotas, mbo, period, state)
    n_people = _people_count(args)
    booked = _bookings(args, bookings)
    raw = _core._run_variants(
        **args,
        threads=threads,
        fx=fx,
        fx_date="credit_date",
        plan_change="credits_by_date",
        variants=[
            (
                v.name,
                [p._plan for p in v.plans],
                None if v.quota_factor is None else str(v.quota_factor),
            )
            for v in variants
        ],
    )
    people = np.asarray(raw["people"], dtype=np.int64)
    attainment = _attainment(raw, people, n_people)
    results = [_person_totals(v, people, n_people) for v in raw["variants"]]
    cost = _assemble(names, results, attainment, booked)
    if person_ids is not None:
        ids = list(person_ids)
        if len(ids) < n_people:
            raise ValueError(f"person_ids: {len(ids)} ids for a run of {n_people} people")
        cost.payouts = cost.payouts.add_column(
            1, "person_id", pa.array(ids[:n_people], pa.string())
        )
    return cost


def _people_count(args: Mapping[str, Any]) -> int:
    credits = args["credits"]
    person = credits["person"] if isinstance(credits, dict) else np.zeros(0, dtype=np.int64)
    top = [int(np.max(person)) + 1 if len(person) else 0]
    top += [int(a[0]) + 1 for a in args["assignments"]]
    return max(top)


def _attainment(raw: Mapping[str, Any], people: np.ndarray, n_people: int) -> np.ndarray:
    """Credited amount in the period / quota of each person's first quota row, both in the
    quota's currency and exact from the engine (NaN without a plan or a quota). A statistic."""
    quota = np.asarray(raw["quota"], dtype=np.int64)
    credited = np.asarray(raw["credited"], dtype=np.int64)
    out = np.full(n_people, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        out[people] = np.where(quota > 0, credited / np.where(quota > 0, quota, 1), np.nan)
    return out


def _bookings(args: Mapping[str, Any], given: Decimal | None) -> dict[str, int] | Decimal:
    """Bookings minor units per currency (credits of the booking kinds in the period)."""
    if given is not None:
        return Decimal(str(given))
    credits = args["credits"]
    if not isinstance(credits, dict):
        return {}
    start, end = (tables.to_days([d], name="period")[0] for d in args["period"][:2])
    keep = (credits["date"] >= start) & (credits["date"] <= end)
    if "kind" in credits:
        kind_index, kind_names = credits["kind"]
        wanted = [k for k, name in enumerate(kind_names) if name in BOOKING_KINDS]
        keep &= np.isin(np.asarray(kind_index), wanted)
    index, codes = credits["currency"]
    return {
        code: int(credits["amount"][keep & (np.asarray(index) == k)].sum())
        for k, code in enumerate(codes)
    }


def _assemble(
    names: list[str], results: list[tuple], attainment: np.ndarray, booked: Any
) -> PlanCost:
    codes_all = sorted({code for _t, _c, codes, _e in results for code in codes})
    scale = max((Currency(c).exponent for c in codes_all), default=2)
    totals: dict[str, list[Any]] = {
        k: [] for k in ("variant", "currency", "payout", "people_paid", "bookings", "cost_of_sales")
    }
    curves: dict[str, list[Any]] = {
        k: [] for k in ("variant", "currency", "band", "people", "payout", "mean_payout")
    }
    payouts: dict[str, Any] = {}
    n_people = len(attainment)
    currency_of = np.full(n_people, "", dtype=object)
    for name, (per_person, cur, codes, exps) in zip(names, results):
        shift = np.array([10 ** (scale - e) for e in exps] or [1], dtype=np.int64)
        scaled = per_person * np.where(cur >= 0, shift[np.maximum(cur, 0)], 1)
        payouts[name] = tables.minor_to_arrow(scaled, scale)
        for k, code in enumerate(codes):
            mask = cur == k
            currency_of[mask] = code
            total = int(per_person[mask].sum())
            base = (
                booked
                if isinstance(booked, Decimal)
                else Decimal(booked.get(code, 0)).scaleb(-exps[k])
            )
            amount = Decimal(total).scaleb(-exps[k])
            totals["variant"].append(name)
            totals["currency"].append(code)
            totals["payout"].append(amount)
            totals["people_paid"].append(int(np.count_nonzero(mask & (per_person != 0))))
            totals["bookings"].append(base)
            totals["cost_of_sales"].append(float(amount / base) if base else None)
        for k, code in enumerate(codes):
            for lo, hi in BANDS:
                band = (attainment >= lo) & (attainment < hi) & (cur == k)
                total_minor = int(per_person[band].sum())
                curves["variant"].append(name)
                curves["currency"].append(code)
                curves["band"].append(f"{lo:.0%}-{'' if hi == float('inf') else f'{hi:.0%}'}")
                curves["people"].append(int(band.sum()))
                curves["payout"].append(Decimal(total_minor).scaleb(-exps[k]))
                curves["mean_payout"].append(
                    total_minor / band.sum() / 10 ** exps[k] if band.any() else None
                )
    totals_table = pa.table(
        {
            "variant": pa.array(totals["variant"], pa.string()),
            "currency": pa.array(totals["currency"], pa.string()),
            "payout": pa.array(totals["payout"], pa.decimal128(38, scale)),
            "people_paid": pa.array(totals["people_paid"], pa.int64()),
            "bookings": pa.array(totals["bookings"], pa.decimal128(38, scale)),
            "cost_of_sales": pa.array(totals["cost_of_sales"], pa.float64()),
        }
    )
    curve_table = pa.table(
        {
            "variant": pa.array(curves["variant"], pa.string()),
            "currency": pa.array(curves["currency"], pa.string()),
            "band": pa.array(curves["band"], pa.string()),
            "people": pa.array(curves["people"], pa.int64()),
            "payout": pa.array(curves["payout"], pa.decimal128(38, scale)),
            "mean_payout": pa.array(curves["mean_payout"], pa.float64()),
        }
    )
    payout_table = pa.table(
        {
            "person": pa.array(np.arange(n_people), pa.int64()),
            "currency": pa.array(currency_of.tolist(), pa.string()),
            "attainment": pa.array(attainment, pa.float64(), mask=np.isnan(attainment)),
            **payouts,
        }
    )
    return PlanCost(
        variants=names,
        totals=totals_table,
        curves=curve_table,
        payouts=payout_table,
        attainment=attainment,
    )
