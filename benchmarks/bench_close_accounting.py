"""What the accounting stage of a quarter close costs on its own (``close_accounting``).

Two steps, so that the stage is timed (and its peak memory measured) in a process that holds
only its inputs, not the whole close:

    # 1. close Q1 of a synthetic company up to the commission runs and save what the
    #    accounting stage takes (payout-line columns, credits, deals, person ids)
    flock /tmp/bigmem.lock env PYTHONPATH=$PWD/build/dev/python python \\
        benchmarks/bench_close_accounting.py prepare --people 100000 --deals-per-person 100 \\
        --out /tmp/acct-100k-10M
    # 2. time close_accounting on them (run it under /usr/bin/time -v for the peak RSS)
    /usr/bin/time -v env PYTHONPATH=$PWD/build/dev/python python \\
        benchmarks/bench_close_accounting.py run /tmp/acct-100k-10M [--repeat 1]

``run`` prints the resident memory once the inputs are loaded, the wall and CPU seconds of
``close_accounting`` (cost rows, clawback events, the book and its roll-forward), the rows it
produced and the process's peak RSS. The saved inputs do not depend on salescomp's accounting
code, so the same folder times the code before and after a change.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np


def _rss_gib(what: str = "peak") -> str:
    if what == "peak":
        return f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2:.2f} GiB"
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return f"{int(line.split()[1]) / 1024**2:.2f} GiB"
    return "?"


def prepare(people: int, deals_per_person: int, seed: int, threads: int, out: Path) -> None:
    import pyarrow as pa
    import pyarrow.feather as feather
    from salescomp import synthetic
    from salescomp.close import _commission_runs, _table_of, quarter_bounds, year_inputs

    t = time.perf_counter()
    company = synthetic.generate(people, deals_per_person, 0, seed=seed).company()
    inputs = year_inputs(company, threads=threads)
    runs = _commission_runs(inputs, 1, threads, lambda _name: None)
    print(f"closed Q1 up to the runs in {time.perf_counter() - t:.1f}s ({inputs.credit_table.num_rows:,} credits)")
    out.mkdir(parents=True, exist_ok=True)
    for q, run in enumerate(runs, start=1):
        c = run._core.columns()
        cur_index, codes, exponents = c["currency"]
        comp_index, components = c["component"]
        np.savez(out / f"run{q}.npz", person=np.asarray(c["person"]), deal=np.asarray(c["deal"]),
                 amount=np.asarray(c["amount"]), adjustment=np.asarray(c["adjustment"]),
                 currency=np.asarray(cur_index), component=np.asarray(comp_index))
        (out / f"run{q}.json").write_text(json.dumps({"codes": list(codes), "exponents": [int(e) for e in exponents],
                                                      "components": list(components)}))
    deal_rows = _table_of(inputs.company.deals).take(pa.array(inputs.deals.input_rows))
    feather.write_feather(deal_rows, out / "deals.arrow", compression="uncompressed")
    feather.write_feather(inputs.credit_table, out / "credits.arrow", compression="uncompressed")
    feather.write_feather(pa.table({"person_id": inputs.person_ids}), out / "people.arrow",
                          compression="uncompressed")
    calendar, fy = inputs.calendar, inputs.fiscal_year
    quarter_ends = [quarter_bounds(calendar, fy, q)[1].isoformat() for q in range(1, len(runs) + 1)]
    (out / "meta.json").write_text(json.dumps({"quarter_ends": quarter_ends,
                                               "year_start": calendar.year_first(fy).isoformat(),
                                               "people": people, "deals_per_person": deals_per_person}))
    print(f"saved to {out}")


def _saved_run(folder: Path, q: int) -> Any:
    """An object with the one method close_accounting reads of a run: ``_core.columns()``."""
    arrays = np.load(folder / f"run{q}.npz")
    meta = json.loads((folder / f"run{q}.json").read_text())
    columns = {
        "person": arrays["person"], "deal": arrays["deal"], "amount": arrays["amount"],
        "adjustment": arrays["adjustment"],
        "currency": (arrays["currency"], meta["codes"], meta["exponents"]),
        "component": (arrays["component"], meta["components"]),
    }
    return SimpleNamespace(_core=SimpleNamespace(columns=lambda: columns))


def _per_row_close_accounting() -> Any:
    """close_accounting with the per-row mapping it had before issue 11 (kept verbatim as the
    oracle of tests/python/test_demo_accounting_columns.py), read by today's amortise."""
    import importlib.util

    from salescomp import accounting

    path = Path(__file__).resolve().parent.parent / "tests" / "python" / "test_demo_accounting_columns.py"
    spec = importlib.util.spec_from_file_location("per_row_mapping", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]

    def close_accounting(runs, quarter_ends, person_ids, deals, credits, year_start):
        costs, events = module.per_row_commission_costs(runs, quarter_ends, person_ids, deals, credits)
        book = accounting.amortise(costs, events if events["line_id"] else None)
        return book, book.roll_forward(year_start, quarter_ends[-1], output="arrow")

    return close_accounting


def run(folder: Path, repeat: int, per_row: bool = False) -> None:
    import pyarrow.feather as feather
    from salescomp.demo_accounting import close_accounting

    if per_row:
        close_accounting = _per_row_close_accounting()  # noqa: F811

    meta = json.loads((folder / "meta.json").read_text())
    quarter_ends = [dt.date.fromisoformat(d) for d in meta["quarter_ends"]]
    runs = [_saved_run(folder, q) for q in range(1, len(quarter_ends) + 1)]
    deals = feather.read_table(folder / "deals.arrow", memory_map=False)
    credits = feather.read_table(folder / "credits.arrow", memory_map=False)
    person_ids = feather.read_table(folder / "people.arrow").column("person_id").to_pylist()
    lines = sum(len(r._core.columns()["person"]) for r in runs)
    print(f"inputs: {meta['people']:,} people x {deals.num_rows:,} deals, {credits.num_rows:,} credits, "
          f"{lines:,} payout lines; RSS after loading {_rss_gib('now')}")
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        book, roll_forward = close_accounting(runs, quarter_ends, person_ids, deals, credits,
                                              dt.date.fromisoformat(meta["year_start"]))
        w, c = time.perf_counter() - w, time.process_time() - c
        print(f"close_accounting: {w:.2f}s wall, {c:.2f}s CPU; {len(book):,} cost rows, "
              f"{roll_forward.num_rows} roll-forward rows; peak RSS so far {_rss_gib()}")
        del book, roll_forward


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    a = sub.add_parser("prepare")
    a.add_argument("--people", type=int, default=100_000)
    a.add_argument("--deals-per-person", type=int, default=100)
    a.add_argument("--seed", type=int, default=1)
    a.add_argument("--threads", type=int, default=2)
    a.add_argument("--out", type=Path, required=True)
    b = sub.add_parser("run")
    b.add_argument("folder", type=Path)
    b.add_argument("--repeat", type=int, default=1)
    b.add_argument("--per-row-mapping", action="store_true",
                   help="time the per-row mapping replaced by issue 11 instead (the tests' oracle)")
    args = p.parse_args(argv)
    if args.command == "prepare":
        prepare(args.people, args.deals_per_person, args.seed, args.threads, args.out)
    else:
        run(args.folder, args.repeat, args.per_row_mapping)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
