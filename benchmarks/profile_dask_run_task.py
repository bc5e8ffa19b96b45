"""Profile one salescomp.dask period-run task with a 1M-people roster: where its fixed cost
goes (benchmarks/README.md, "The issue's 1M people x 100M deals").

    PYTHONPATH=build/dev/python python benchmarks/profile_dask_run_task.py SCRATCH_FOLDER
"""

import cProfile
import datetime as dt
import pstats
import sys
import time
from pathlib import Path

import bench_dask as bd
import pyarrow as pa
import pyarrow.compute as pc
import salescomp.dask as sdm
from salescomp import dask as sd
from salescomp import synthetic

scratch = Path(sys.argv[1])
scratch.mkdir(parents=True, exist_ok=True)
company = synthetic.generate(people=1_000_000, deals_per_person=0, seed=7).company()
people = company.people
owners = (
    people.filter(pc.equal(people.column("role"), "account_executive"))
    .column("person_id")
    .combine_chunks()
)
plan_rows = company.assignments.filter(pc.equal(company.assignments.column("field"), "plan"))
plans = pa.table(
    {
        "person_id": plan_rows.column("person_id"),
        "plan": plan_rows.column("value"),
        "from": plan_rows.column("from"),
        "to": plan_rows.column("to"),
    }
)
quotas = bd.q1_quotas(company)
(scratch / "deals").mkdir(exist_ok=True)
bd.make_deals(0, 0, 100_000, owners, str(scratch / "deals"), 1, False)
spec = sd.OrgSpec(
    people=people,
    rules=company.credit_rules,
    assignments=company.assignments,
    fx_rates=company.fx_rates,
    period_kind="quarter",
)
credits = sd.credit(
    scratch / "deals", spec, out=scratch / "credits", partitions=400, scheduler="sync", force=True
)
ids = sd.roster(spec)
FY = bd.FY
run_spec = sd.RunSpec(
    plans=company.plan_documents,
    assignments=plans,
    person_ids=ids,
    period={
        "start": dt.date(FY, 1, 1),
        "end": dt.date(FY, 3, 31),
        "quarter_start": dt.date(FY, 1, 1),
        "year_start": dt.date(FY, 1, 1),
    },
)
tmp = scratch / "tmp"
tmp.mkdir(exist_ok=True)
inputs = sdm._broadcast((run_spec, quotas), tmp, "run")
ranges = sdm._read_ranges(credits)
part = 200
sdm._run_write(str(credits), inputs, None, part, ranges[part], tmp)  # warm the _load cache
t = time.perf_counter()
pr = cProfile.Profile()
pr.enable()
sdm._run_write(str(credits), inputs, None, part + 1, ranges[part + 1], tmp)
pr.disable()
print("task seconds", time.perf_counter() - t, "range", ranges[part + 1])
pstats.Stats(pr).sort_stats("cumulative").print_stats(30)
