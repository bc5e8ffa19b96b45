"""salescomp.dask on a local cluster: crediting and the period run of a large roster.

The roster (``synthetic.generate`` with no deals) is built on the client; the deals are
generated partition by partition **inside the workers** (seeded numpy, one Parquet file per
partition; never materialised on the client), then credited (``salescomp.dask.credit``) and
run for Q1 (``salescomp.dask.run_period``). Prints wall times, per-task throughput from the
scheduler's task stream and each worker's own peak resident memory per stage (``VmHWM`` of
/proc/self/status, reset in every worker before each stage by writing 5 to
/proc/self/clear_refs: ``ru_maxrss`` cannot be reset, and a worker process forked from the
client starts with the client's high-water mark).

    PYTHONPATH=build/dev/python .venv/bin/python benchmarks/bench_dask.py \\
        --people 1000000 --deals 10000000 --partitions 40 --workers 2

The client holds the roster and the person ids only: ``--deals 100000000 --partitions 400``
runs the same way (each worker generates its deal files; nothing per deal crosses the client).

The results are recorded in benchmarks/README.md ("salescomp.dask on a local cluster").
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

FY = 2026


def deal_ids(first: int, size: int, text: bool) -> pa.Array:
    """Deal ids ``first ..``: integers, or 18-character CRM-style text ids ("006" + 15 digits)."""
    numbers = np.arange(first, first + size, dtype=np.int64)
    if not text:
        return pa.array(numbers)
    return pc.binary_join_element_wise(
        "006", pc.utf8_lpad(pa.array(numbers).cast(pa.string()), 15, "0"), ""
    )


def part_bounds(total: int, parts: int) -> list[tuple[int, int]]:
    """(first deal, deals) of each partition: ``total`` split as evenly as integers allow."""
    cuts = [total * p // parts for p in range(parts + 1)]
    return [(cuts[p], cuts[p + 1] - cuts[p]) for p in range(parts)]


def make_deals(
    part: int, first: int, size: int, owners: pa.Array, folder: str, seed: int, text: bool
) -> int:
    """Deals ``first .. first + size`` owned by account executives: 60% new business, 20%
    renewals, 20% upsells, 1,000.00 .. 101,000.00 USD, closing over the fiscal year (worker
    side)."""
    from salescomp import tables

    rng = np.random.default_rng([seed, part])
    owner = owners.take(pa.array(rng.integers(0, len(owners), size)))
    days = rng.integers(0, 365, size) + (dt.date(FY, 1, 1) - dt.date(1970, 1, 1)).days
    kind = np.array(["new_business"] * 3 + ["renewal", "upsell"])[rng.integers(0, 5, size)]
    table = pa.table(
        {
            "id": deal_ids(first, size, text),
            "owner": owner,
            "close_date": pa.array(days.astype(np.int32)).cast(pa.date32()),
            "amount": tables.minor_to_arrow(rng.integers(100_000, 10_100_000, size), "USD"),
            "currency": pa.array(["USD"] * size, pa.string()),
            "type": pa.array(kind),
        }
    )
    pq.write_table(table, Path(folder) / f"deals_{part:05d}.parquet")
    return size


def rows(folder: Path) -> int:
    """Rows of a dataset, from the Parquet footers (nothing loaded)."""
    return sum(pq.ParquetFile(f).metadata.num_rows for f in sorted(folder.glob("part_*.parquet")))


def peak_rss_mib() -> float:
    """The client's peak (ru_maxrss: since the process started)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_peak() -> bool:
    """Resets this process's VmHWM to its current resident size (Linux: write 5 to
    /proc/self/clear_refs); False where that is not allowed."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def own_peak_mib() -> float:
    """This process's peak resident memory since the last :func:`reset_peak` (VmHWM)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds() -> float:
    """CPU time this process has used (user + system): a task's cost on a shared machine,
    where its wall time also counts the other processes' turns."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def workers_cpu(client) -> float:
    return sum(client.run(cpu_seconds).values())


def worker_peaks(client) -> list[float]:
    """Each worker's VmHWM (MiB), worker order."""
    return [round(v) for _, v in sorted(client.run(own_peak_mib).items())]


