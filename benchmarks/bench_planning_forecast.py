"""Planning on a large opportunity history: validation, funnel measures and the forecast.

    PYTHONPATH=build/dev/python python benchmarks/bench_planning_forecast.py [--rows 1000000]
        [--owners 5000] [--simulations 1000]

Synthetic, seeded: opportunities created uniformly over 1,000 days from 2024-01-01, cycles
of 5-119 days, 30% won, amounts 1,000.00-100,000.00 USD; the forecast is made on 2026-09-27
for 2026-10-01 .. 2026-12-31. Prints the wall time of each step.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

import numpy as np
import pyarrow as pa
from salescomp import tables
from salescomp.planning import forecast, funnel_summary, opportunity_history


def history_table(rows: int, owners: int, seed: int = 1) -> pa.Table:
    rng = np.random.Generator(np.random.PCG64(seed))
    created = tables.to_days(["2024-01-01"])[0] + rng.integers(0, 1000, rows)
    close = created + rng.integers(5, 120, rows)
    as_of = tables.to_days(["2026-09-27"])[0]
    outcome = np.where(close > as_of, "open", np.where(rng.random(rows) < 0.3, "won", "lost"))
    return pa.table(
        {
            "opportunity_id": pa.array([f"O{i:08d}" for i in range(rows)]),
            "owner": pa.array([f"rep{i:05d}" for i in rng.integers(0, owners, rows)]),
            "created_date": pa.array(created.astype(np.int32)).cast(pa.date32()),
            "close_date": pa.array(close.astype(np.int32)).cast(pa.date32()),
            "outcome": pa.array(outcome),
            "stage": pa.array(rng.choice(["discovery", "proposal", "commit"], rows)),
            "amount": tables.minor_to_arrow(rng.integers(100_000, 10_000_000, rows), "USD"),
            "currency": pa.array(["USD"] * rows),
            "source": pa.array(rng.choice(["sdr", "marketing", "partner", "sales"], rows)),
            "segment": pa.array(rng.choice(["smb", "mid", "ent"], rows)),
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--owners", type=int, default=5_000)
    parser.add_argument("--simulations", type=int, default=1_000)
    a = parser.parse_args()
    t = history_table(a.rows, a.owners)
    t0 = time.perf_counter()
    h = opportunity_history(t)
    t1 = time.perf_counter()
    funnel_summary(h)
    t2 = time.perf_counter()
    f = forecast(
        h,
        first=dt.date(2026, 10, 1),
        last=dt.date(2026, 12, 31),
        as_of=dt.date(2026, 9, 27),
        simulations=a.simulations,
    )
    t3 = time.perf_counter()
    print(
        f"{a.rows:,} opportunities, {a.owners:,} owners, {f.open_pipeline.num_rows:,} open: validation "
        f"{t1 - t0:.1f} s, funnel {t2 - t1:.1f} s, forecast ({a.simulations:,} simulations) {t3 - t2:.1f} s"
    )


if __name__ == "__main__":
    main()
