"""salescomp.dask on a real distributed.LocalCluster (2 worker processes, loopback only):
the same bytes as the single-process functions for 1, 3 and 7 partitions of shuffled
inputs, a killed worker, and a bad row that fails the whole job without output.

References are computed with the one-machine API only (salescomp.credit, engine.run_period
with the carried RunState object, attribution.Paths.from_journeys, accounting.amortise); the
only shared code is the conversion of a result to user ids (lines_table, state_to_arrow)."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import threading
import time

import numpy as np
import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
distributed = pytest.importorskip("distributed")
from dask_cluster import local_cluster_client  # noqa: E402

dd = pytest.importorskip("dask.dataframe")

import dask  # noqa: E402
import pyarrow.compute as pc  # noqa: E402
import salescomp  # noqa: E402
from salescomp import attribution as sa  # noqa: E402
from salescomp import dask as sd  # noqa: E402
from salescomp import synthetic  # noqa: E402
from salescomp.dask import partition as sp  # noqa: E402
from salescomp.engine import run_period  # noqa: E402
from salescomp.plan import Plan  # noqa: E402

PARTITIONS = (1, 3, 7)


@pytest.fixture(scope="module")
def client():
    yield from local_cluster_client()


@pytest.fixture(scope="module")
def company():
    s = synthetic.generate(people=60, deals_per_person=6, journeys=400, seed=11)
    return s.company()


def ipc_bytes(table):
    sink = pa.BufferOutputStream()
    table = table.combine_chunks()
    with pa.ipc.new_stream(sink, table.schema) as w:
        w.write_table(table)
    return sink.getvalue().to_pybytes()


def shuffled_parts(table, n, seed):
    """``table``'s rows in a seeded random order, cut into ``n`` uneven pieces."""
    rng = np.random.default_rng(seed)
    t = table.take(pa.array(rng.permutation(table.num_rows)))
    cuts = np.sort(rng.choice(np.arange(1, t.num_rows), n - 1, replace=False)) if n > 1 else []
    bounds = [0, *cuts, t.num_rows]
    return [t.slice(a, b - a) for a, b in zip(bounds[:-1], bounds[1:])]


def org_spec(company):
    return sd.OrgSpec(
        people=company.people,
        rules=company.credit_rules,
        assignments=company.assignments,
        splits=company.splits,
        fx_rates=company.fx_rates,
        fiscal_start_month=company.fiscal_start_month,
        period_kind="quarter",
    )


def one_machine_credits(company):
    org = salescomp.Organisation(company.people, company.assignments, company.leaves)
    deals = salescomp.Deals(org, company.deals)
    credits = salescomp.credit(
        deals,
        company.credit_rules,
        splits=company.splits,
        fx=company.fx(),
        calendar=company.calendar(),
        period_kind="quarter",
    )
    return org, credits.to_arrow()


# ---------------------------------------------------------------------------- crediting


@pytest.mark.parametrize("n", PARTITIONS)
def test_crediting_same_bytes_as_one_machine(client, company, tmp_path, n):
    org, reference = one_machine_credits(company)
    want = sp.canonical_credits(reference, company.deals, org.person_ids)
    # Files of shuffled deals in; n person partitions out.
    folder = tmp_path / "deals"
    folder.mkdir()
    for i, part in enumerate(shuffled_parts(company.deals, n, seed=n)):
        pq.write_table(part, folder / f"deals-{i}.parquet")
    out = sd.credit(folder, org_spec(company), out=tmp_path / "credits", partitions=n)
    got = sd.read_dataset(out)
    assert got.num_rows == reference.num_rows > 0
    assert ipc_bytes(got) == ipc_bytes(want)
    # Every person partition holds only its people: contiguous run-index ranges covering the
    # roster, balanced by credit rows (the managers' roll-up credits are not all in the first).
    ranges = json.loads((out / "partitions.json").read_text())["ranges"]
    assert ranges[0][0] == 0 and ranges[-1][1] == len(org.person_ids) and len(ranges) == n
    assert all(a[1] == b[0] for a, b in zip(ranges, ranges[1:]))
    sizes = []
    for (lo, hi), f in zip(ranges, sorted(out.glob("part_*.parquet"))):
        person = pq.read_table(f).column("person").to_numpy()
        assert np.all((person >= lo) & (person < hi))
        sizes.append(len(person))
    one_person = np.bincount(got.column("person").to_numpy()).max()  # never split
    assert max(sizes) <= got.num_rows / n + one_person


