"""End-to-end Python timing of salescomp.attribution on seeded synthetic journeys.

Builds touchpoint columns with numpy (no per-row Python work), converts them
with Paths.from_journeys (pyarrow in, C++ sort and join), and times the models.
Run: PYTHONPATH=build/dev/python python benchmarks/attribution_bench.py --journeys 1000000 --channels 50
Figures are wall-clock on whatever else the machine is doing; report the load.
"""

from __future__ import annotations

import argparse
import os
import resource
import time

import numpy as np
import pyarrow as pa
import salescomp.attribution as sa


def synthetic(journeys: int, channels: int, mean_length: float, seed: int):
    rng = np.random.default_rng(seed)
    lengths = 1 + rng.geometric(1 / mean_length, size=journeys) - 1
    lengths = np.minimum(lengths, 200)
    journey = np.repeat(np.arange(journeys, dtype=np.int64), lengths)
    zipf = 1 / np.arange(1, channels + 1)
    channel = rng.choice(channels, size=len(journey), p=zipf / zipf.sum())
    names = np.array([f"ch{c:03d}" for c in range(channels)], dtype=object)
    timestamp = np.arange(len(journey), dtype=np.int64)  # ascending within a journey
    converted = rng.random(journeys) < 0.05
    cents = rng.integers(1000, 1_000_000, size=journeys)
    touches = pa.table(
        {
            "journey_id": journey,
            "timestamp": timestamp,
            "channel": pa.array(names[channel].tolist(), type=pa.string()).dictionary_encode(),
        }
    )
    ids = np.flatnonzero(converted)
    outcomes = {"journey_id": ids, "converted": np.ones(len(ids), dtype=bool), "value": cents[ids]}
    return touches, outcomes


def timed(label: str, journeys: int, fn):
    start = time.perf_counter()
    out = fn()
    seconds = time.perf_counter() - start
    print(f"{label:<34} {seconds * 1000:9.1f} ms  {journeys / seconds / 1e6:8.2f} M journeys/s")
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--journeys", type=int, default=1_000_000)
    ap.add_argument("--channels", type=int, default=50)
    ap.add_argument("--mean-length", type=float, default=6.0)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    n = args.journeys
    touches, outcomes = synthetic(n, args.channels, args.mean_length, args.seed)
    print(
        f"{n} journeys, {touches.num_rows} touches, {args.channels} channels, load {os.getloadavg()[0]:.1f}"
    )
    paths = timed(
        "Paths.from_journeys",
        n,
        lambda: sa.Paths.from_journeys(touches, outcomes, currency="USD", value_minor_units=True),
    )
    for model in ("last_touch", "linear", "position_based"):
        timed(f"rule_based {model}", n, lambda m=model: sa.rule_based(paths, m))
    timed("simplified_shapley", n, lambda: sa.simplified_shapley(paths))
    for order in (1, 2):
        timed(f"markov order {order}", n, lambda o=order: sa.markov(paths, o))
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
