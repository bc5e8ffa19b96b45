"""salescomp on a Dask cluster: crediting, period runs, attribution and accounting beyond one
machine, with the same bytes out as one machine (``pip install salescomp[dask]``).

Inputs are Parquet datasets (a folder of files: one partition per file, named in errors),
lists of pyarrow Tables, or Dask DataFrames. Outputs are Parquet datasets written through
salescomp's atomic output folders: a job that fails (a bad row in any partition) leaves no
output at all. The work runs on whatever Dask scheduler is active: create a
``distributed.Client`` for a cluster (docs/dask.md), or nothing for threads in this process.

The per-partition work is :mod:`salescomp.dask.partition` (Arrow tables in and out, no Dask);
this module only splits, shuffles and schedules it:

- :func:`credit`: deals split any way -> credits partitioned by person;
- :func:`quotas`: effective quotas and attainment by person partition;
- :func:`run_period`: credits, quotas and prior state by person -> payout lines, statements
  and next state, each a dataset partitioned by person; the next quarter reads the state;
- :func:`attribution_paths`: journeys shuffled by journey id, path counts added up, one
  :class:`salescomp.attribution.Paths` for every model (solved once, on the totals);
- :func:`accounting`: cost lines shuffled by line id, books per partition, roll-forwards
  summed exactly.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .partition import (
    OrgSpec,
    PartitionError,
    QuotaSpec,
    RunSpec,
    accounting_partition,
    balanced_ranges,
    credit_partition,
    journey_paths,
    paths_from_counts,
    person_histogram,
    person_range,
    quota_partition,
    roster,
    run_partition,
    split_rows,
    sum_path_counts,
    sum_roll_forwards,
)

__all__ = [
    "OrgSpec",
    "RunSpec",
    "QuotaSpec",
    "PartitionError",
    "credit",
    "quotas",
    "run_period",
    "attribution_paths",
    "accounting",
    "read_dataset",
    "roster",
]


def _dask():
    import dask

    return dask


def _compute(*collections: Any, scheduler: Any = None) -> tuple[Any, ...]:
    """``dask.compute`` that returns or raises only once no task of the job still runs.

    ``dask.compute`` raises at the first failed task while its siblings go on running; those
    write into the job's temporary folder, which the failure is removing, and would leave
    files behind it. On a ``distributed`` client every future is awaited (finished or failed)
    before the first error is raised; with the threaded scheduler the pool is shut down, and
    its running tasks awaited, before returning."""
    dask = _dask()
    get = dask.base.get_scheduler(scheduler=scheduler, collections=list(collections))
    client = getattr(get, "__self__", None)
    if client is not None and hasattr(client, "gather"):  # a distributed.Client
        from distributed import wait

        futures = client.compute(list(collections))
        wait(futures)
        return tuple(client.gather(futures))
    if get is dask.threaded.get:
        from concurrent.futures import ThreadPoolExecutor

        pool = ThreadPoolExecutor(dask.config.get("num_workers", None) or os.cpu_count())
        try:
            return dask.compute(*collections, scheduler="threads", pool=pool)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    return dask.compute(*collections, scheduler=scheduler)


# ---------------------------------------------------------------------------- partitions in


def _partitions(data: Any, what: str) -> list[tuple[str, Any]]:
    """(label, loader) per input partition: files of a Parquet folder (read inside the
    workers, never on the client), pyarrow Tables, or the partitions of a Dask DataFrame."""
    delayed = _dask().delayed
    if isinstance(data, (str, os.PathLike)):
        folder = Path(data)
        files = sorted(p for p in folder.glob("*.parquet") if not p.name.startswith((".", "_")))
        if not files:
            raise FileNotFoundError(f"{what}: no Parquet files in {folder}")
        return [(str(f), delayed(_read_file)(str(f))) for f in files]
    if hasattr(data, "to_delayed"):  # a Dask DataFrame
        return [
            (f"{what} partition {i + 1}", delayed(_from_pandas)(p))
            for i, p in enumerate(data.to_delayed())
        ]
    return [(f"{what} partition {i + 1}", delayed(t)) for i, t in enumerate(data)]


def _read_file(path: str) -> pa.Table:
    import pyarrow.parquet as pq

    return pq.read_table(path)


def _from_pandas(frame: Any) -> pa.Table:
    return pa.Table.from_pandas(frame, preserve_index=False)


def _optional(data: Any, what: str) -> list[tuple[str, Any]] | None:
    return None if data is None else _partitions(data, what)


def read_dataset(folder: str | os.PathLike[str]) -> pa.Table:
    """A dataset this module wrote, its partitions concatenated in order (the one-machine order)."""
    import pyarrow.parquet as pq

    files = sorted(Path(folder).glob("part_*.parquet"))
    return pa.concat_tables([pq.read_table(f) for f in files]).combine_chunks()


def _write(table: pa.Table, folder: Path, part: int) -> int:
    from .._output import write_table

    folder.mkdir(parents=True, exist_ok=True)
    write_table(table, folder, f"part_{part:05d}", ("parquet",))
    return table.num_rows


def _released(value: Any) -> Any:
    """Hands Arrow's freed memory back to the system after a task (the allocator keeps it
    otherwise, and a worker's resident size then only grows)."""
    pa.default_memory_pool().release_unused()
    return value