# ---------------------------------------------------------------------------- period run


def plan_rows(company):
    a = company.assignments.filter(pc.equal(company.assignments.column("field"), "plan"))
    return pa.table(
        {
            "person_id": a.column("person_id"),
            "plan": a.column("value"),
            "from": a.column("from"),
            "to": a.column("to"),
        }
    )


def quarter(q):
    first = dt.date(2026, 3 * q - 2, 1)
    last = (dt.date(2026, 3 * q + 1, 1) if q < 4 else dt.date(2027, 1, 1)) - dt.timedelta(days=1)
    return {"start": first, "end": last, "quarter_start": first, "year_start": dt.date(2026, 1, 1)}


def quarter_quotas(company, q):
    """The quarter's quotas of the measures of each person's plans (as close.py picks them)."""
    plans = {d["id"]: Plan.from_dict(d) for d in company.plan_documents}
    rows = plan_rows(company).to_pydict()
    measures: dict[str, set] = {}
    for p, plan in zip(rows["person_id"], rows["plan"]):
        measures.setdefault(p, set()).update(plans[plan].measure_ids)
    t = company.quotas.to_pydict()
    out = {"person_id": [], "measure": [], "period_start": [], "amount": [], "currency": []}
    for s, m, kind, num, amount, ccy in zip(
        t["subject"], t["measure"], t["period_kind"], t["number"], t["amount"], t["currency"]
    ):
        if kind == "quarter" and num == q and m in measures.get(s, ()):
            for k, v in zip(out, (s, m, quarter(q)["start"], amount, ccy)):
                out[k].append(v)
    return pa.table(
        {
            **out,
            "period_start": pa.array(out["period_start"], pa.date32()),
            "amount": pa.array(out["amount"], company.quotas.schema.field("amount").type),
        }
    )


def one_machine_quarters(company, quarters):
    """Lines, statements and next state of each quarter on one machine, the RunState object
    carried from quarter to quarter."""
    org, credits = one_machine_credits(company)
    ids = org.person_ids
    index = {p: i for i, p in enumerate(ids)}
    # The deals in crediting's deal-row order (the order of their ids): the credits' deal_row.
    deals = company.deals.take(pa.array(salescomp.Deals(org, company.deals).input_rows))
    run_deals = pa.table({"close_date": deals.column("close_date")})
    run_credits = pa.table(
        {
            "person": pc.index_in(
                credits.column("person_id").cast(pa.string()), value_set=pa.array(ids)
            ).cast(pa.int32()),
            "deal": credits.column("deal_row"),
            "date": credits.column("date"),
            "amount": credits.column("amount"),
            "currency": credits.column("currency"),
            "kind": credits.column("kind").cast(pa.string()),
            "deal_type": credits.column("deal_type").cast(pa.string()),
            "rule": credits.column("rule"),
        }
    )
    a = plan_rows(company).to_pydict()
    assignments = [
        {"person": index[p], "plan": v, "from": f, "to": t}
        for p, v, f, t in zip(a["person_id"], a["plan"], a["from"], a["to"])
    ]
    plans = [Plan.from_dict(d) for d in company.plan_documents]
    deal_ids = deals.column("id").to_numpy()
    state, out = None, []
    for q in quarters:
        period = quarter(q)
        keep = pc.less_equal(run_credits.column("date"), pa.scalar(period["end"], pa.date32()))
        qt = quarter_quotas(company, q).to_pydict()
        quotas = [
            {"person": index[p], "measure": m, "period_start": s, "amount": v, "currency": c}
            for p, m, s, v, c in zip(*qt.values())
        ]
        result = run_period(
            plans=plans,
            assignments=assignments,
            credits=run_credits.filter(keep),
            deals=run_deals,
            quotas=quotas,
            period=period,
            state=state,
            explanations=False,
        )
        state = result.next_state
        out.append(
            (
                sp.lines_table(result, ids, deal_ids, 2),
                sp.statements_table(result, ids, 2),
                sp.state_to_arrow(state, ids, deal_ids),
            )
        )
    return ids, out