def q1_quotas(company) -> pa.Table:
    """Q1 bookings quotas of the account executives (the measure of the "ae" plan)."""
    q = company.quotas
    roles = company.people.select(["person_id", "role"]).rename_columns(["subject", "role"])
    q = q.join(roles, "subject")
    keep = pc.and_(
        pc.and_(pc.equal(q.column("period_kind"), "quarter"), pc.equal(q.column("number"), 1)),
        pc.equal(q.column("role"), "account_executive"),
    )
    q = q.filter(keep)
    return pa.table(
        {
            "person_id": q.column("subject"),
            "measure": q.column("measure"),
            "period_start": pa.array([dt.date(FY, 1, 1)] * q.num_rows, pa.date32()),
            "amount": q.column("amount"),
            "currency": q.column("currency"),
        }
    )


def roster_company(people: int) -> tuple:
    """The synthetic company's roster without deals, its account executives (the deals'
    owners) and its plan assignments as the run's (person_id, plan, from, to) table."""
    from salescomp import synthetic

    company = synthetic.generate(people=people, deals_per_person=0, seed=7).company()
    roster = company.people
    owners = roster.filter(pc.equal(roster.column("role"), "account_executive"))
    plan_rows = company.assignments.filter(pc.equal(company.assignments.column("field"), "plan"))
    plans = pa.table(
        {
            "person_id": plan_rows.column("person_id"),
            "plan": plan_rows.column("value"),
            "from": plan_rows.column("from"),
            "to": plan_rows.column("to"),
        }
    )
    return company, owners.column("person_id").combine_chunks(), plans


def org_spec(company):
    from salescomp import dask as sd

    return sd.OrgSpec(
        people=company.people,
        rules=company.credit_rules,
        assignments=company.assignments,
        fx_rates=company.fx_rates,
        period_kind="quarter",
    )


def q1_run_spec(company, plans: pa.Table, ids):
    from salescomp import dask as sd

    q1 = {"start": dt.date(FY, 1, 1), "end": dt.date(FY, 3, 31)}
    q1 |= {"quarter_start": q1["start"], "year_start": q1["start"]}
    return sd.RunSpec(plans=company.plan_documents, assignments=plans, person_ids=ids, period=q1)


