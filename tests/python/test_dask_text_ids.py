"""salescomp.dask with the user's text deal ids (18-character CRM ids, unicode, numeric-looking
text with leading zeros) on a real distributed.LocalCluster (2 worker processes, loopback
only): crediting and two chained quarters give the same bytes as one machine, and the ids come
out as the user's text (never as numbers) in the credits, the payout lines and the state.

References are the one-machine functions of test_dask (salescomp.credit, engine.run_period
with the carried RunState object)."""

from __future__ import annotations

import copy

import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
distributed = pytest.importorskip("distributed")
import pyarrow.compute as pc  # noqa: E402
from dask_cluster import local_cluster_client  # noqa: E402
from salescomp import dask as sd  # noqa: E402
from salescomp import synthetic  # noqa: E402
from salescomp.dask import partition as sp  # noqa: E402
from test_dask import (  # noqa: E402
    ipc_bytes,
    one_machine_credits,
    one_machine_quarters,
    org_spec,
    quarter_quotas,
    run_spec,
    shuffled_parts,
)


@pytest.fixture(scope="module")
def client():
    yield from local_cluster_client()


def text_id(i: int) -> str:
    """An 18-character id of three kinds: Salesforce-like, unicode, numeric-looking."""
    if i % 3 == 0:
        return f"0065g00000{i:08X}"
    if i % 3 == 1:
        return f"Dëal-Ünïcødé-{i:05d}"
    return f"{i:018d}"


@pytest.fixture(scope="module")
def company():
    c = copy.copy(synthetic.generate(people=60, deals_per_person=6, seed=11).company())
    ids = {i: text_id(i) for i in c.deals.column("id").to_pylist()}
    assert all(len(t) == 18 for t in ids.values())
    c.deals = c.deals.set_column(
        c.deals.schema.get_field_index("id"),
        "id",
        pa.array([ids[i] for i in c.deals.column("id").to_pylist()], pa.string()),
    )
    c.splits = c.splits.set_column(
        c.splits.schema.get_field_index("deal_id"),
        "deal_id",
        pa.array([ids[i] for i in c.splits.column("deal_id").to_pylist()], pa.string()),
    )
    # A SPIF pays per deal, so payout lines carry deal ids (the synthetic plans pay on totals).
    spif = {
        "id": "spif",
        "type": "spif",
        "deal_types": ["new_business"],
        "from": "2026-01-01",
        "to": "2026-06-30",
        "amount_per_deal": "50",
    }
    c.plan_documents = [
        {**d, "components": [*d["components"], spif]} if d["id"] == "ae" else d
        for d in c.plan_documents
    ]
    return c


def test_text_ids_through_crediting(client, company, tmp_path):
    org, reference = one_machine_credits(company)
    want = sp.canonical_credits(reference, company.deals, org.person_ids)
    folder = tmp_path / "deals"
    folder.mkdir()
    for i, part in enumerate(shuffled_parts(company.deals, 3, seed=5)):
        pq.write_table(part, folder / f"deals-{i}.parquet")
    got = sd.read_dataset(sd.credit(folder, org_spec(company), out=tmp_path / "c", partitions=3))
    assert got.schema.field("deal_id").type == pa.string()
    assert set(got.column("deal_id").to_pylist()) <= set(company.deals.column("id").to_pylist())
    assert "000000000000000002" in got.column("deal_id").to_pylist()  # leading zeros kept
    assert ipc_bytes(got) == ipc_bytes(want)


@pytest.mark.parametrize("n", (1, 3))
def test_text_ids_through_two_chained_quarters(client, company, tmp_path, n):
    ids, want = one_machine_quarters(company, (1, 2))
    credits = sd.credit(
        shuffled_parts(company.deals, n, seed=30 + n),
        org_spec(company),
        out=tmp_path / "credits",
        partitions=n,
    )
    state = None
    for k, q in enumerate((1, 2)):
        out = sd.run_period(
            credits,
            run_spec(company, ids, q),
            quotas=quarter_quotas(company, q),
            state=state,
            out=tmp_path / f"q{q}",
        )
        lines, statements, next_state = want[k]
        got_lines = sd.read_dataset(out / "lines")
        got_state = sd.read_dataset(out / "state")
        assert got_lines.schema.field("deal_id").type == pa.string()
        assert got_state.schema.field("deal_id").type == pa.string()
        deal_ids = set(company.deals.column("id").to_pylist())
        assert set(pc.drop_null(got_lines.column("deal_id")).to_pylist()) <= deal_ids
        assert pc.count(got_lines.column("deal_id")).as_py() > 0  # lines per deal exist
        assert ipc_bytes(got_lines) == ipc_bytes(lines)
        assert ipc_bytes(sd.read_dataset(out / "statements")) == ipc_bytes(statements)
        assert ipc_bytes(got_state) == ipc_bytes(next_state)
        state = out / "state"


def test_state_with_text_ids_round_trips_and_refuses_other_id_types(company):
    ids, want = one_machine_quarters(company, (1,))
    state = want[0][2]
    deal_ids = pa.array(sorted(company.deals.column("id").to_pylist()), pa.string())
    index = {p: i for i, p in enumerate(ids)}
    again = sp.state_to_arrow(sp.state_from_arrow(state, index, deal_ids), ids, deal_ids)
    assert ipc_bytes(again) == ipc_bytes(state)
    with pytest.raises(Exception, match="deal ids are string, the run's are int64"):
        sp.state_from_arrow(state, index, pa.array(range(len(deal_ids)), pa.int64()))