def run_spec(company, ids, q):
    return sd.RunSpec(
        plans=company.plan_documents,
        assignments=plan_rows(company),
        period=quarter(q),
        person_ids=ids,
    )


@pytest.mark.parametrize("n", PARTITIONS)
def test_two_chained_quarters_same_bytes_as_one_machine(client, company, tmp_path, n):
    ids, want = one_machine_quarters(company, (1, 2))
    parts = shuffled_parts(company.deals, n, seed=100 + n)
    credits = sd.credit(parts, org_spec(company), out=tmp_path / "credits", partitions=n)
    state = None
    for k, q in enumerate((1, 2)):
        # Q1: the credits' balanced person ranges; Q2: equal ranges, one more partition.
        out = sd.run_period(
            credits,
            run_spec(company, ids, q),
            quotas=quarter_quotas(company, q),
            state=state,
            out=tmp_path / f"q{q}",
            partitions=None if k == 0 else n + 1,
        )
        lines, statements, next_state = want[k]
        assert lines.num_rows > 0 and statements.num_rows > 0 and next_state.num_rows > 0
        assert ipc_bytes(sd.read_dataset(out / "lines")) == ipc_bytes(lines)
        assert ipc_bytes(sd.read_dataset(out / "statements")) == ipc_bytes(statements)
        assert ipc_bytes(sd.read_dataset(out / "state")) == ipc_bytes(next_state)
        state = out / "state"


def test_run_state_pickles_and_round_trips_through_arrow(company):
    import pickle

    ids, want = one_machine_quarters(company, (1,))
    state_table = want[0][2]
    index = {p: i for i, p in enumerate(ids)}
    state = sp.state_from_arrow(state_table, index)
    assert len(state) == len(set(state_table.column("person_id").to_pylist())) > 0
    again = pickle.loads(pickle.dumps(state))
    assert again._travel_rows() == state._travel_rows()
    assert ipc_bytes(sp.state_to_arrow(again, ids)) == ipc_bytes(state_table)


# ---------------------------------------------------------------------------- attribution


def attribution_cases(paths):
    yield "first_touch", sa.rule_based(paths, "first_touch", output="arrow")
    yield "linear", sa.rule_based(paths, "linear", output="arrow")
    yield (
        "position_based",
        sa.rule_based(
            paths, "position_based", first="0.4", middle="0.2", last="0.4", output="arrow"
        ),
    )
    yield "markov1", sa.markov(paths, 1, output="arrow")
    yield "markov2", sa.markov(paths, 2, output="arrow")
    yield "simplified_shapley", sa.simplified_shapley(paths, output="arrow")
    yield "shapley_exact", sa.shapley(paths, game="conversions", method="exact", output="arrow")
    yield "shapley_rate", sa.shapley(paths, game="conversion_rate", method="exact", output="arrow")
    yield "ordered_shapley", sa.ordered_shapley(paths, output="arrow")


@pytest.mark.parametrize("n", PARTITIONS)
def test_attribution_same_bytes_as_one_machine(client, company, n):
    touches, outcomes = company.touchpoints, company.outcomes
    want = dict(attribution_cases(sa.Paths.from_journeys(touches, outcomes, currency="USD")))
    paths = sd.attribution_paths(
        shuffled_parts(touches, n, seed=n),
        shuffled_parts(outcomes, n, seed=7 * n),
        currency="USD",
        partitions=n,
    )
    got = dict(attribution_cases(paths))
    for model, result in want.items():
        assert ipc_bytes(got[model].channels) == ipc_bytes(result.channels), model
        assert got[model].total_value == result.total_value > 0
    for model in ("markov1", "markov2"):
        assert ipc_bytes(got[model].removal_effects) == ipc_bytes(want[model].removal_effects)


# ---------------------------------------------------------------------------- accounting


def cost_lines(rows=90):
    rng = np.random.default_rng(5)
    months = rng.integers(0, 12, rows)
    return pa.table(
        {
            "line_id": [f"L{i:03d}" for i in range(rows)],
            "amount": pa.array(
                [f"{v // 100}.{v % 100:02d}" for v in rng.integers(10_000, 900_000, rows)]
            ),
            "currency": ["EUR" if i % 4 == 0 else "USD" for i in range(rows)],
            "incurred": pa.array([dt.date(2026, 1 + int(m), 15) for m in months]),
            "contract_start": pa.array([dt.date(2026, 1 + int(m), 1) for m in months]),
            "term_months": pa.array(rng.integers(13, 49, rows), pa.int32()),
            "incremental": pa.array([True] * rows),
        }
    )


