"""The embedded demo company: Northwind Cloud, a fictional SaaS revenue organisation.

Everything is built deterministically from a seed with integer arithmetic (amounts are
whole cents, never floats), so the same seed gives the same bytes on every machine:

- a CRO over a CSO (two VPs, three directors, twelve account executives in two currencies),
  an SDR team, account managers for renewals and upsells, marketing and operations;
- fiscal year 2026 (calendar year) of deals up to the snapshot date
  :data:`AS_OF` (new business, renewals, upsells, cancellations, revenue splits), with the
  deals expected after it as open pipeline;
- touchpoint journeys (converted and not) for attribution;
- quarterly quotas with a ramp for a new hire and a leave; plans for every role
  (:func:`plans`); EUR/USD rates for every month.

>>> from salescomp import demo
>>> company = demo.load()
>>> company.deals.num_rows > 100
True
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ._plans import plan_documents

__all__ = ["AS_OF", "FISCAL_YEAR", "DemoCompany", "load", "plan_documents", "CREDIT_RULES", "STAGE_PROBABILITY"]

FISCAL_YEAR = 2026
AS_OF = dt.date(2026, 11, 13)
SEED = 2026

#: The crediting rule set of the demo company (see docs/crediting-and-quota.md).
CREDIT_RULES: list[dict[str, Any]] = [
    {"kind": "direct", "name": "owner", "deal_types": ["new_business", "cross_sell"]},
    {"kind": "revenue_split", "name": "split", "deal_types": ["new_business", "cross_sell"]},
    {"kind": "roll_up", "name": "sales_rollup", "depth": 6},
    {"kind": "sdr_sourced", "name": "sdr", "measure": "sourced_pipeline", "date": "created"},
    {"kind": "account_manager", "name": "am", "measure": "retention",
     "deal_types": ["renewal", "upsell", "cancellation"]},
    {"kind": "roll_up", "name": "support_rollup", "depth": 1, "measure": "team_other",
     "rolls_up": ["sdr_sourced", "account_manager"]},
    {"kind": "marketing_sourced", "name": "marketing", "measure": "marketing_pipeline",
     "sourced": "lead_source", "person": "mkt_demand"},
]

#: Stage probabilities of the open pipeline (for pacing forecasts).
STAGE_PROBABILITY = {"discovery": "0.1", "proposal": "0.35", "commit": "0.8"}

CHANNELS = ("paid_search", "organic", "email", "webinar", "events", "partner", "sdr_outbound", "direct")


@dataclass
class DemoCompany:
    """The demo company's tables (pyarrow Tables with exact decimal128 money columns)."""

    people: Any
    assignments: Any
    leaves: Any
    deals: Any
    splits: Any
    account_managers: Any
    quotas: Any
    ramps: list[dict[str, Any]]
    ramp_assignments: Any
    opportunities: Any
    touchpoints: Any
    outcomes: Any
    fx_rates: Any
    mbo: list[dict[str, Any]]
    plan_documents: list[dict[str, Any]]
    credit_rules: list[dict[str, Any]] = field(default_factory=lambda: [dict(r) for r in CREDIT_RULES])
    stage_probability: dict[str, str] = field(default_factory=lambda: dict(STAGE_PROBABILITY))
    fiscal_year: int = FISCAL_YEAR
    fiscal_start_month: int = 1
    as_of: dt.date = AS_OF
    reporting_currency: str = "USD"
    seed: int = SEED

    def tables(self) -> dict[str, Any]:
        """The input tables by file name (what ``salescomp run`` reads)."""
        return {
            "people": self.people, "assignments": self.assignments, "leaves": self.leaves,
            "deals": self.deals, "splits": self.splits, "account_managers": self.account_managers,
            "quotas": self.quotas, "ramp_assignments": self.ramp_assignments,
            "opportunities": self.opportunities, "touchpoints": self.touchpoints,
            "outcomes": self.outcomes, "fx_rates": self.fx_rates,
        }

    def plans(self) -> list[Any]:
        """The plan documents as validated :class:`salescomp.plan.Plan` objects."""
        from ..plan import Plan

        return [Plan.from_dict(d) for d in self.plan_documents]

    def fx(self) -> Any:
        """The EUR/USD rates as a :class:`salescomp.FxTable`."""
        from .._core import FxTable

        table = FxTable()
        r = self.fx_rates.to_pydict()
        for a, b, d, rate in zip(r["from_currency"], r["to_currency"], r["date"], r["rate"]):
            table.add(a, b, d, rate)
        return table

    def calendar(self) -> Any:
        from ..org import FiscalCalendar

        return FiscalCalendar(self.fiscal_start_month)