def task_seconds(stream: list[dict], prefix: str) -> list[float]:
    out = []
    for t in stream:
        if (
            t["key"][0].startswith(prefix)
            if isinstance(t["key"], tuple)
            else t["key"].startswith(prefix)
        ):
            compute = [s for s in t["startstops"] if s["action"] == "compute"]
            out += [s["stop"] - s["start"] for s in compute]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--people", type=int, default=100_000)
    ap.add_argument("--deals", type=int, default=1_000_000)
    ap.add_argument("--partitions", type=int, default=8, help="deal partitions (files)")
    ap.add_argument("--person-partitions", type=int, default=0, help="default: = --partitions")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--memory-limit", default="6GB")
    ap.add_argument(
        "--scratch", default=None, help="folder for the datasets (default: a temp folder)"
    )
    ap.add_argument("--json", default=None, help="write the figures here")
    ap.add_argument(
        "--text-ids", action="store_true", help="18-character text deal ids instead of integers"
    )
    args = ap.parse_args()
    person_parts = args.person_partitions or args.partitions

    import distributed
    from salescomp import dask as sd

    scratch = Path(args.scratch or tempfile.mkdtemp(prefix="bench_dask_"))
    figures: dict = {
        "people": args.people,
        "deals": args.deals,
        "partitions": args.partitions,
        "person_partitions": person_parts,
        "workers": args.workers,
        "text_ids": args.text_ids,
    }
    t0 = time.perf_counter()
    company, owners, plans = roster_company(args.people)
    quotas = q1_quotas(company)
    figures["roster_s"] = time.perf_counter() - t0
    figures["client_peak_rss_mib_after_roster"] = peak_rss_mib()

    cluster = distributed.LocalCluster(
        n_workers=args.workers,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        memory_limit=args.memory_limit,
    )
    client = distributed.Client(cluster)
    try:
        deals_dir = scratch / "deals"
        deals_dir.mkdir(parents=True, exist_ok=True)
        owners_f = client.scatter(owners, broadcast=True)
        t = time.perf_counter()
        futures = [
            client.submit(
                make_deals, p, first, size, owners_f, str(deals_dir), 1, args.text_ids, pure=False
            )
            for p, (first, size) in enumerate(part_bounds(args.deals, args.partitions))
        ]
        figures["deals_generated"] = sum(client.gather(futures))
        del futures
        figures["generate_s"] = time.perf_counter() - t

        spec = org_spec(company)
        figures["peak_reset"] = all(client.run(reset_peak).values())
        cpu = workers_cpu(client)
        with distributed.get_task_stream(client) as ts:
            t = time.perf_counter()
            credits = sd.credit(deals_dir, spec, out=scratch / "credits", partitions=person_parts)
            figures["credit_s"] = time.perf_counter() - t
        figures["credit_split_task_s"] = task_seconds(ts.data, "_credit_split")
        figures["credit_write_task_s"] = task_seconds(ts.data, "_credit_write")
        figures["credit_rows"] = rows(credits)
        figures["worker_peak_mib_credit"] = worker_peaks(client)
        figures["credit_cpu_s"] = workers_cpu(client) - cpu

        ids = client.submit(sd.roster, spec).result()
        run_spec = q1_run_spec(company, plans, ids)
        client.run(reset_peak)
        cpu = workers_cpu(client)
        with distributed.get_task_stream(client) as ts:
            t = time.perf_counter()
            out = sd.run_period(credits, run_spec, quotas=quotas, out=scratch / "q1")
            figures["run_s"] = time.perf_counter() - t
        figures["run_task_s"] = task_seconds(ts.data, "_run_write")
        figures["lines"] = rows(out / "lines")
        figures["statements"] = rows(out / "statements")
        figures["worker_peak_mib_run"] = worker_peaks(client)
        figures["run_cpu_s"] = workers_cpu(client) - cpu
    finally:
        client.close()
        cluster.close()
        if args.scratch is None:
            shutil.rmtree(scratch, ignore_errors=True)
    figures["client_peak_rss_mib"] = peak_rss_mib()
    report(figures)
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1))


def report(f: dict) -> None:
    def stats(xs: list[float]) -> str:
        return f"{len(xs)} tasks, median {np.median(xs):.2f} s, max {max(xs):.2f} s" if xs else "-"

    per_part = f["deals"] / f["partitions"]
    split = f["credit_split_task_s"]
    print(
        f"{f['people']:,} people x {f['deals']:,} deals, {f['partitions']} deal partitions, "
        f"{f['person_partitions']} person partitions, {f['workers']} workers (1 thread each)"
    )
    print(f"roster on the client   {f['roster_s']:8.1f} s")
    print(f"generate deals         {f['generate_s']:8.1f} s (in the workers)")
    print(
        f"credit                 {f['credit_s']:8.1f} s  -> {f['credit_rows']:,} credits; "
        f"split tasks: {stats(split)}; write tasks: {stats(f['credit_write_task_s'])}"
    )
    if split:
        print(f"  crediting throughput per task: {per_part / np.median(split):,.0f} deals/s")
    print(
        f"worker CPU time (s)    credit {f['credit_cpu_s']:.1f} "
        f"({f['deals'] / f['credit_cpu_s']:,.0f} deals per CPU-second), run {f['run_cpu_s']:.1f}"
    )
    print(
        f"period run Q1          {f['run_s']:8.1f} s  -> {f['lines']:,} lines, {f['statements']:,} statements; "
        f"run tasks: {stats(f['run_task_s'])}"
    )
    how = "VmHWM, reset per stage" if f["peak_reset"] else "VmHWM since spawn: not resettable here"
    print(
        f"worker peak RSS (MiB, {how}): credit {f['worker_peak_mib_credit']}, "
        f"run {f['worker_peak_mib_run']}; client {f['client_peak_rss_mib']:.0f} (ru_maxrss)"
    )


if __name__ == "__main__":
    main()
