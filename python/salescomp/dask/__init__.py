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
- :func:`run_period`: credits, quotas and prior state by person -> payout lines, statements
  and next state, each a dataset partitioned by person; the next quarter reads the state;
- :func:`attribution_paths`: journeys shuffled by journey id, path counts added up, one
  :class:`salescomp.attribution.Paths` for every model (solved once, on the totals);
- :func:`accounting`: cost lines shuffled by line id, books per partition, roll-forwards
  summed exactly.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from .partition import (
    OrgSpec,
    PartitionError,
    RunSpec,
    accounting_partition,
    credit_partition,
    journey_paths,
    paths_from_counts,
    person_partitions,
    person_range,
    roster,
    run_partition,
    split_rows,
    sum_path_counts,
    sum_roll_forwards,
)

__all__ = [
    "OrgSpec",
    "RunSpec",
    "PartitionError",
    "credit",
    "run_period",
    "attribution_paths",
    "accounting",
    "read_dataset",
    "roster",
]


def _dask():
    import dask

    return dask


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


def _published(out: Any, force: bool, command: str, tasks: Any, scheduler: Any) -> list[Any]:
    """Runs the writing tasks into a temporary folder that becomes ``out`` only if every task
    succeeded (a failed job leaves ``out`` as it was)."""
    from .._output import atomic_directory

    with atomic_directory(out, force=force, command=command) as tmp:
        return list(_dask().compute(*tasks(tmp), scheduler=scheduler))


# ---------------------------------------------------------------------------- crediting


def _credit_split(deals: pa.Table, spec: OrgSpec, source: str, partitions: int) -> list[pa.Table]:
    credits = credit_partition(deals, spec, source=source)
    people = len(roster(spec))
    return split_rows(
        credits, person_partitions(credits.column("person"), people, partitions), partitions
    )


def _merge_sorted(parts: Sequence[pa.Table]) -> pa.Table:
    from .partition import _sort_credits

    return _sort_credits(pa.concat_tables(parts))


def _credit_write(parts: Sequence[pa.Table], folder: Path, part: int) -> int:
    return _write(_merge_sorted(parts), folder, part)


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
    Parquet dataset of ``partitions`` person partitions (``part_00000.parquet``...; the
    organisation in ``spec`` is sent to every partition). Same rows and bytes as
    ``salescomp.credit`` on all the deals at once (:func:`partition.canonical_credits`)."""
    delayed = _dask().delayed
    spec_key = delayed(spec)
    splits = [
        delayed(_credit_split, nout=partitions)(load, spec_key, label, partitions)
        for label, load in _partitions(deals, "deals")
    ]

    def tasks(tmp: Path) -> list[Any]:
        return [delayed(_credit_write)([s[b] for s in splits], tmp, b) for b in range(partitions)]

    _published(out, force, "salescomp.dask.credit", tasks, scheduler)
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
        return ds.dataset(folder, format="parquet").to_table(filter=expr)
    return table.filter(expr)


def _run_write(
    credits: str,
    quotas: Any,
    state: str | None,
    spec: RunSpec,
    part: int,
    partitions: int,
    tmp: Path,
) -> int:
    ids = list(spec.person_ids)
    lo, hi = person_range(part, len(ids), partitions)
    c = _person_slice(credits, None, ids, lo, hi, by_index=True)
    q = _person_slice(None, quotas, ids, lo, hi, by_index=False)
    s = _person_slice(state, None, ids, lo, hi, by_index=False)
    lines, statements, next_state = run_partition(
        c,
        spec,
        part=part,
        partitions=partitions,
        quotas=q,
        state=s,
        source=f"person partition {part + 1} of {partitions}",
    )
    _write(statements, tmp / "statements", part)
    _write(next_state, tmp / "state", part)
    return _write(lines, tmp / "lines", part)


def run_period(
    credits: str | os.PathLike[str],
    spec: RunSpec,
    *,
    out: str | os.PathLike[str],
    quotas: pa.Table | None = None,
    state: str | os.PathLike[str] | None = None,
    partitions: int = 8,
    force: bool = False,
    scheduler: Any = None,
) -> Path:
    """The period run of every person with a plan, partition by partition of people.

    ``credits``: a dataset of :func:`credit` (any number of partitions); ``quotas``:
    person_id, measure, period_start, amount, currency; ``state``: the ``state`` folder of the
    previous period's output. Writes ``out/lines``, ``out/statements`` and ``out/state``
    (datasets of ``partitions`` person partitions)."""
    delayed = _dask().delayed
    spec_key = delayed(spec)
    quota_key = delayed(quotas) if quotas is not None else None
    credits_folder = str(credits)
    state_folder = None if state is None else str(state)

    def tasks(tmp: Path) -> list[Any]:
        return [
            delayed(_run_write)(
                credits_folder, quota_key, state_folder, spec_key, b, partitions, tmp
            )
            for b in range(partitions)
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
    (summed,) = _dask().compute(total, scheduler=scheduler)
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
        (roll,) = _dask().compute(*tasks(None), scheduler=scheduler)
        return roll
    (roll,) = _published(out, force, "salescomp.dask.accounting", tasks, scheduler)
    return roll
