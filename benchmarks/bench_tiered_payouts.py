"""One tiered plan on 10M credits: salescomp from Python, the C++ engine, DuckDB, pandas, polars.

Run: PYTHONPATH=build/dev/python python benchmarks/bench_tiered_payouts.py --people 100000 --per-person 100
(use a Release build of the extension for the engine figures: ``pip install .`` or the bench preset).

The plan is the one any comparison would pick: per quarter, three marginal tiers of
attainment (0-50% of quota at 4%, 50-100% at 8%, above at 10%), one payout line per
person rounded once to the cent, half to even. Credits are seeded: ``per_person``
credits per person on average (uniform in [0, 2 x average]), 0.00 to 20,000.00 USD,
as an Arrow table with exact ``decimal128(18, 2)`` amounts.

Timed, each on the same data in the same process:

* ``salescomp.engine.run_period`` from the Arrow table (what a user calls);
* the C++ engine alone: ``_core._run_period`` on columns converted beforehand (the
  difference to the line above is the Python wrapper's cost);
* DuckDB with exact DECIMAL SQL, pandas with float64 and polars with float64 (what
  people write today), each counted against salescomp's cents: payouts that differ.

The exact answer for each person is also recomputed with Python integers (an
independent oracle) on a sample, so the "misses" column is measured against a
checked reference.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import time
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pyarrow as pa

PLAN = {
    "id": "ae",
    "currency": "USD",
    "period": "quarter",
    "rounding": {"mode": "HalfEven"},
    "measures": [{"id": "bookings"}],
    "components": [
        {
            "id": "commission",
            "type": "tiered",
            "measure": "bookings",
            "mode": "marginal",
            "tiers": [
                {"from": "0", "to": "0.5", "rate": "0.04"},
                {"from": "0.5", "to": "1", "rate": "0.08"},
                {"from": "1", "rate": "0.10"},
            ],
        }
    ],
}
Q_START = dt.date(2026, 1, 1)
PERIOD = {
    "start": Q_START,
    "end": dt.date(2026, 3, 31),
    "quarter_start": Q_START,
    "year_start": Q_START,
}


def _cents(minor: np.ndarray) -> pa.Array:
    """decimal128(18, 2) whose unscaled values are `minor` (exact, no per-row work)."""
    words = np.empty(2 * len(minor), dtype=np.int64)
    words[0::2], words[1::2] = minor, minor >> 63
    return pa.Array.from_buffers(pa.decimal128(18, 2), len(minor), [None, pa.py_buffer(words)])


def synthetic(people: int, per_person: int, seed: int):
    """(credits table, quota minor units per person) - no per-row Python work."""
    rng = np.random.default_rng(seed)
    counts = rng.integers(0, 2 * per_person + 1, size=people)
    person = np.repeat(np.arange(people, dtype=np.int32), counts)
    n = len(person)
    minor = rng.integers(0, 2_000_001, size=n, dtype=np.int64)
    amount = _cents(minor)
    days = (np.datetime64(Q_START) - np.datetime64("1970-01-01")).astype(np.int32)
    date = pa.array(days + rng.integers(0, 90, size=n, dtype=np.int32), pa.int32()).cast(
        pa.date32()
    )
    credits = pa.table(
        {
            "person": person,
            "deal": np.arange(n, dtype=np.int64),
            "date": date,
            "amount": amount,
            "currency": pa.array(["USD"]).take(np.zeros(n, dtype=np.int32)).dictionary_encode(),
        }
    )
    quota = rng.integers(50, 200, size=people, dtype=np.int64) * 1_000_000  # 500k-2M USD in cents
    return credits, minor, person, quota


def timed(fn):
    start, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - start, time.process_time() - cpu


def run_salescomp(credits, quota, threads: int):
    from salescomp import engine
    from salescomp.plan import Plan

    plan = Plan.from_dict(PLAN)
    people = len(quota)
    # Assignments and quotas as tables (the shapes effective_quotas and the organisation give),
    # read column by column in C++ (engine/run_tables.cpp).
    assignments = pa.table(
        {
            "person_id": pa.array(np.arange(people, dtype=np.int32)),
            "plan_id": pa.array(["ae"] * people),
            "from": pa.array([Q_START] * people, pa.date32()),
        }
    )
    quotas = pa.table(
        {
            "subject": pa.array(np.arange(people, dtype=np.int32)),
            "measure": pa.array(["bookings"] * people),
            "period_kind": pa.array(["quarter"] * people),
            "period_start": pa.array([Q_START] * people, pa.date32()),
            "quota": pa.array([Decimal(int(q)).scaleb(-2) for q in quota], pa.decimal128(18, 2)),
            "currency": pa.array(["USD"] * people),
        }
    )
    kwargs = dict(
        plans=[plan], assignments=assignments, credits=credits, quotas=quotas, period=PERIOD
    )
    result, wall, cpu = timed(
        lambda: engine.run_period(**kwargs, threads=threads, explanations=False)
    )
    # The C++ engine alone: the same arguments converted beforehand, then only the core call.
    args = engine._run_args([plan], assignments, credits, None, quotas, (), PERIOD, None, columnar=True)
    call = dict(
        **args,
        threads=threads,
        explanations=False,
        what_if=None,
        fx=None,
        fx_date="credit_date",
        pay_currencies=[],
        collections=None,
        plan_change="credits_by_date",
    )
    _core_result, core_wall, core_cpu = timed(lambda: engine._core._run_period(**call))
    lines = result.to_arrow()
    paid = np.zeros(people, dtype=np.int64)
    cents = lines["amount"].cast(pa.decimal128(38, 2))
    words = np.frombuffer(cents.combine_chunks().buffers()[1], dtype=np.int64)[0::2]
    np.add.at(paid, lines["person"].to_numpy(), words)
    return paid, (wall, cpu), (core_wall, core_cpu)


def half_even_div(num: int, den: int) -> int:
    q, r = divmod(num, den)
    if 2 * r > den or (2 * r == den and q % 2):
        q += 1
    return q


def oracle(credited: int, quota: int) -> int:
    """Exact payout in cents with Python integers (rates in basis points)."""
    edges = [(0, Fraction(quota, 2), 400), (Fraction(quota, 2), quota, 800), (quota, None, 1000)]
    total = Fraction(0)
    for lo, hi, bps in edges:
        top = credited if hi is None else min(credited, hi)
        if top > lo:
            total += (top - lo) * bps
    total /= 10_000
    return half_even_div(total.numerator, total.denominator)


def run_duckdb(credits, quota):
    import duckdb

    q = pa.table({"person": np.arange(len(quota), dtype=np.int32), "quota": _cents(quota)})
    con = duckdb.connect()
    con.register("credits", credits.select(["person", "amount"]))
    con.register("quotas", q)
    sql = """
        WITH s AS (SELECT person, SUM(amount) AS credited FROM credits GROUP BY person)
        SELECT q.person,
               ROUND(
                 LEAST(COALESCE(s.credited, 0), q.quota * 0.5) * 0.04
               + GREATEST(LEAST(COALESCE(s.credited, 0), q.quota) - q.quota * 0.5, 0) * 0.08
               + GREATEST(COALESCE(s.credited, 0) - q.quota, 0) * 0.10, 2) AS payout
        FROM quotas q LEFT JOIN s USING (person) ORDER BY q.person
    """
    out, wall, cpu = timed(lambda: con.sql(sql).to_arrow_table())
    cents = out["payout"].cast(pa.decimal128(38, 2)).combine_chunks()
    return np.frombuffer(cents.buffers()[1], dtype=np.int64)[0::2].copy(), wall, cpu


def float_tiers(credited: np.ndarray, quota: np.ndarray) -> np.ndarray:
    half, full = quota / 2, quota
    pay = np.minimum(credited, half) * 0.04
    pay += np.clip(np.minimum(credited, full) - half, 0, None) * 0.08
    pay += np.clip(credited - full, 0, None) * 0.10
    return np.round(pay, 2)


def run_pandas(credits, quota):
    import pandas as pd

    df = pd.DataFrame(
        {
            "person": credits["person"].to_numpy(),
            "amount": credits["amount"].cast(pa.float64()).to_numpy(),
        }
    )

    def go():
        s = df.groupby("person")["amount"].sum().reindex(range(len(quota)), fill_value=0.0)
        return float_tiers(s.to_numpy(), quota / 100.0)

    out, wall, cpu = timed(go)
    return np.rint(out * 100).astype(np.int64), wall, cpu


def run_polars(credits, quota):
    import polars as pl

    df = pl.DataFrame(
        {
            "person": credits["person"].to_numpy(),
            "amount": credits["amount"].cast(pa.float64()).to_numpy(),
        }
    )
    q = pl.DataFrame({"person": np.arange(len(quota), dtype=np.int32), "quota": quota / 100.0})

    def go():
        s = q.join(df.group_by("person").agg(pl.col("amount").sum()), on="person", how="left").sort(
            "person"
        )
        c = pl.col("amount").fill_null(0.0)
        half, full = pl.col("quota") / 2, pl.col("quota")
        pay = (
            pl.min_horizontal(c, half) * 0.04
            + pl.max_horizontal(pl.min_horizontal(c, full) - half, 0) * 0.08
            + pl.max_horizontal(c - full, 0) * 0.10
        ).round(2)
        return s.select(pay.alias("payout"))["payout"].to_numpy()

    out, wall, cpu = timed(go)
    return np.rint(out * 100).astype(np.int64), wall, cpu


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--people", type=int, default=100_000)
    ap.add_argument("--per-person", type=int, default=100)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--oracle-sample", type=int, default=2000)
    args = ap.parse_args()
    credits, minor, person, quota = synthetic(args.people, args.per_person, args.seed)
    print(
        f"{args.people:,} people, {credits.num_rows:,} credits, threads {args.threads}, "
        f"load {os.getloadavg()[0]:.1f}"
    )
    paid, (wall, cpu), (core_wall, core_cpu) = run_salescomp(credits, quota, args.threads)
    sums = np.zeros(args.people, dtype=np.int64)
    np.add.at(sums, person, minor)
    sample = np.random.default_rng(1).choice(
        args.people, size=min(args.oracle_sample, args.people), replace=False
    )
    wrong = [int(p) for p in sample if oracle(int(sums[p]), int(quota[p])) != paid[p]]
    assert not wrong, f"salescomp differs from the integer oracle for people {wrong[:10]}"
    rows = [
        ("salescomp run_period (Python API, Arrow in)", wall, cpu, 0),
        ("salescomp C++ engine alone (same process)", core_wall, core_cpu, 0),
    ]
    for label, fn in (
        ("DuckDB exact DECIMAL SQL", run_duckdb),
        ("pandas float64", run_pandas),
        ("polars float64", run_polars),
    ):
        cents, w, c = fn(credits, quota)
        rows.append((label, w, c, int(np.count_nonzero(cents != paid))))
    print(f"oracle: {len(sample)} sampled people equal Python-integer payouts")
    print(f"Python API / C++ engine: {wall / core_wall:.2f}x")
    print("| tool | wall | CPU | payouts off by >= 1 cent |")
    print("|---|---:|---:|---:|")
    for label, w, c, miss in rows:
        print(f"| {label} | {w:.2f} s | {c:.2f} s | {miss:,} of {args.people:,} |")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