def _money(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def _people() -> list[tuple[str, str, str, str, str | None, str, str, str]]:
    """(id, role, start, currency, manager, team, territory, plan)."""
    rows: list[tuple[str, str, str, str, str | None, str, str, str]] = [
        ("cro", "cro", "2019-03-01", "USD", None, "leadership", "global", "cro"),
        ("cso", "cso", "2020-06-01", "USD", "cro", "leadership", "global", "cso"),
        ("vp_na", "vp_sales", "2021-01-04", "USD", "cso", "na", "na", "vp_usd"),
        ("vp_emea", "vp_sales", "2021-09-01", "EUR", "cso", "emea", "emea", "vp_eur"),
        ("dir_east", "sales_director", "2022-02-01", "USD", "vp_na", "na_east", "na_east", "director_usd"),
        ("dir_west", "sales_director", "2022-05-02", "USD", "vp_na", "na_west", "na_west", "director_usd"),
        ("dir_emea", "sales_director", "2022-03-01", "EUR", "vp_emea", "emea", "emea", "director_eur"),
    ]
    starts = ["2023-01-09", "2023-04-03", "2024-02-05", "2024-08-12"]
    for team, director, ccy, plan in (("na_east", "dir_east", "USD", "ae_usd"),
                                      ("na_west", "dir_west", "USD", "ae_usd"),
                                      ("emea", "dir_emea", "EUR", "ae_eur")):
        for i in range(1, 5):
            pid = f"ae_{team.split('_')[-1]}_{i}"
            start, p = starts[i - 1], plan
            if pid == "ae_west_4":  # a new hire on a ramp and a recoverable draw
                start, p = "2026-04-01", "ae_ramp_usd"
            rows.append((pid, "account_executive", start, ccy, director, team, team, p))
    rows.append(("sdr_mgr", "sales_manager", "2022-07-01", "USD", "cro", "sdr", "global", "sdr_manager"))
    for i in range(1, 5):
        rows.append((f"sdr_{i}", "sdr", f"2024-0{i + 1}-01", "USD", "sdr_mgr", "sdr", "global", "sdr"))
    rows.append(("am_lead", "sales_manager", "2021-11-01", "USD", "cro", "am", "global", "am_lead"))
    for i in range(1, 4):
        rows.append((f"am_{i}", "account_manager", f"2023-0{i + 2}-01", "USD", "am_lead", "am", "global", "am"))
    rows.append(("mkt_demand", "marketing", "2022-01-03", "USD", "cro", "marketing", "global", "marketing"))
    rows.append(("mkt_events", "marketing", "2023-06-01", "USD", "cro", "marketing", "global", "marketing"))
    rows.append(("revops", "operations", "2021-04-01", "USD", "cro", "operations", "global", "operations"))
    return rows


def _day(d: dt.date) -> str:
    return d.isoformat()


def load(seed: int = SEED) -> DemoCompany:
    """Build the demo company (deterministic for a seed; the default seed is the shipped one)."""
    import pyarrow as pa

    rng = random.Random(seed)
    people = _people()
    fy_first = dt.date(FISCAL_YEAR, 1, 1)
    ids = [p[0] for p in people]
    person_rows = {
        "person_id": ids,
        "role": [p[1] for p in people],
        "start_date": [p[2] for p in people],
        "pay_currency": [p[3] for p in people],
    }
    asg: dict[str, list[Any]] = {"person_id": [], "field": [], "value": [], "from": []}
    for pid, _role, start, _ccy, manager, team, territory, plan in people:
        for fld, value in (("manager", manager), ("team", team), ("territory", territory), ("plan", plan)):
            if value is None:
                continue
            asg["person_id"].append(pid)
            asg["field"].append(fld)
            asg["value"].append(value)
            asg["from"].append(start)
    leaves = {"person_id": ["ae_east_3"], "first": ["2026-05-04"], "last": ["2026-06-26"]}

    aes = [p for p in people if p[1] == "account_executive"]
    sdrs = [p[0] for p in people if p[1] == "sdr"]
    ams = [p[0] for p in people if p[1] == "account_manager"]
    marketers = [p[0] for p in people if p[1] == "marketing"]

    deals: dict[str, list[Any]] = {k: [] for k in (
        "id", "owner", "close_date", "amount", "currency", "type", "product", "customer", "source",
        "source_person", "term_months", "created_date", "cancellation_date")}
    opps: dict[str, list[Any]] = {k: [] for k in ("owner", "expected_close", "amount", "currency", "stage")}
    splits: dict[str, list[Any]] = {"deal_id": [], "person": [], "share": []}
    next_id = 1001
    customer_no = 1

    def add_deal(owner: str, close: dt.date, cents: int, ccy: str, kind: str, product: int, customer: str,
                 source: str | None, source_person: str | None, term: int, created: dt.date | None,
                 cancelled: dt.date | None) -> int:
        nonlocal next_id
        deals["id"].append(next_id)
        deals["owner"].append(owner)
        deals["close_date"].append(_day(close))
        deals["amount"].append(_money(cents))
        deals["currency"].append(ccy)
        deals["type"].append(kind)
        deals["product"].append(product)
        deals["customer"].append(customer)
        deals["source"].append(source)
        deals["source_person"].append(source_person)
        deals["term_months"].append(term)
        deals["created_date"].append(_day(created) if created else None)
        deals["cancellation_date"].append(_day(cancelled) if cancelled else None)
        next_id += 1
        return next_id - 1

    # New business: about two deals a month per AE while employed and not on leave.
    new_deals: list[tuple[int, str, dt.date, int, str]] = []
    for pid, _role, start, ccy, _m, team, _t, _p in aes:
        begin = max(fy_first, dt.date.fromisoformat(start) + dt.timedelta(days=30))
        for month in range(1, 13):
            for _ in range(rng.choice((1, 2, 2, 3))):
                close = dt.date(FISCAL_YEAR, month, rng.randint(1, 28))
                if close < begin or dt.date(2026, 5, 4) <= close <= dt.date(2026, 6, 26) and pid == "ae_east_3":
                    continue
                cents = rng.randrange(12_000, 95_000) * 100 + rng.randrange(100)
                if rng.random() < 0.08:  # a few large platform deals
                    cents *= 3
                if pid == "ae_west_4":  # the new hire closes smaller deals while ramping
                    cents //= 2
                product = rng.choice((0, 0, 1, 1, 2))
                if close > AS_OF:
                    opps["owner"].append(pid)
                    opps["expected_close"].append(_day(close))
                    opps["amount"].append(_money(cents))
                    opps["currency"].append(ccy)
                    opps["stage"].append(rng.choice(("discovery", "proposal", "proposal", "commit")))
                    continue
                r = rng.random()
                if r < 0.40:
                    source, sp = "sdr", rng.choice(sdrs)
                elif r < 0.65:
                    source, sp = "marketing", rng.choice(marketers)
                elif r < 0.75:
                    source, sp = "partner", None
                else:
                    source, sp = "sales", None
                created = close - dt.timedelta(days=rng.randint(20, 80))
                cancelled = None
                if rng.random() < 0.05:
                    c = close + dt.timedelta(days=rng.randint(20, 120))
                    cancelled = c if c <= AS_OF else None
                customer = f"C{customer_no:04d}"
                customer_no += 1
                term = rng.choice((12, 12, 12, 24, 36))
                deal_id = add_deal(pid, close, cents, ccy, "new_business", product, customer, source, sp, term,
                                   created, cancelled)
                new_deals.append((deal_id, pid, close, cents, ccy))
                # about one deal in ten is split with a teammate
                if rng.random() < 0.10:
                    mates = [a[0] for a in aes if a[5] == team and a[0] != pid
                             and dt.date.fromisoformat(a[2]) <= close
                             and not (a[0] == "ae_east_3" and dt.date(2026, 5, 4) <= close <= dt.date(2026, 6, 26))]
                    if mates:
                        mate = rng.choice(mates)
                        share = rng.choice(("0.5", "0.6", "0.7"))
                        splits["deal_id"] += [deal_id, deal_id]
                        splits["person"] += [pid, mate]
                        splits["share"] += [Decimal(share), 1 - Decimal(share)]

    # The installed base: renewals, upsells and churn handled by the account managers.
    am_rows: dict[str, list[Any]] = {"customer": [], "person": [], "from": []}
    for n in range(45):
        customer = f"B{n + 1:04d}"
        am = ams[n % len(ams)]
        am_rows["customer"].append(customer)
        am_rows["person"].append(am)
        am_rows["from"].append("2025-01-01")
        renew = dt.date(FISCAL_YEAR, rng.randint(1, 12), rng.randint(1, 28))
        arr = rng.randrange(20_000, 150_000) * 100
        if renew > AS_OF:
            continue
        if rng.random() < 0.12:  # churn: the renewal is lost, booked as a cancellation
            add_deal(am, renew, -(arr // 4), "USD", "cancellation", 0, customer, None, None, 12, None, None)
            continue
        add_deal(am, renew, arr, "USD", "renewal", rng.choice((0, 1)), customer, None, None, 12, None, None)
        if rng.random() < 0.45:
            up = renew + dt.timedelta(days=rng.randint(15, 120))
            if up <= AS_OF:
                add_deal(am, up, rng.randrange(5_000, 40_000) * 100, "USD", "upsell", 2, customer, None, None, 12,
                         None, None)

    # Touchpoint journeys: every new deal converted after 1-6 touches; twice as many did not.
    fx_rows: dict[str, list[Any]] = {"from_currency": [], "to_currency": [], "date": [], "rate": []}
    eur_usd = {}
    for month in range(1, 13):
        rate = Decimal(108_00 + rng.randrange(-250, 250)).scaleb(-4)
        eur_usd[month] = rate
        fx_rows["from_currency"].append("EUR")
        fx_rows["to_currency"].append("USD")
        fx_rows["date"].append(_day(dt.date(FISCAL_YEAR, month, 1)))
        fx_rows["rate"].append(rate)
    fx_rows["from_currency"].insert(0, "EUR")
    fx_rows["to_currency"].insert(0, "USD")
    fx_rows["date"].insert(0, "2025-09-01")
    fx_rows["rate"].insert(0, Decimal("1.0850"))

    tp: dict[str, list[Any]] = {"journey_id": [], "timestamp": [], "channel": []}
    out: dict[str, list[Any]] = {"journey_id": [], "converted": [], "value": []}
    journey = 1

    def journey_touches(end: dt.date, first_channel: str | None) -> None:
        touches = rng.randint(1, 6)
        t = dt.datetime.combine(end, dt.time(12)) - dt.timedelta(days=rng.randint(10, 90))
        for k in range(touches):
            ch = first_channel if (k == 0 and first_channel) else rng.choice(CHANNELS)
            tp["journey_id"].append(journey)
            tp["timestamp"].append(t)
            tp["channel"].append(ch)
            t += dt.timedelta(days=rng.randint(1, 12), hours=rng.randint(0, 23))

    for _deal_id, _pid, close, cents, ccy in new_deals:
        first = rng.choice(("paid_search", "organic", "webinar", "events", "sdr_outbound", "partner", None))
        journey_touches(close, first)
        usd = cents if ccy == "USD" else (cents * int(eur_usd[close.month].scaleb(4)) + 5_000) // 10_000
        out["journey_id"].append(journey)
        out["converted"].append(True)
        out["value"].append(_money(usd))
        journey += 1
    for _ in range(2 * len(new_deals)):
        journey_touches(dt.date(FISCAL_YEAR, rng.randint(1, 10), rng.randint(1, 28)), None)
        out["journey_id"].append(journey)
        out["converted"].append(False)
        out["value"].append(None)
        journey += 1

    # Quotas: quarterly bookings per AE, retention per AM, sourced pipeline per SDR.
    q: dict[str, list[Any]] = {k: [] for k in ("subject", "measure", "period_kind", "fiscal_year", "number",
                                               "amount", "currency")}
    for pid, role, _start, ccy, *_ in people:
        per_quarter = {"account_executive": ("bookings", 300_000 if ccy == "USD" else 270_000),
                       "account_manager": ("retention", 280_000),
                       "sdr": ("sourced_pipeline", 250_000)}.get(role)
        if per_quarter is None:
            continue
        for quarter in range(1, 5):
            q["subject"].append(pid)
            q["measure"].append(per_quarter[0])
            q["period_kind"].append("quarter")
            q["fiscal_year"].append(FISCAL_YEAR)
            q["number"].append(quarter)
            q["amount"].append(Decimal(per_quarter[1]))
            q["currency"].append(ccy)

    mbo = []
    for quarter, (on_time, quality) in enumerate((("1", "0.8"), ("0.9", "1"), ("1", "1.2"), ("1", "1")), start=1):
        mbo.append({"person": "revops", "component": "mbo", "objective": "close_on_time", "quarter": quarter,
                    "achievement": on_time})
        mbo.append({"person": "revops", "component": "mbo", "objective": "data_quality", "quarter": quarter,
                    "achievement": quality})

    money = pa.decimal128(18, 2)
    return DemoCompany(
        people=pa.table({k: pa.array(v, pa.string()) for k, v in person_rows.items()}),
        assignments=pa.table({k: pa.array(v, pa.string()) for k, v in asg.items()}),
        leaves=pa.table({k: pa.array(v, pa.string()) for k, v in leaves.items()}),
        deals=pa.table({
            "id": pa.array(deals["id"], pa.int64()),
            "owner": pa.array(deals["owner"], pa.string()),
            "close_date": pa.array([dt.date.fromisoformat(x) for x in deals["close_date"]], pa.date32()),
            "amount": pa.array(deals["amount"], money),
            "currency": pa.array(deals["currency"], pa.string()),
            "type": pa.array(deals["type"], pa.string()),
            "product": pa.array(deals["product"], pa.int32()),
            "customer": pa.array(deals["customer"], pa.string()),
            "source": pa.array(deals["source"], pa.string()),
            "source_person": pa.array(deals["source_person"], pa.string()),
            "term_months": pa.array(deals["term_months"], pa.int32()),
            "created_date": pa.array([dt.date.fromisoformat(x) if x else None for x in deals["created_date"]],
                                     pa.date32()),
            "cancellation_date": pa.array([dt.date.fromisoformat(x) if x else None
                                           for x in deals["cancellation_date"]], pa.date32()),
        }),
        splits=pa.table({"deal_id": pa.array(splits["deal_id"], pa.int64()),
                         "person": pa.array(splits["person"], pa.string()),
                         "share": pa.array(splits["share"], pa.decimal128(9, 4))}),
        account_managers=pa.table({"customer": pa.array(am_rows["customer"], pa.string()),
                                   "person": pa.array(am_rows["person"], pa.string()),
                                   "from": pa.array([dt.date.fromisoformat(x) for x in am_rows["from"]],
                                                    pa.date32())}),
        quotas=pa.table({"subject": pa.array(q["subject"], pa.string()),
                         "measure": pa.array(q["measure"], pa.string()),
                         "period_kind": pa.array(q["period_kind"], pa.string()),
                         "fiscal_year": pa.array(q["fiscal_year"], pa.int32()),
                         "number": pa.array(q["number"], pa.int32()),
                         "amount": pa.array(q["amount"], money),
                         "currency": pa.array(q["currency"], pa.string())}),
        ramps=[{"name": "new_hire", "kind": "percent", "values": ["0.25", "0.5", "0.75"]}],
        ramp_assignments=pa.table({"person": ["ae_west_4"], "ramp": ["new_hire"]}),
        opportunities=pa.table({"owner": pa.array(opps["owner"], pa.string()),
                                "expected_close": pa.array([dt.date.fromisoformat(x) for x in opps["expected_close"]],
                                                           pa.date32()),
                                "amount": pa.array(opps["amount"], money),
                                "currency": pa.array(opps["currency"], pa.string()),
                                "stage": pa.array(opps["stage"], pa.string())}),
        touchpoints=pa.table({"journey_id": pa.array(tp["journey_id"], pa.int64()),
                              "timestamp": pa.array(tp["timestamp"], pa.timestamp("s")),
                              "channel": pa.array(tp["channel"], pa.string())}),
        outcomes=pa.table({"journey_id": pa.array(out["journey_id"], pa.int64()),
                           "converted": pa.array(out["converted"], pa.bool_()),
                           "value": pa.array(out["value"], money)}),
        fx_rates=pa.table({"from_currency": pa.array(fx_rows["from_currency"], pa.string()),
                           "to_currency": pa.array(fx_rows["to_currency"], pa.string()),
                           "date": pa.array([dt.date.fromisoformat(x) for x in fx_rows["date"]], pa.date32()),
                           "rate": pa.array(fx_rows["rate"], pa.decimal128(12, 6))}),
        mbo=mbo,
        plan_documents=plan_documents(),
    )