def _broadcast(obj: Any, tmp: Path, name: str) -> str:
    """A small input every partition needs, written once beside the outputs (every worker sees
    the output's folder) rather than embedded in each task: a roster of millions is large."""
    import pickle

    path = tmp / _SHUFFLE / f"{name}.pickle"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))
    return str(path)


_LOADED: dict[str, Any] = {}  # per worker process: the broadcast inputs of the current job


def _load(path: str) -> Any:
    if path not in _LOADED:
        import pickle

        _LOADED.clear()
        _LOADED[path] = pickle.loads(Path(path).read_bytes())
    return _LOADED[path]


def _check_partitions(partitions: int) -> None:
    if isinstance(partitions, bool) or not isinstance(partitions, int) or partitions < 1:
        raise ValueError(f"partitions: expected a positive integer, got {partitions!r}")


_SHUFFLE = (
    "_shuffle"  # scratch folder inside the output's temporary folder, removed before publishing
)


def _published(out: Any, force: bool, command: str, tasks: Any, scheduler: Any) -> list[Any]:
    """Runs the writing tasks into a temporary folder that becomes ``out`` only if every task
    succeeded (a failed job leaves ``out`` as it was)."""
    import shutil

    from .._output import atomic_directory

    with atomic_directory(out, force=force, command=command) as tmp:
        results = list(_compute(*tasks(tmp), scheduler=scheduler))
        shutil.rmtree(tmp / _SHUFFLE, ignore_errors=True)
        return results


# ---------------------------------------------------------------------------- crediting


_RANGES = "partitions.json"  # the person ranges of a dataset's partitions, beside its files


_SHUFFLE_ROW_GROUP = 8_192


def _shuffle_file(tmp: Path, source: int) -> Path:
    return tmp / _SHUFFLE / f"{source:05d}.parquet"


def _credit_split(
    deals: pa.Table, spec_file: str, label: str, source: int, tmp: Path
) -> tuple[Any, int]:
    """Credits one input partition into a shuffle file sorted by person (on disk, not in
    worker memory: the credits of a large job do not fit there) and returns its rows per fine
    person range, from which the person partitions are balanced."""
    import pyarrow.parquet as pq

    spec = _load(spec_file)
    # Sorted by person only: the gather sorts each person partition fully (_credit_write); here
    # the order just keeps a row group's people close, so the gather skips the other groups.
    credits = credit_partition(deals, spec, source=label, sort=False)
    credits = credits.take(pc.sort_indices(credits.column("person")))
    path = _shuffle_file(tmp, source)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Small row groups: each gather decodes, from every shuffle file, the groups that overlap
    # its person range. A file holds about rows / partitions rows of one range (2,500 at 1M
    # rows and 400 partitions): 64k-row groups decoded 26x the rows kept, one or two 8k-row
    # groups decode 3-7x, and the footer every gather parses stays small (122 groups per 1M).
    # A retry rewrites the same rows.
    pq.write_table(credits, path, row_group_size=_SHUFFLE_ROW_GROUP)
    people = len(roster(spec))
    return _released((person_histogram(credits.column("person"), people), people))


