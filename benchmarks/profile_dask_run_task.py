"""Profile one salescomp.dask period-run task with a 1M-people roster: where its fixed cost
goes (benchmarks/README.md, "The issue's 1M people x 100M deals").

    PYTHONPATH=build/dev/python python benchmarks/profile_dask_run_task.py SCRATCH_FOLDER
"""

import cProfile
import pstats
import sys
import time
from pathlib import Path

import bench_dask as bd
import salescomp.dask as sdm
from salescomp import dask as sd

scratch = Path(sys.argv[1])
scratch.mkdir(parents=True, exist_ok=True)
company, owners, plans = bd.roster_company(1_000_000)
quotas = bd.q1_quotas(company)
(scratch / "deals").mkdir(exist_ok=True)
bd.make_deals(0, 0, 100_000, owners, str(scratch / "deals"), 1, False)
spec = bd.org_spec(company)
credits = sd.credit(
    scratch / "deals", spec, out=scratch / "credits", partitions=400, scheduler="sync", force=True
)
run_spec = bd.q1_run_spec(company, plans, sd.roster(spec))
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
