"""``salescomp run INPUT --out OUT --scheduler ADDRESS|local[:N] --partitions N``: the year's
crediting, effective quotas, attainment and the commission runs of Q1 .. the closed quarter
through :mod:`salescomp.dask`, written as Parquet datasets partitioned by person
(docs/dask.md, "The command line").

The input folder has the layout of ``salescomp run`` (docs/analyst.md); the deals may also be
a folder ``deals/`` of Parquet files (one partition per file, read by the workers: the client
never loads them). With ``--scheduler`` the work runs on that Dask cluster (``local:N``: a
cluster of N worker processes on this machine, loopback only); with ``--partitions`` alone, in
this process. Either way the files written are the same bytes: every output is a pure
function of the inputs and of ``--partitions`` (the datasets read in order are the same rows
for any partition count, see tests/python/test_dask_cli.py).

Output folder (published atomically: a failed job leaves nothing):

- ``credits/``: the credits (salescomp.dask.credit), with ``partitions.json``;
- ``quota/quotas/`` and ``quota/attainment/``: effective quotas and attainment through the
  closed quarter's end (or the as-of date, when earlier), person subjects;
- ``q1/`` .. ``qK/``: each quarter's ``lines/``, ``statements/`` and ``state/`` (each
  quarter starts from the previous one's state dataset);
- ``summary.json``: what was run and the totals of the closed quarter's statements.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

SUMMARY_SCHEMA = "salescomp.dask-run/1"

_ORG_TABLES = (
    "people",
    "assignments",
    "leaves",
    "splits",
    "account_managers",
    "quotas",
    "ramp_assignments",
    "fx_rates",
)


def add_run_options(parser: argparse.ArgumentParser) -> None:
    """The options of ``salescomp run`` that send it through salescomp.dask."""
    parser.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS|local[:N]",
        help="run on a Dask cluster: a scheduler address (tcp://host:8786) or local[:N] for N "
        "worker processes here; writes Parquet datasets (docs/dask.md)",
    )
    parser.add_argument(
        "--partitions",
        type=_partitions,
        default=None,
        metavar="N",
        help="person partitions of the datasets (default with --scheduler: 2 per worker); "
        "alone: the same datasets computed in this process",
    )


def wanted(args: argparse.Namespace) -> bool:
    """Whether ``salescomp run`` goes through salescomp.dask."""
    return (
        getattr(args, "scheduler", None) is not None
        or getattr(args, "partitions", None) is not None
    )


def _partitions(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a partition count (1 or more)")
    return n


# ---------------------------------------------------------------------------- inputs


class Inputs:
    """The input folder read for a distributed run: the small tables on the client, the deals
    as a folder of Parquet files (left on disk) or a table."""

    def __init__(self, folder: Path, args: argparse.Namespace) -> None:
        from .. import cli
        from .._starter import NEUTRAL_CREDIT_RULES

        if not folder.is_dir():
            raise cli.InputError(f"{folder}: not a directory")
        tables: dict[str, Any] = {}
        missing = []
        for name in _ORG_TABLES:
            required, text_cols = cli.INPUT_FILES[name]
            tables[name] = cli._read_table(folder, name, text_cols)
            if tables[name] is None and required:
                missing.append(f"{name}.csv (or {name}.parquet)")
        deals_dir = folder / "deals"
        if deals_dir.is_dir():
            self.deals: Any = deals_dir
        else:
            self.deals = cli._read_table(folder, "deals", cli.INPUT_FILES["deals"][1])
            if self.deals is None:
                missing.append("deals/ (Parquet files), deals.parquet or deals.csv")
        if not (folder / "plans.json").exists():
            missing.append("plans.json")
        if missing:
            raise cli.InputError(f"{folder}: missing input files: {', '.join(missing)}")
        self.tables = tables
        self.plans = cli._plan_documents(*cli._read_json(folder / "plans.json"))
        config: dict[str, Any] = {}
        if (folder / "config.json").exists():
            config = cli._config_document(*cli._read_json(folder / "config.json"))
        if config.get("mbo"):  # never dropped silently: the distributed run has no MBO yet
            raise cli.InputError(
                f'{folder / "config.json"}: "mbo" achievements are not supported with '
                "--scheduler/--partitions yet (docs/dask.md); run without them"
            )
        self.credit_rules = list(config.get("credit_rules", NEUTRAL_CREDIT_RULES))
        self.ramps = list(config.get("ramps", []))
        self.fiscal_start_month = args.fiscal_start_month or config.get("fiscal_start_month", 1)
        years = [y for y in tables["quotas"].column("fiscal_year").to_pylist() if y is not None]
        self.fiscal_year = config.get("fiscal_year") or (max(years) if years else None)
        if not self.fiscal_year:
            raise cli.InputError(f'{folder}: no fiscal year (config.json "fiscal_year" or quotas)')
        snapshot = args.as_of or (
            dt.date.fromisoformat(config["as_of"]) if config.get("as_of") else None
        )
        self.as_of = snapshot or self._latest_close(folder)
        self.as_of_is_snapshot = snapshot is not None

    def _latest_close(self, folder: Path) -> dt.date:
        """The latest close date of the deals, from the Parquet statistics of a deals folder
        (no deal is loaded) or the deals table."""
        from .. import cli

        if isinstance(self.deals, Path):
            import pyarrow.parquet as pq

            latest = None
            for f in _deal_files(self.deals):
                meta = pq.ParquetFile(f).metadata
                column = meta.schema.names.index("close_date")
                for g in range(meta.num_row_groups):
                    stats = meta.row_group(g).column(column).statistics
                    if stats is None or not stats.has_min_max:
                        value = pc.max(pq.read_table(f, columns=["close_date"]).column(0)).as_py()
                    else:
                        value = stats.max
                    if value is not None and (latest is None or value > latest):
                        latest = value
            if latest is None:
                raise cli.InputError(f"{self.deals}: no deal has a close_date; pass --as-of")
            return latest
        return cli._latest_close(self.deals, folder)

    def org_spec(self) -> Any:
        from . import OrgSpec

        t = self.tables
        return OrgSpec(
            people=t["people"],
            rules=self.credit_rules,
            assignments=t["assignments"],
            leaves=t["leaves"],
            splits=t["splits"],
            account_managers=t["account_managers"],
            fx_rates=t["fx_rates"],
            fiscal_start_month=self.fiscal_start_month,
            period_kind="quarter",
        )

    def plan_table(self) -> pa.Table:
        """The plan rows of the assignments: person_id, plan, from, to (input order)."""
        a = self.tables["assignments"]
        a = a.filter(pc.equal(a.column("field").cast(pa.string()), "plan"))
        to = a.column("to") if "to" in a.column_names else pa.nulls(a.num_rows, pa.date32())
        return pa.table(
            {
                "person_id": a.column("person_id").cast(pa.string()),
                "plan": a.column("value").cast(pa.string()),
                "from": a.column("from"),
                "to": to,
            }
        )


def _deal_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.parquet") if not p.name.startswith((".", "_")))


def _deal_partitions(deals: Any, partitions: int) -> Any:
    """A deals folder as it is (each file a partition); a table cut into ``partitions``."""
    if isinstance(deals, Path):
        return deals
    n = deals.num_rows
    cuts = [n * p // partitions for p in range(partitions + 1)]
    return [deals.slice(a, b - a) for a, b in zip(cuts[:-1], cuts[1:])]


# ---------------------------------------------------------------------------- the cluster


@contextlib.contextmanager
def scheduler_of(address: str | None) -> Iterator[tuple[Any, int]]:
    """(the ``scheduler=`` argument of salescomp.dask, workers) for ``--scheduler``: None runs
    in this process (one worker); ``local[:N]`` starts N worker processes on the loopback
    interface and stops them after; anything else is a scheduler address."""
    if address is None:
        yield "sync", 1
        return
    import distributed

    if address == "local" or address.startswith("local:"):
        count = address.partition(":")[2] or str(os.cpu_count() or 1)
        if not count.isdigit() or int(count) < 1:
            from .. import cli

            raise cli.InputError(f"--scheduler {address}: expected local or local:N (N >= 1)")
        cluster = distributed.LocalCluster(
            n_workers=int(count),
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            worker_dashboard_address=None,
        )
        try:
            with distributed.Client(cluster):
                yield None, int(count)  # None: the client just made is the active scheduler
        finally:
            cluster.close()
        return
    with distributed.Client(address) as client:
        yield None, max(len(client.scheduler_info().get("workers", {})), 1)


# ---------------------------------------------------------------------------- the run


def _quarter_bounds(calendar: Any, fiscal_year: int, quarter: int) -> tuple[dt.date, dt.date]:
    from ..close import quarter_bounds

    return quarter_bounds(calendar, fiscal_year, quarter)


def _run_quotas(
    quotas: pa.Table, plans: pa.Table, documents: list[Any], fy: int, quarter: int, first: dt.date
) -> pa.Table:
    """The quarter's person quotas of the measures of each person's plans (the close's
    choice, :meth:`salescomp.close.YearInputs.run_args`): person_id, measure, period_start,
    amount, currency."""
    from ..plan import Plan

    measures = {d["id"]: set(Plan.from_dict(d).measure_ids) for d in documents}
    wanted_of: dict[str, set[str]] = {}
    for person, plan in zip(
        plans.column("person_id").to_pylist(), plans.column("plan").to_pylist()
    ):
        wanted_of.setdefault(person, set()).update(measures.get(plan, ()))
    keep = pc.and_(
        pc.and_(
            pc.equal(quotas.column("period_kind").cast(pa.string()), "quarter"),
            pc.equal(quotas.column("fiscal_year"), fy),
        ),
        pc.equal(quotas.column("number"), quarter),
    )
    q = quotas.filter(keep)
    subject = q.column("subject").cast(pa.string()).to_pylist()
    measure = q.column("measure").cast(pa.string()).to_pylist()
    rows = [i for i, (s, m) in enumerate(zip(subject, measure)) if m in wanted_of.get(s, ())]
    q = q.take(pa.array(rows, pa.int64()))
    return pa.table(
        {
            "person_id": q.column("subject").cast(pa.string()),
            "measure": q.column("measure").cast(pa.string()),
            "period_start": pa.array([first] * q.num_rows, pa.date32()),
            "amount": q.column("quota"),
            "currency": q.column("currency").cast(pa.string()),
        }
    )


def run(args: argparse.Namespace) -> int:
    """``salescomp run`` through salescomp.dask (see the module docstring)."""
    from .. import cli
    from .._output import atomic_directory, check_target
    from ..org import FiscalCalendar
    from . import QuotaSpec, RunSpec, credit, quotas, read_dataset, roster, run_period

    if not args.out:
        raise cli.InputError("--scheduler/--partitions write datasets: give --out FOLDER")
    check_target(args.out, force=args.force, protect=[args.input])
    cli._status(args, f"reading {args.input}")
    inputs = Inputs(Path(args.input), args)
    calendar = FiscalCalendar(inputs.fiscal_start_month)
    fy = inputs.fiscal_year
    quarter = args.quarter or cli.default_quarter(
        calendar, fy, inputs.as_of, as_of_is_snapshot=inputs.as_of_is_snapshot
    )
    q_first, q_last = _quarter_bounds(calendar, fy, quarter)
    spec = inputs.org_spec()
    plans = inputs.plan_table()
    with scheduler_of(args.scheduler) as (scheduler, workers):
        partitions = args.partitions or 2 * workers
        where = args.scheduler or "this process"
        cli._status(
            args, f"FY{fy}-Q{quarter} on {where}: {workers} worker(s), {partitions} partitions"
        )
        with atomic_directory(
            args.out, force=args.force, protect=[args.input], command="salescomp run"
        ) as tmp:
            cli._status(args, "crediting")
            credits = credit(
                _deal_partitions(inputs.deals, partitions),
                spec,
                out=tmp / "credits",
                partitions=partitions,
                scheduler=scheduler,
            )
            cli._status(args, "effective quotas and attainment")
            year = quotas(
                credits,
                spec,
                QuotaSpec(
                    quotas=inputs.tables["quotas"],
                    ramps=inputs.ramps,
                    ramp_assignments=inputs.tables["ramp_assignments"],
                    through=min(q_last, inputs.as_of),
                ),
                out=tmp / "quota",
                scheduler=scheduler,
            )
            effective = read_dataset(year / "quotas")
            ids = roster(spec)
            state = None
            for q in range(1, quarter + 1):
                cli._status(args, f"commission run Q{q}")
                first, last = _quarter_bounds(calendar, fy, q)
                period = {
                    "start": first,
                    "end": last,
                    "quarter_start": first,
                    "year_start": calendar.year_first(fy),
                }
                out = run_period(
                    credits,
                    RunSpec(plans=inputs.plans, assignments=plans, period=period, person_ids=ids),
                    quotas=_run_quotas(effective, plans, inputs.plans, fy, q, first),
                    state=state,
                    out=tmp / f"q{q}",
                    scheduler=scheduler,
                )
                state = out / "state"
            statements = read_dataset(tmp / f"q{quarter}" / "statements")
            summary = _summary(statements, fy, quarter, q_first, q_last, partitions)
            (tmp / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", "utf-8")
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print(_summary_text(summary), end="")
    return 0


def _summary(
    statements: pa.Table,
    fy: int,
    quarter: int,
    first: dt.date,
    last: dt.date,
    partitions: int,
) -> dict[str, Any]:
    """What was run and the closed quarter's pay totals per pay currency (exact decimals as
    text); nothing about where it ran, so the file is the same bytes on any scheduler."""
    totals: dict[str, Decimal] = {}
    for ccy, amount in zip(
        statements.column("pay_currency").to_pylist(), statements.column("pay_total").to_pylist()
    ):
        totals[ccy] = totals.get(ccy, Decimal(0)) + amount
    return {
        "schema": SUMMARY_SCHEMA,
        "fiscal_year": fy,
        "quarter": quarter,
        "start": first.isoformat(),
        "end": last.isoformat(),
        "partitions": partitions,
        "statements": statements.num_rows,
        "pay_totals": {k: str(v) for k, v in sorted(totals.items())},
    }


def _summary_text(s: dict[str, Any]) -> str:
    paid = ", ".join(f"{v} {k}" for k, v in s["pay_totals"].items()) or "nothing"
    return (
        f"FY{s['fiscal_year']}-Q{s['quarter']} ({s['start']} .. {s['end']}): "
        f"{s['statements']} statements, paid {paid}\n"
    )