def _credit_write(sources: int, tmp: Path, part: int, persons: tuple[int, int]) -> int:
    """Person partition ``part`` (run indexes ``persons``): its rows from every shuffle file
    (row groups outside the range are skipped by their statistics), in the one order."""
    import pyarrow.dataset as ds

    from .partition import _sort_credits

    lo, hi = persons
    files = [str(_shuffle_file(tmp, i)) for i in range(sources)]
    rows = ds.dataset(files, format="parquet").to_table(
        filter=(ds.field("person") >= lo) & (ds.field("person") < hi)
    )
    return _released(_write(_sort_credits(rows), tmp, part))


def _write_ranges(tmp: Path, people: int, ranges: Sequence[tuple[int, int]]) -> None:
    body = {"people": people, "ranges": [list(r) for r in ranges]}
    (tmp / _RANGES).write_text(json.dumps(body) + "\n", encoding="utf-8")


def _read_ranges(folder: Path) -> list[tuple[int, int]]:
    path = Path(folder) / _RANGES
    if not path.exists():
        raise FileNotFoundError(f"{folder}: no {_RANGES}; not a dataset of salescomp.dask.credit")
    return [(int(a), int(b)) for a, b in json.loads(path.read_text(encoding="utf-8"))["ranges"]]


def credit(
    deals: Any,
    spec: OrgSpec,
    *,
    out: str | os.PathLike[str],
    partitions: int = 8,
    force: bool = False,
    scheduler: Any = None,
) -> Path:
    """Credit every deal (``deals`` split any way) and write the credits to ``out`` as a
    Parquet dataset of ``partitions`` person partitions (``part_00000.parquet``...: contiguous
    ranges of the roster's run index balanced by credit rows, listed in ``partitions.json``;
    the organisation in ``spec`` is sent to every partition). Same rows and bytes as
    ``salescomp.credit`` on all the deals at once (:func:`partition.canonical_credits`)."""
    _check_partitions(partitions)
    delayed = _dask().delayed
    inputs = _partitions(deals, "deals")

    def tasks(tmp: Path) -> list[Any]:
        spec_key = _broadcast(spec, tmp, "spec")
        histograms = _compute(
            *[
                delayed(_credit_split)(load, spec_key, label, i, tmp)
                for i, (label, load) in enumerate(inputs)
            ],
            scheduler=scheduler,
        )
        people = histograms[0][1]
        ranges = balanced_ranges(np.sum([h for h, _ in histograms], axis=0), people, partitions)
        _write_ranges(tmp, people, ranges)
        return [delayed(_credit_write)(len(inputs), tmp, b, r) for b, r in enumerate(ranges)]

    _published(out, force, "salescomp.dask.credit", tasks, scheduler)
    return Path(out)


# ---------------------------------------------------------------------------- quotas, attainment


def _quota_write(credits: str, inputs: str, part: int, persons: tuple[int, int], tmp: Path) -> int:
    spec, quota = _load(inputs)
    lo, hi = persons
    rows = _person_slice(credits, None, [], lo, hi, by_index=True)
    quotas, att = quota_partition(
        rows,
        spec,
        quota,
        persons=persons,
        source=f"person partition {part + 1} (run indexes {lo}..{hi - 1})",
    )
    _write(quotas, tmp / "quotas", part)
    return _released(_write(att, tmp / "attainment", part))


def quotas(
    credits: str | os.PathLike[str],
    spec: OrgSpec,
    quota: QuotaSpec,
    *,
    out: str | os.PathLike[str],
    partitions: int | None = None,
    force: bool = False,
    scheduler: Any = None,
) -> Path:
    """Effective quotas and attainment of every person, person partition by person partition.

    ``credits``: a dataset of :func:`credit`; ``spec``: its organisation; ``quota``: the quota
    inputs (:class:`QuotaSpec`, person subjects). Writes ``out/quotas`` (the
    ``effective_quotas`` table) and ``out/attainment``, datasets of person partitions (the
    credits' ranges, or ``partitions`` equal ranges of the roster), the same rows and bytes as
    :func:`salescomp.effective_quotas` and :func:`salescomp.attainment` on one machine."""
    if partitions is not None:
        _check_partitions(partitions)
    delayed = _dask().delayed
    people = len(roster(spec))
    if partitions is None:
        ranges = _read_ranges(Path(credits))
    else:
        ranges = [person_range(b, people, partitions) for b in range(partitions)]

    def tasks(tmp: Path) -> list[Any]:
        inputs = _broadcast((spec, quota), tmp, "quota")
        _write_ranges(tmp, people, ranges)
        return [
            delayed(_quota_write)(str(credits), inputs, b, r, tmp) for b, r in enumerate(ranges)
        ]

    _published(out, force, "salescomp.dask.quotas", tasks, scheduler)
    return Path(out)


