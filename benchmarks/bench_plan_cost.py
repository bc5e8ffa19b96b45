"""Plan cost benchmark: V plan variants x N people x C credits in one plan_cost call.

    PYTHONPATH=build/dev/python python benchmarks/bench_plan_cost.py [--people 100000]
        [--credits-per-person 100] [--variants 20] [--threads 2]

Synthetic, seeded: every person on a tiered plan (5% to quota, a top rate above it, a
per-period cap on a third of the roster), a quarterly quota of 200,000-249,000 and
credits of 1,000.00-40,000.00 dated in Q1. Variant k sets the top rate to 8% + k x 0.5%,
every fourth variant also raises quotas 10%. Prints one Markdown row: sizes, input build
time, plan_cost wall time, seconds per variant, peak RSS.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import time
from decimal import Decimal

import numpy as np
import pyarrow as pa
from salescomp import tables
from salescomp.plan import Plan
from salescomp.planning.plan_cost import Variant, plan_cost

PERIOD = {
    "start": dt.date(2026, 1, 1),
    "end": dt.date(2026, 3, 31),
    "quarter_start": dt.date(2026, 1, 1),
    "year_start": dt.date(2026, 1, 1),
}


def plan(plan_id: str, top: str, cap: str | None = None) -> Plan:
    component = {
        "id": "commission",
        "type": "tiered",
        "measure": "bookings",
        "basis": "attainment",
        "mode": "marginal",
        "tiers": [{"from": "0", "to": "1", "rate": "0.05"}, {"from": "1", "rate": top}],
    }
    if cap:
        component["caps"] = {"per_period": cap}
    return Plan.from_dict(
        {
            "id": plan_id,
            "currency": "USD",
            "period": "quarter",
            "measures": [{"id": "bookings"}],
            "components": [component],
        }
    )


def inputs(people: int, per_person: int, seed: int = 1) -> dict:
    rng = np.random.Generator(np.random.PCG64(seed))
    counts = rng.integers(0, 2 * per_person + 1, size=people)
    person = np.repeat(np.arange(people, dtype=np.int32), counts)
    n = len(person)
    first = tables.to_days(["2026-01-01"])[0]
    credits = pa.table(
        {
            "person": person,
            "deal": np.arange(n, dtype=np.int64),
            "date": pa.array(
                (first + rng.integers(0, 90, size=n)).astype(np.int32), pa.int32()
            ).cast(pa.date32()),
            "amount": tables.minor_to_arrow(rng.integers(1_000_00, 40_000_00, size=n), "USD"),
            "currency": pa.DictionaryArray.from_arrays(
                pa.array(np.zeros(n, dtype=np.int32)), pa.array(["USD"])
            ),
        }
    )
    quotas = [
        {
            "person": p,
            "measure": "bookings",
            "period_start": PERIOD["start"],
            "amount": str(200_000 + 1_000 * (p % 50)),
            "currency": "USD",
        }
        for p in range(people)
    ]
    assignments = [
        {
            "person": p,
            "plan": "ae_capped" if p % 3 == 0 else "ae",
            "from": PERIOD["start"],
            "to": None,
        }
        for p in range(people)
    ]
    return dict(
        plans=[plan("ae", "0.10"), plan("ae_capped", "0.10", "60000")],
        assignments=assignments,
        credits=credits,
        period=PERIOD,
        quotas=quotas,
    )


def variants(count: int) -> list[Variant]:
    out = [Variant("base")]
    for k in range(1, count):
        top = str(Decimal("0.08") + Decimal(k) * Decimal("0.005"))
        out.append(
            Variant(
                f"v{k:02d}",
                [plan("ae", top), plan("ae_capped", top, "60000")],
                quota_factor="1.1" if k % 4 == 0 else None,
            )
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--credits-per-person", type=int, default=100)
    parser.add_argument("--variants", type=int, default=20)
    parser.add_argument("--threads", type=int, default=2)
    a = parser.parse_args()
    t0 = time.perf_counter()
    data = inputs(a.people, a.credits_per_person)
    t1 = time.perf_counter()
    result = plan_cost(variants(a.variants), **data, threads=a.threads)
    t2 = time.perf_counter()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows = data["credits"].num_rows
    print(
        "| people | credit rows | variants | threads | inputs built | plan_cost wall | per variant | peak RSS |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(
        f"| {a.people:,} | {rows / 1e6:.2f} M | {a.variants} | {a.threads} | {t1 - t0:.1f} s | {t2 - t1:.1f} s | "
        f"{(t2 - t1) / a.variants:.2f} s | {rss:,.0f} MB |"
    )
    totals = result.totals.to_pydict()
    print("base payout", totals["payout"][0], "last variant payout", totals["payout"][-1])


if __name__ == "__main__":
    main()
