"""Seeded synthetic revenue organisations of any size, generated in C++.

:func:`generate` runs the library's generators (``make_synthetic`` and
``synthetic_journeys``, splitmix64 / mt19937_64 streams, no platform-dependent
distributions) with the GIL released and returns pyarrow (or pandas) tables in the
layout of ``salescomp run`` (docs/analyst.md). The same arguments give the same tables on
every machine; a different seed gives different tables of the same shape:

- ``people``: a level-order tree with fan-out ``fanout`` (a CRO, VPs, directors, managers;
  leaves are account executives, every fifth leaf an SDR; a tenth start during the year);
- ``assignments``: manager and team of everyone but the CRO, 2% moving to a new manager on
  July 1;
- ``deals``: ``people * deals_per_person`` deals over the fiscal year owned by the account
  executives: 60% new business, 20% renewals, 20% upsells, 1,000.00 .. 101,000.00, 10% in EUR,
  30% of new business sourced by an SDR;
- ``splits``: 2- and 3-way revenue splits (shares sum to exactly 1) and 10% overlays;
- ``quotas``: monthly ``bookings`` quotas of everyone (an annual 500,000 .. 1,500,000 USD
  spread exactly over the months);
- ``fx_rates``: monthly EUR/USD quotes;
- ``touchpoints``/``outcomes``: ``journeys`` touchpoint journeys (geometric lengths, Zipf
  channels, a share converting with a value in ``journey_currency``).

Money columns are exact ``decimal128`` built from int64 minor units (no float, no per-row
Python objects).

>>> from salescomp import synthetic
>>> s = synthetic.generate(people=20, deals_per_person=2, seed=7)
>>> s.people.num_rows, s.deals.num_rows
(20, 40)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import _core
from . import tables as t
from ._errors import ValidationError

__all__ = ["SyntheticCompany", "generate", "default_plans", "CHANNELS"]

#: Channel names of the synthetic journeys (more channels are named ``channel_NN``).
CHANNELS: tuple[str, ...] = (
    "paid_search", "organic", "email", "webinar", "events", "partner", "sdr_outbound", "direct",
)

_TABLES = ("people", "assignments", "deals", "splits", "quotas", "fx_rates", "touchpoints", "outcomes")


@dataclass
class SyntheticCompany:
    """The tables of :func:`generate` (pyarrow Tables, or pandas DataFrames with
    ``output="pandas"``) and the crediting rules that go with them."""

    people: Any
    assignments: Any
    deals: Any
    splits: Any
    quotas: Any
    fx_rates: Any
    touchpoints: Any
    outcomes: Any
    credit_rules: list[dict[str, Any]]
    fiscal_year: int
    seed: int
    journey_currency: str = "USD"
    measures: list[str] = field(default_factory=lambda: ["bookings"])

    def tables(self) -> dict[str, Any]:
        """The tables by name (the ``salescomp run`` file names)."""
        return {name: getattr(self, name) for name in _TABLES}

    def company(self, plan_documents: list[dict[str, Any]] | None = None) -> Any:
        """A :class:`salescomp.demo.DemoCompany`-shaped company for
        :func:`salescomp.report.close_quarter`: the tables (as pyarrow), quarterly quotas
        (each the exact sum of its three monthly quotas), plan assignments by role and the
        plans (default :func:`default_plans`: a tiered AE plan, an SDR plan and a manager
        override)."""
        from .demo import DemoCompany

        arrow = {name: _as_arrow(getattr(self, name)) for name in _TABLES}
        people = arrow["people"]
        # AEs on "ae", SDRs on "sdr", everyone else (the managers) on "mgr".
        role_code = pc.index_in(people.column("role"), value_set=pa.array(["account_executive", "sdr"]))
        plans = pc.fill_null(pa.array(["ae", "sdr"]).take(role_code), "mgr")
        n = people.num_rows
        asg = arrow["assignments"]
        # Everyone is on their plan from their start date (hires during the year have no
        # quota, and so no plan, before it).
        plan_rows = pa.table({
            "person_id": people.column("person_id"),
            "field": pa.array(["plan"] * n, pa.string()),
            "value": plans,
            "from": people.column("start_date"),
            "to": pa.nulls(n, pa.date32()),
        })
        assignments = pa.concat_tables([asg.cast(plan_rows.schema), plan_rows])
        return DemoCompany(
            people=people, assignments=assignments, leaves=None, deals=arrow["deals"], splits=arrow["splits"],
            account_managers=None, quotas=_quarterly(arrow["quotas"]), ramps=[], ramp_assignments=None,
            opportunities=None,
            touchpoints=arrow["touchpoints"] if arrow["touchpoints"].num_rows else None,
            outcomes=arrow["outcomes"] if arrow["touchpoints"].num_rows else None,
            fx_rates=arrow["fx_rates"], mbo=[],
            plan_documents=plan_documents if plan_documents is not None else default_plans(),
            credit_rules=[dict(r) for r in self.credit_rules], fiscal_year=self.fiscal_year,
            as_of=dt.date(self.fiscal_year, 12, 31), reporting_currency="USD", seed=self.seed,
        )


def default_plans(currency: str = "USD") -> list[dict[str, Any]]:
    """Plans of :meth:`SyntheticCompany.company`: ``ae`` (the demo's tiered AE plan, cap
    1,000,000 per quarter), ``sdr`` (1% of sourced bookings) and ``mgr`` (a 1% first-dollar
    override on the team's roll-up)."""
    from .demo._plans import _ae, _override

    sdr = {
        "id": "sdr", "currency": currency, "period": "quarter",
        "measures": [{"id": "sourced", "credit_kinds": ["sdr_sourced"]}],
        "components": [{"id": "sourced", "type": "flat_rate", "measure": "sourced", "rate": "0.01"}],
    }
    return [_ae("ae", currency, "1000000", "500", None), sdr, _override("mgr", currency, "first_dollar", "0.01")]


def generate(
    people: int = 1000,
    deals_per_person: int = 10,
    journeys: int = 0,
    *,
    seed: int = 42,
    fiscal_year: int = 2026,
    fanout: int = 8,
    split_percent: int = 20,
    overlay_percent: int = 10,
    sdr_percent: int = 30,
    foreign_percent: int = 10,
    manager_move_percent: int = 2,
    roll_up_depth: int = 3,
    channels: int = 8,
    mean_journey_length: int = 4,
    conversion_percent: int = 5,
    journey_currency: str = "USD",
    output: str = "arrow",
) -> SyntheticCompany:
    """A seeded synthetic company: ``people`` people, ``people * deals_per_person`` deals
    and ``journeys`` touchpoint journeys (see the module docstring for the shape).

    Deterministic per ``seed`` (the journeys use their own stream of the same seed, so
    adding journeys does not change the other tables). ``output``: ``"arrow"`` (pyarrow
    Tables) or ``"pandas"`` (DataFrames; money as ``Decimal`` objects)."""
    ints = {"people": people, "deals_per_person": deals_per_person, "journeys": journeys, "seed": seed,
            "fiscal_year": fiscal_year, "fanout": fanout, "split_percent": split_percent,
            "overlay_percent": overlay_percent, "sdr_percent": sdr_percent, "foreign_percent": foreign_percent,
            "manager_move_percent": manager_move_percent, "roll_up_depth": roll_up_depth, "channels": channels,
            "mean_journey_length": mean_journey_length, "conversion_percent": conversion_percent}
    bad = [f"{k}={v!r}" for k, v in ints.items() if isinstance(v, bool) or not isinstance(v, (int, np.integer))]
    if bad:
        raise ValidationError(f"synthetic.generate: expected integers: {', '.join(bad)}")
    if people < 2 or deals_per_person < 0 or journeys < 0 or fanout < 2 or channels < 1 or seed < 0:
        raise ValidationError("synthetic.generate: need people >= 2, deals_per_person >= 0, journeys >= 0, "
                              "fanout >= 2, channels >= 1, seed >= 0")
    pct = {k: v for k, v in ints.items() if k.endswith("_percent")}
    if any(not 0 <= v <= 100 for v in pct.values()):
        raise ValidationError(f"synthetic.generate: percentages must be 0..100: {pct}")
    if mean_journey_length < 1:
        raise ValidationError("synthetic.generate: mean_journey_length must be at least 1")
    if output not in ("arrow", "pandas"):
        raise ValidationError(f"output: expected 'arrow' or 'pandas', got {output!r}")

    spec = _core._SyntheticSpec()
    spec.people, spec.deals, spec.fanout = int(people), int(people) * int(deals_per_person), int(fanout)
    spec.fiscal_year, spec.seed = int(fiscal_year), int(seed)
    spec.split_percent, spec.overlay_percent = int(split_percent), int(overlay_percent)
    spec.sdr_percent, spec.foreign_percent = int(sdr_percent), int(foreign_percent)
    spec.manager_move_percent, spec.roll_up_depth = int(manager_move_percent), int(roll_up_depth)
    # Path length and conversion share are parameters of a random process, not money.
    raw = _core._synthetic(spec, int(journeys), int(channels), float(mean_journey_length),
                           int(conversion_percent) / 100, int(seed), journey_currency)

    person_id = _text(raw["people"]["person_id"])
    roles = list(_core._role_names())
    p = raw["people"]
    people_t = pa.table({
        "person_id": person_id,
        "role": _decode(p["role"], roles),
        "start_date": t.date_array(p["start_date"]),
        "pay_currency": _decode(*_currency_codes(p["pay_currency"])),
    })
    a = raw["assignments"]
    assignments_t = pa.table({
        "person_id": person_id.take(pa.array(a["person"])),
        "field": _decode(a["field"], list(_core._assignment_field_names())),
        "value": _text(a["value"]),
        "from": t.date_array(a["from"]),
        "to": _optional_dates(a["to"]),
    })
    d = raw["deals"]
    sources = list(_core._deal_source_names())
    sp = d["source_person"]
    deals_t = pa.table({
        "id": pa.array(d["id"]),
        "owner": person_id.take(pa.array(d["owner"])),
        "close_date": t.date_array(d["close_date"]),
        "amount": t.decimal_array(d["amount"], d["currency"]),
        "currency": _decode(*_currency_codes(d["currency"])),
        "type": _decode(d["type"], list(_core._deal_type_names())),
        "product": pa.array(d["product"]),
        "customer": pc.binary_join_element_wise("C", pc.cast(pa.array(d["customer"]), pa.string()), ""),
        "source": _decode(d["source"], sources),
        "source_person": person_id.take(pa.array(np.where(sp < 0, 0, sp), mask=sp < 0)),
        "term_months": pa.array(d["term_months"]),
    })
    s = raw["splits"]
    splits_t = pa.table({
        "deal_id": pa.array(s["deal_id"]),
        "person": person_id.take(pa.array(s["person"])),
        "share": _rate_column(s["share"]),
        "kind": _decode(s["kind"], ["revenue", "overlay"]),
    })
    q = raw["quotas"]
    quotas_t = pa.table({
        "subject": person_id.take(pa.array(q["subject"])),
        "measure": _decode(q["measure"], list(raw["measures"])),
        "period_kind": _decode(q["period_kind"], list(_core._period_kind_names())),
        "fiscal_year": pa.array(q["fiscal_year"]),
        "number": pa.array(q["number"]),
        "amount": t.decimal_array(q["amount"], q["currency"]),
        "currency": _decode(*_currency_codes(q["currency"])),
    })
    f = raw["fx_rates"]
    fx_t = pa.table({
        "from_currency": pa.array(f["from_currency"], pa.string()),
        "to_currency": pa.array(f["to_currency"], pa.string()),
        "date": t.date_array(f["date"]),
        "rate": _rate_column(f["rate"]),
    })
    tp = raw["touchpoints"]
    names = [CHANNELS[i] if i < len(CHANNELS) else f"channel_{i:02d}" for i in range(channels)]
    touch_t = pa.table({
        "journey_id": pa.array(tp["journey_id"]),
        "timestamp": pa.array(tp["timestamp"], pa.int64()).cast(pa.timestamp("s")),
        "channel": _decode(tp["channel"], names),
    })
    o = raw["outcomes"]
    exponent = _core.Currency(journey_currency).exponent
    n_out = len(o["journey_id"])
    outcome_t = pa.table({
        "journey_id": pa.array(o["journey_id"]),
        "converted": pa.array(o["converted"].astype(bool)),
        "value": t.decimal_array(o["value"], (np.zeros(n_out, np.int32), [journey_currency], [exponent])),
    })
    tables = dict(zip(_TABLES, (people_t, assignments_t, deals_t, splits_t, quotas_t, fx_t, touch_t, outcome_t)))
    if output == "pandas":
        tables = {k: v.to_pandas() for k, v in tables.items()}
    return SyntheticCompany(**tables, credit_rules=list(raw["rules"]), fiscal_year=int(fiscal_year),
                            seed=int(seed), journey_currency=journey_currency, measures=list(raw["measures"]))


# -- column builders (numpy buffers -> Arrow, no per-row Python) ---------------------------------

def _text(column: tuple[np.ndarray, np.ndarray]) -> pa.Array:
    offsets, data = column
    return pa.Array.from_buffers(pa.string(), len(offsets) - 1,
                                 [None, pa.py_buffer(offsets), pa.py_buffer(data)])


def _decode(codes: np.ndarray, names: list[str]) -> pa.Array:
    """Plain text column (not dictionary-encoded, so CSV/Parquet round trips keep the type)."""
    return pa.array(names, pa.string()).take(pa.array(np.asarray(codes, dtype=np.int32)))


def _currency_codes(currency: tuple) -> tuple[np.ndarray, list[str]]:
    index, codes, _ = currency
    return index, list(codes)


def _optional_dates(days: np.ndarray) -> pa.Array:
    days = np.asarray(days, dtype=np.int32)
    missing = days == t.MISSING_DAY
    return pa.array(np.where(missing, 0, days), pa.int32(), mask=missing).cast(pa.date32())


def _rate_column(raw: np.ndarray) -> pa.Array:
    """Rates (raw units of 1e-12) as exact decimal128(38, 12)."""
    return t.rate_array(raw)


def _quarterly(monthly: pa.Table) -> pa.Table:
    """Monthly quota rows summed exactly (int64 minor units) into quarters."""
    if monthly.num_rows == 0 or set(monthly.column("period_kind").to_pylist()) != {"month"}:
        return monthly
    grouped = (monthly.append_column("quarter", pc.add(pc.divide(pc.subtract(monthly.column("number"), 1), 3), 1))
               .group_by(["subject", "measure", "fiscal_year", "quarter", "currency"], use_threads=False)
               .aggregate([("amount", "sum")]))
    keys = pc.sort_indices(grouped, [("subject", "ascending"), ("measure", "ascending"),
                                     ("fiscal_year", "ascending"), ("quarter", "ascending")])
    grouped = grouped.take(keys)
    n = grouped.num_rows
    amount_type = monthly.schema.field("amount").type
    return pa.table({
        "subject": grouped.column("subject"), "measure": grouped.column("measure"),
        "period_kind": pa.array(["quarter"] * n, pa.string()), "fiscal_year": grouped.column("fiscal_year"),
        "number": grouped.column("quarter"), "amount": grouped.column("amount_sum").cast(amount_type),
        "currency": grouped.column("currency"),
    })


def _as_arrow(table: Any) -> pa.Table:
    if isinstance(table, pa.Table):
        return table
    return pa.Table.from_pandas(table, preserve_index=False)