# ---------------------------------------------------------------------------- the period run


def _person_slice(
    folder: str | None, table: pa.Table | None, ids: list[str], lo: int, hi: int, by_index: bool
) -> pa.Table | None:
    """Rows of person run indexes [lo, hi): from a dataset folder (filter pushed down to the
    Parquet statistics) or a table."""
    import pyarrow.dataset as ds

    if folder is None and table is None:
        return None
    if by_index:
        expr = (ds.field("person") >= lo) & (ds.field("person") < hi)
    else:
        expr = ds.field("person_id").isin(pa.array(ids[lo:hi], pa.string()))
    if folder is not None:
        files = [str(f) for f in sorted(Path(folder).glob("part_*.parquet"))]
        return ds.dataset(files, format="parquet").to_table(filter=expr)
    keep = pc.is_in(table.column("person_id"), value_set=pa.array(ids[lo:hi], pa.string()))
    return table.filter(keep)


def _run_write(
    credits: str, inputs: str, state: str | None, part: int, persons: tuple[int, int], tmp: Path
) -> int:
    spec, quotas = _load(inputs)
    ids = list(spec.person_ids)
    lo, hi = persons
    c = _person_slice(credits, None, ids, lo, hi, by_index=True)
    q = _person_slice(None, quotas, ids, lo, hi, by_index=False)
    s = _person_slice(state, None, ids, lo, hi, by_index=False)
    lines, statements, next_state = run_partition(
        c,
        spec,
        persons=persons,
        quotas=q,
        state=s,
        source=f"person partition {part + 1} (run indexes {lo}..{hi - 1})",
    )
    _write(statements, tmp / "statements", part)
    _write(next_state, tmp / "state", part)
    return _released(_write(lines, tmp / "lines", part))


def run_period(
    credits: str | os.PathLike[str],
    spec: RunSpec,
    *,
    out: str | os.PathLike[str],
    quotas: pa.Table | None = None,
    state: str | os.PathLike[str] | None = None,
    partitions: int | None = None,
    force: bool = False,
    scheduler: Any = None,
) -> Path:
    """The period run of every person with a plan, partition by partition of people.

    ``credits``: a dataset of :func:`credit` (any number of partitions); ``quotas``:
    person_id, measure, period_start, amount, currency; ``state``: the ``state`` folder of the
    previous period's output. Writes ``out/lines``, ``out/statements`` and ``out/state``,
    datasets of person partitions: the credits' balanced ranges (``partitions=None``) or
    ``partitions`` equal ranges of the roster (listed in ``out/partitions.json``)."""
    if partitions is not None:
        _check_partitions(partitions)
    delayed = _dask().delayed
    credits_folder = str(credits)
    state_folder = None if state is None else str(state)

    people = len(spec.person_ids)
    if partitions is None:  # the credits' own balanced person ranges
        ranges = _read_ranges(Path(credits))
    else:
        ranges = [person_range(b, people, partitions) for b in range(partitions)]

    def tasks(tmp: Path) -> list[Any]:
        inputs = _broadcast((spec, quotas), tmp, "run")
        _write_ranges(tmp, people, ranges)
        return [
            delayed(_run_write)(credits_folder, inputs, state_folder, b, r, tmp)
            for b, r in enumerate(ranges)
        ]

    _published(out, force, "salescomp.dask.run_period", tasks, scheduler)
    return Path(out)


# ---------------------------------------------------------------------------- attribution


def _hash_partitions(column: Any, partitions: int) -> np.ndarray:
    """A partition per key value, the same on every machine (pandas' fixed-key SipHash)."""
    import pandas as pd

    values = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    hashed = pd.util.hash_array(values.to_numpy(zero_copy_only=False))
    return (hashed % np.uint64(partitions)).astype(np.int64)


def _by_key(table: pa.Table, key: str, partitions: int) -> list[pa.Table]:
    return split_rows(table, _hash_partitions(table.column(key), partitions), partitions)