@pytest.mark.parametrize("n", PARTITIONS)
def test_accounting_roll_forward_same_bytes_as_one_machine(client, tmp_path, n):
    costs = cost_lines()
    events = pa.table(
        {
            "line_id": ["L003", "L010", "L044"],
            "kind": ["clawback", "termination", "clawback"],
            "date": [dt.date(2027, 9, 3), dt.date(2027, 2, 1), dt.date(2027, 5, 20)],
            "amount": ["100.00", None, "55.55"],
        }
    )
    book = salescomp.accounting.amortise(costs, events)
    start, end = dt.date(2026, 1, 1), dt.date(2030, 12, 31)
    want = book.roll_forward(start, end, output="arrow")
    got = sd.accounting(
        shuffled_parts(costs, n, seed=n),
        shuffled_parts(events, min(n, 3), seed=n),
        start=start,
        end=end,
        partitions=n,
        out=tmp_path / "book",
    )
    assert got.num_rows == want.num_rows > 12
    assert ipc_bytes(got) == ipc_bytes(want)
    order = [("line_id", "ascending"), ("month", "ascending")]
    schedule = sd.read_dataset(tmp_path / "book" / "schedule")
    assert ipc_bytes(schedule.take(pc.sort_indices(schedule, order))) == ipc_bytes(
        book.schedule(output="arrow")
    )


# ---------------------------------------------------------------------------- failures


def slow_part(table, seconds):
    time.sleep(seconds)
    return table.to_pandas()


def test_killed_worker_gives_the_same_credits(client, company, tmp_path):
    org, reference = one_machine_credits(company)
    want = sp.canonical_credits(reference, company.deals, org.person_ids)
    parts = shuffled_parts(company.deals, 8, seed=3)
    meta = parts[0].slice(0, 0).to_pandas()
    frame = dd.from_delayed(
        [dask.delayed(slow_part)(p, 0.4) for p in parts], meta=meta, verify_meta=False
    )
    pids = list(client.run(os.getpid).values())
    killed_at = []

    def kill() -> None:
        # While the job runs: 8 partitions of 0.4 s each on 2 one-thread workers take 1.6 s.
        busy = client.processing()
        os.kill(pids[0], signal.SIGKILL)
        killed_at.append((time.monotonic(), sum(len(v) for v in busy.values())))

    killer = threading.Timer(0.8, kill)
    killer.start()
    try:
        out = sd.credit(frame, org_spec(company), out=tmp_path / "credits", partitions=3)
        done_at = time.monotonic()
    finally:
        killer.join()
    ((when, processing),) = killed_at
    assert when < done_at and processing > 0  # the kill came mid-job, with tasks running
    assert ipc_bytes(sd.read_dataset(out)) == ipc_bytes(want)
    client.wait_for_workers(2, timeout=30)  # the nanny restarted it
    assert pids[0] not in client.run(os.getpid).values()


def test_bad_row_fails_the_whole_job_and_names_file_and_row(client, company, tmp_path):
    folder = tmp_path / "deals"
    folder.mkdir()
    parts = shuffled_parts(company.deals, 3, seed=9)
    bad = parts[1].to_pydict()
    bad["owner"][4] = "nobody-like-this"  # row 5 of the second file
    parts[1] = pa.Table.from_pydict(bad, schema=parts[1].schema)
    for i, part in enumerate(parts):
        pq.write_table(part, folder / f"deals-{i}.parquet")
    out = tmp_path / "credits"
    with pytest.raises(salescomp.ValidationError) as e:
        sd.credit(folder, org_spec(company), out=out, partitions=3)
    message = str(e.value)
    assert "deals-1.parquet" in message and "nobody-like-this" in message
    assert "row 5, field 'owner', value 'nobody-like-this'" in message, message
    assert [(i["row"], i["field"]) for i in e.value.issues] == [(5, "owner")]
    assert not out.exists()
    assert not any(p.name.startswith(".credits") for p in tmp_path.iterdir())


