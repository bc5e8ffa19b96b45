"""salescomp.dask effective quotas and attainment by person partition, on a real
distributed.LocalCluster (2 worker processes, loopback only): the same bytes as
salescomp.effective_quotas and salescomp.attainment on one machine for 1, 3 and 7 partitions
of shuffled deals and shuffled quota rows, a hand-checked credited sum, and bad or team quota
rows that fail the whole job without output."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
distributed = pytest.importorskip("distributed")
import pyarrow.compute as pc  # noqa: E402
import salescomp  # noqa: E402
from dask_cluster import local_cluster_client  # noqa: E402
from salescomp import dask as sd  # noqa: E402
from salescomp import synthetic  # noqa: E402

PARTITIONS = (1, 3, 7)
THROUGH = dt.date(2026, 8, 15)  # attainment counts credits dated up to here


@pytest.fixture(scope="module")
def client():
    yield from local_cluster_client()


@pytest.fixture(scope="module")
def generated():
    return synthetic.generate(people=60, deals_per_person=6, seed=23)


@pytest.fixture(scope="module")
def company(generated):
    return generated.company()


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


def shuffled(table, seed):
    return pa.concat_tables(shuffled_parts(table, 1, seed))


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


def quota_inputs(generated, company):
    """Monthly and quarterly person quotas, a ramp for the first three people and relief for
    two of them: every step of effective_quotas has work to do."""
    monthly = (
        pa.Table.from_pandas(generated.quotas, preserve_index=False)
        if hasattr(generated.quotas, "to_numpy")
        else generated.quotas
    )
    monthly = (
        monthly.select(company.quotas.column_names)
        if set(company.quotas.column_names) <= set(monthly.column_names)
        else monthly
    )
    quotas = pa.concat_tables([monthly.cast(company.quotas.schema), company.quotas])
    people = company.people.column("person_id").to_pylist()
    ramps = [{"name": "new", "kind": "percent", "values": ["0.25", "0.5", "0.75"]}]
    ramp_assignments = pa.table({"person": people[:3], "ramp": ["new"] * 3})
    relief = pa.table(
        {
            "subject": [people[1], people[2]],
            "measure": ["bookings", "bookings"],
            "period_kind": ["quarter", "quarter"],
            "fiscal_year": pa.array([2026, 2026], pa.int64()),
            "number": pa.array([2, 3], pa.int64()),
            "amount": pa.array([Decimal("1000.00"), Decimal("250.50")], pa.decimal128(18, 2)),
            "currency": ["USD", "USD"],
            "reason": ["territory change", "leave"],
        }
    )
    return quotas, ramps, ramp_assignments, relief


def one_machine(company, quotas, ramps, ramp_assignments, relief):
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
    eq = salescomp.effective_quotas(
        org,
        quotas,
        calendar=company.calendar(),
        measures=credits,
        ramps=ramps,
        ramp_assignments=ramp_assignments,
        relief=relief,
    )
    att = salescomp.attainment(
        credits, eq, calendar=company.calendar(), team_quota="explicit", through=THROUGH
    )
    return credits, eq.to_arrow(), att.to_arrow()


@pytest.mark.parametrize("n", PARTITIONS)
def test_quotas_and_attainment_same_bytes_as_one_machine(client, generated, company, tmp_path, n):
    quotas, ramps, ramp_assignments, relief = quota_inputs(generated, company)
    credits, want_eq, want_att = one_machine(company, quotas, ramps, ramp_assignments, relief)
    assert want_eq.num_rows == quotas.num_rows > 0
    assert pc.sum(want_att.column("attained")).as_py() > 0  # some rows attained, some not
    assert pc.sum(pc.invert(want_att.column("attained"))).as_py() > 0

    folder = sd.credit(
        shuffled_parts(company.deals, n, seed=n),
        org_spec(company),
        out=tmp_path / "credits",
        partitions=n,
    )
    spec = sd.QuotaSpec(
        quotas=shuffled(quotas, seed=50 + n),
        ramps=ramps,
        ramp_assignments=shuffled(ramp_assignments, seed=n),
        relief=shuffled(relief, seed=n),
        through=THROUGH,
    )
    # The credits' own person ranges, then one more partition of equal ranges.
    for k, parts in enumerate((None, n + 1)):
        out = sd.quotas(folder, org_spec(company), spec, out=tmp_path / f"q{k}", partitions=parts)
        assert ipc_bytes(sd.read_dataset(out / "quotas")) == ipc_bytes(want_eq)
        assert ipc_bytes(sd.read_dataset(out / "attainment")) == ipc_bytes(want_att)
        assert len(list((out / "attainment").glob("part_*.parquet"))) == (parts or n)


def test_credited_is_the_exact_sum_of_the_persons_credits(client, generated, company, tmp_path):
    # An independent oracle: one person's Q2 bookings credited through THROUGH, summed here in
    # Decimal from the one-machine credit rows, against the distributed attainment row.
    quotas, ramps, ramp_assignments, relief = quota_inputs(generated, company)
    credits, _eq, _att = one_machine(company, quotas, ramps, ramp_assignments, relief)
    folder = sd.credit([company.deals], org_spec(company), out=tmp_path / "credits", partitions=3)
    spec = sd.QuotaSpec(
        quotas=quotas,
        ramps=ramps,
        ramp_assignments=ramp_assignments,
        relief=relief,
        through=THROUGH,
    )
    att = sd.read_dataset(
        sd.quotas(folder, org_spec(company), spec, out=tmp_path / "q") / "attainment"
    )
    rows = credits.to_arrow().to_pylist()
    by_person: dict[str, Decimal] = {}
    for r in rows:
        if r["measure"] == "bookings" and dt.date(2026, 4, 1) <= r["date"] <= dt.date(2026, 6, 30):
            by_person[r["person_id"]] = by_person.get(r["person_id"], Decimal(0)) + r["amount"]
    checked = 0
    for r in att.to_pylist():
        if r["period_kind"] == "quarter" and r["number"] == 2 and r["measure"] == "bookings":
            assert r["credited"] == by_person.get(r["subject"], Decimal(0)), r["subject"]
            assert r["attained"] == (r["credited"] >= r["quota"])
            checked += 1
    assert checked == len({s for s in quotas.column("subject").to_pylist()}) > 0
    assert sum(by_person.values()) > 0


def test_unknown_quota_subject_fails_the_job_without_output(client, generated, company, tmp_path):
    quotas, *_ = quota_inputs(generated, company)
    bad = quotas.to_pydict()
    bad["subject"][7] = "nobody-like-this"
    folder = sd.credit([company.deals], org_spec(company), out=tmp_path / "credits", partitions=3)
    out = tmp_path / "q"
    with pytest.raises(salescomp.ValidationError) as e:
        sd.quotas(
            folder,
            org_spec(company),
            sd.QuotaSpec(quotas=pa.Table.from_pydict(bad, schema=quotas.schema)),
            out=out,
        )
    # Row 8 of the user's quota table (index 7), named whatever partition read it: rows naming
    # nobody on the roster go to the first partition, where the library refuses them.
    assert "person partition 1" in str(e.value)
    assert "quotas row 8, field 'subject', value 'nobody-like-this'" in str(e.value)
    assert [(i["row"], i["field"]) for i in e.value.issues] == [(8, "subject")]
    assert not out.exists()


def test_team_quota_rows_are_refused_by_name(client, company, tmp_path):
    team = pa.table(
        {
            "subject": ["emea"],
            "subject_kind": ["team"],
            "measure": ["bookings"],
            "period_kind": ["quarter"],
            "fiscal_year": pa.array([2026], pa.int64()),
            "number": pa.array([1], pa.int64()),
            "amount": pa.array([Decimal("5.00")], pa.decimal128(18, 2)),
            "currency": ["USD"],
        }
    )
    folder = sd.credit([company.deals], org_spec(company), out=tmp_path / "credits", partitions=2)
    with pytest.raises(salescomp.ValidationError, match="subject_kind 'team'"):
        sd.quotas(folder, org_spec(company), sd.QuotaSpec(quotas=team), out=tmp_path / "q")
    assert not (tmp_path / "q").exists()
