"""End-to-end Python timing of salescomp.attribution on seeded synthetic journeys.

Builds touchpoint columns with numpy (no per-row Python work), converts them
with Paths.from_journeys (pyarrow in, C++ sort and join), and times the models.
Run: PYTHONPATH=build/dev/python python benchmarks/attribution_bench.py --journeys 1000000 --channels 50
``--path-rows N`` instead times the aggregated format end to end: N distinct path rows as an
Arrow ``list<dictionary<string>>`` column (Paths.from_path_lists), then order-1 Markov; and the
same paths as text (Paths.from_path_strings) for comparison.
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


def path_rows(rows: int, channels: int, mean_length: float, seed: int) -> pa.Table:
    """Aggregated path rows: path as list<dictionary<string>>, Zipf channels, exact totals."""
    rng = np.random.default_rng(seed)
    lengths = np.minimum(rng.geometric(1 / mean_length, size=rows), 200)
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int32)
    zipf = 1 / np.arange(1, channels + 1)
    codes = rng.choice(channels, size=int(offsets[-1]), p=zipf / zipf.sum()).astype(np.int32)
    names = pa.array([f"ch{c:03d}" for c in range(channels)])
    path = pa.ListArray.from_arrays(
        pa.array(offsets), pa.DictionaryArray.from_arrays(pa.array(codes), names)
    )
    conversions = rng.integers(0, 5, size=rows)
    nulls = rng.integers(0, 50, size=rows) + (conversions == 0)
    value = np.where(conversions > 0, rng.integers(1000, 1_000_000, size=rows), 0)
    return pa.table(
        {
            "path": path,
            "total_conversions": conversions,
            "total_conversion_value": value,
            "total_null": nulls,
        }
    )


def path_rows_main(args) -> None:
    """End to end from an Arrow table: list column in, exact order-1 Markov credits out."""
    table = path_rows(args.path_rows, args.channels, args.mean_length, args.seed)
    print(
        f"{args.path_rows} path rows, {len(table['path'].combine_chunks().flatten())} touches, "
        f"{args.channels} channels, load {os.getloadavg()[0]:.1f}"
    )

    def lists_then_markov():
        paths = sa.Paths.from_path_lists(table, currency="USD", value_minor_units=True)
        return sa.markov(paths, 1, output="arrow")

    runs = [timed("from_path_lists + markov 1", args.path_rows, lists_then_markov)]
    for _ in range(4):
        runs.append(timed("  again", args.path_rows, lists_then_markov))
    texts = pa.array(
        [
            " > ".join(p)
            for p in table["path"].combine_chunks().cast(pa.list_(pa.string())).to_pylist()
        ]
    )
    text_table = table.set_column(0, "path", texts)
    timed(
        "from_path_strings + markov 1",
        args.path_rows,
        lambda: sa.markov(
            sa.Paths.from_path_strings(text_table, currency="USD", value_minor_units=True),
            1,
            output="arrow",
        ),
    )
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


def timed(label: str, journeys: int, fn):
    start, cpu = time.perf_counter(), time.process_time()
    out = fn()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(
        f"{label:<34} {seconds * 1000:9.1f} ms  (CPU {cpu * 1000:7.1f} ms)  "
        f"{journeys / seconds / 1e6:8.2f} M journeys/s"
    )
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--journeys", type=int, default=1_000_000)
    ap.add_argument("--channels", type=int, default=50)
    ap.add_argument("--mean-length", type=float, default=6.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--path-rows", type=int, default=0, help="time the list-column path format")
    args = ap.parse_args()
    if args.path_rows:
        path_rows_main(args)
        return
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