def _journey_counts(
    touches: Sequence[pa.Table],
    outcomes: Sequence[pa.Table] | None,
    currency: str,
    part: int,
    columns: dict[str, Any],
) -> pa.Table:
    t = pa.concat_tables(touches)
    o = pa.concat_tables(outcomes) if outcomes is not None else None
    return journey_paths(t, o, currency=currency, source=f"journey partition {part + 1}", **columns)


def attribution_paths(
    touchpoints: Any,
    outcomes: Any = None,
    *,
    currency: str,
    partitions: int = 8,
    journey: str = "journey_id",
    outcome_journey: str | None = None,
    scheduler: Any = None,
    **columns: Any,
) -> Any:
    """The :class:`salescomp.attribution.Paths` of all journeys, counted partition by partition.

    Touchpoints and outcomes (split any way) are shuffled by journey id so that each journey is
    whole in one partition; each partition counts its paths; the counts are added; the models
    of :mod:`salescomp.attribution` then run once on the totals (rule-based position models,
    Markov of any order, simplified and exact Shapley). Time-based rules (time_decay,
    step_decay) and milestones need each journey's timestamps: not supported here."""
    _check_partitions(partitions)
    delayed = _dask().delayed
    okey = outcome_journey or journey
    t_parts = [
        delayed(_by_key, nout=partitions)(load, journey, partitions)
        for _label, load in _partitions(touchpoints, "touchpoints")
    ]
    o_in = _optional(outcomes, "outcomes")
    o_parts = (
        None
        if o_in is None
        else [delayed(_by_key, nout=partitions)(load, okey, partitions) for _label, load in o_in]
    )
    names = {"journey": journey, "outcome_journey": outcome_journey, **columns}
    counts = [
        delayed(_journey_counts)(
            [t[b] for t in t_parts],
            None if o_parts is None else [o[b] for o in o_parts],
            currency,
            b,
            names,
        )
        for b in range(partitions)
    ]
    total = delayed(sum_path_counts)(counts)
    (summed,) = _compute(total, scheduler=scheduler)
    return paths_from_counts(summed, currency)


# ---------------------------------------------------------------------------- accounting


def _book(
    costs: Sequence[pa.Table],
    events: Sequence[pa.Table] | None,
    start: Any,
    end: Any,
    policy: Any,
    part: int,
    tmp: Path | None,
) -> pa.Table:
    c = pa.concat_tables(costs)
    e = pa.concat_tables(events) if events is not None else None
    assets, schedule, roll = accounting_partition(
        c, e, start=start, end=end, policy=policy, source=f"asset partition {part + 1}"
    )
    if tmp is not None:
        _write(assets, tmp / "assets", part)
        _write(schedule, tmp / "schedule", part)
    return roll


def accounting(
    costs: Any,
    events: Any = None,
    *,
    start: Any,
    end: Any,
    partitions: int = 8,
    policy: Any = None,
    out: str | os.PathLike[str] | None = None,
    force: bool = False,
    scheduler: Any = None,
) -> pa.Table:
    """The commission-expense book of every cost line, asset partition by asset partition.

    Cost lines and their events (split any way) are shuffled by ``line_id``; each partition
    builds its book; the roll-forwards from ``start`` to ``end`` are summed exactly per
    currency and month and returned. With ``out``, each partition's ``assets`` and ``schedule``
    are written there as datasets (per asset, so nothing to add up)."""
    _check_partitions(partitions)
    delayed = _dask().delayed
    c_parts = [
        delayed(_by_key, nout=partitions)(load, "line_id", partitions)
        for _label, load in _partitions(costs, "costs")
    ]
    e_in = _optional(events, "events")
    e_parts = (
        None
        if e_in is None
        else [
            delayed(_by_key, nout=partitions)(load, "line_id", partitions) for _label, load in e_in
        ]
    )

    def tasks(tmp: Path | None) -> list[Any]:
        rolls = [
            delayed(_book)(
                [c[b] for c in c_parts],
                None if e_parts is None else [e[b] for e in e_parts],
                start,
                end,
                policy,
                b,
                tmp,
            )
            for b in range(partitions)
        ]
        return [delayed(sum_roll_forwards)(rolls)]

    if out is None:
        (roll,) = _compute(*tasks(None), scheduler=scheduler)
        return roll
    (roll,) = _published(out, force, "salescomp.dask.accounting", tasks, scheduler)
    return roll