def slow_table(table, seconds):
    time.sleep(seconds)
    return table


@pytest.mark.parametrize("scheduler", [None, "threads"])  # the cluster, threads in this process
def test_a_failed_job_removes_its_folder_after_its_running_tasks_end(
    client, company, tmp_path, scheduler
):
    # Partition 1 fails at once (an unknown owner) while partition 2 is still loading (1.5 s)
    # and then writes its shuffle file into the job's temporary folder. Raising at the first
    # failure would remove that folder under the running task, whose write would recreate it.
    parts = shuffled_parts(company.deals, 2, seed=5)
    bad = parts[0].to_pydict()
    bad["owner"][0] = "nobody-like-this"
    parts[0] = pa.Table.from_pydict(bad, schema=parts[0].schema)
    slow = dask.delayed(slow_table)(parts[1], 1.5)
    started = time.monotonic()
    with pytest.raises(salescomp.ValidationError, match="nobody-like-this"):
        sd.credit(
            [parts[0], slow], org_spec(company), out=tmp_path / "credits", scheduler=scheduler
        )
    assert time.monotonic() - started >= 1.5  # the slow task ended before the error came
    time.sleep(1.0)  # long enough for a task left running to have written its file
    assert list(tmp_path.iterdir()) == []


def test_run_assignments_of_a_person_range_by_hand():
    # Roster a, b, c (run indexes 0, 1, 2); assignment rows 0..3 name c, a, b, a. Run indexes
    # [0, 1) hold rows 1 and 3 (a's), [1, 3) rows 0 and 2 (c's, then b's: input order kept).
    period = {"start": dt.date(2026, 1, 1), "end": dt.date(2026, 3, 31)}
    assignments = pa.table(
        {
            "person_id": ["c", "a", "b", "a"],
            "plan": ["p0", "p1", "p2", "p3"],
            "from": [dt.date(2026, 1, 1)] * 4,
            "to": [None] * 4,
        }
    )
    spec = sp.RunSpec(plans=[], assignments=assignments, period=period, person_ids=["a", "b", "c"])
    lookups = sp._run_lookups(spec)
    assert sp._run_lookups(spec) is lookups  # built once per spec
    assert [r["plan"] for r in sp._run_assignments(lookups, 0, 1)] == ["p1", "p3"]
    assert [r["plan"] for r in sp._run_assignments(lookups, 1, 3)] == ["p0", "p2"]
    assert [r["person"] for r in sp._run_assignments(lookups, 1, 3)] == [2, 1]
    assert sp._run_assignments(lookups, 3, 3) == []
    stranger = sp.RunSpec(plans=[], assignments=assignments, period=period, person_ids=["a", "b"])
    with pytest.raises(salescomp.ValidationError, match="person 'c' is not on the roster"):
        sp.run_partition(pa.table({"person": pa.array([], pa.int32())}), stranger)


def test_balanced_person_ranges_by_hand():
    # 8 people; person 0 (a manager) has 6 credits, the others 1 each: 13 rows. Two partitions
    # aim at ceil(13 / 2) = 7 rows: the cut comes after person 1 (6 + 1 = 7), so (0, 2) holds 7
    # rows and (2, 8) holds 6, where equal person ranges (0, 4), (4, 8) would hold 9 and 4.
    person = np.array([0] * 6 + [1, 2, 3, 4, 5, 6, 7])
    histogram = sp.person_histogram(pa.array(person), 8)
    assert sp.balanced_ranges(histogram, 8, 2) == [(0, 2), (2, 8)]
    # Three partitions aim at ceil(13 / 3) = 5 and ceil(26 / 3) = 9 rows: person 0 (6 rows, never
    # split) alone, then persons 1-3 (cumulative 7, 8, 9), then 4-7: 6, 3 and 4 rows.
    assert sp.balanced_ranges(histogram, 8, 3) == [(0, 1), (1, 4), (4, 8)]
    # No rows at all: equal ranges of people.
    assert sp.balanced_ranges(np.zeros(sp.HISTOGRAM_BUCKETS, np.int64), 8, 3) == [
        (0, 3),
        (3, 6),
        (6, 8),
    ]
