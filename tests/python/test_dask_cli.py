"""``salescomp run --scheduler local:2 --partitions N``: the same files, byte for byte, as the
run in this process (``--partitions N`` alone), the same rows for any partition count, and the
same pay per person as the plain ``salescomp run`` (the one-machine close) of that quarter.

The input folder has the deals as a folder of Parquet files with 18-character text deal ids
(CRM-style, unicode, numeric-looking with leading zeros) and, for the plain run, the same deals
as deals.parquet. The local cluster listens on the loopback interface only and is stopped by
the command itself."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
pytest.importorskip("distributed")

from salescomp import cli, synthetic  # noqa: E402
from salescomp import dask as sd  # noqa: E402
from test_dask_text_ids import text_id  # noqa: E402

QUARTER = "2"


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    company = synthetic.generate(people=40, deals_per_person=5, seed=17).company()
    folder = tmp_path_factory.mktemp("cli") / "inputs"
    cli.write_inputs(company, folder)
    deals = cli._read_table(folder, "deals", cli.INPUT_FILES["deals"][1])
    ids = {i: text_id(int(i)) for i in deals.column("id").to_pylist()}
    deals = deals.set_column(
        deals.schema.get_field_index("id"),
        "id",
        pa.array([ids[i] for i in deals.column("id").to_pylist()], pa.string()),
    )
    (folder / "deals.csv").unlink()
    pq.write_table(deals, folder / "deals.parquet")
    splits = cli._read_table(folder, "splits", cli.INPUT_FILES["splits"][1])
    splits = splits.set_column(
        splits.schema.get_field_index("deal_id"),
        "deal_id",
        pa.array([ids[i] for i in splits.column("deal_id").to_pylist()], pa.string()),
    )
    (folder / "splits.csv").unlink()
    pq.write_table(splits, folder / "splits.parquet")
    # The same deals as a folder of Parquet files (what the distributed run reads).
    (folder / "deals").mkdir()
    n = deals.num_rows
    for i, (a, b) in enumerate([(0, n // 3), (n // 3, n // 2), (n // 2, n)]):
        pq.write_table(deals.slice(a, b - a), folder / "deals" / f"deals-{i}.parquet")
    return folder


def files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def run(argv, capsys):
    code = cli.main(argv)
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return captured.out


def test_scheduler_local_writes_the_same_bytes_as_the_run_in_this_process(inputs, tmp_path, capsys):
    base = ["run", str(inputs), "--quarter", QUARTER, "--quiet"]
    run([*base, "--out", str(tmp_path / "here"), "--partitions", "3"], capsys)
    out = run(
        [*base, "--out", str(tmp_path / "dask"), "--scheduler", "local:2", "--partitions", "3"],
        capsys,
    )
    here, there = files(tmp_path / "here"), files(tmp_path / "dask")
    assert set(here) == set(there)
    assert {"credits/part_00002.parquet", "q2/lines/part_00000.parquet", "summary.json"} <= set(
        here
    )
    assert [f for f in here if here[f] != there[f]] == []
    summary = json.loads(here["summary.json"])
    assert summary["quarter"] == 2 and summary["statements"] > 0
    assert f"{summary['statements']} statements" in out
    lines = sd.read_dataset(tmp_path / "dask" / "q2" / "lines")
    assert lines.schema.field("deal_id").type == pa.string()
    assert "000000000000000002" in set(lines.column("deal_id").to_pylist()) | set(
        sd.read_dataset(tmp_path / "dask" / "credits").column("deal_id").to_pylist()
    )

    # One partition: other files, the same rows.
    run([*base, "--out", str(tmp_path / "one"), "--partitions", "1"], capsys)
    for name in ("credits", "quota/quotas", "quota/attainment", "q1/state", "q2/lines"):
        a = sd.read_dataset(tmp_path / "one" / name)
        b = sd.read_dataset(tmp_path / "dask" / name)
        assert a.num_rows == b.num_rows > 0, name
        assert a.equals(b), name


def test_same_pay_per_person_as_the_plain_run(inputs, tmp_path, capsys):
    base = ["run", str(inputs), "--quarter", QUARTER, "--quiet"]
    run(
        [*base, "--out", str(tmp_path / "dask"), "--scheduler", "local:2", "--partitions", "2"],
        capsys,
    )
    run([*base, "--out", str(tmp_path / "plain"), "--format", "parquet", "--no-html"], capsys)
    plain = pq.read_table(tmp_path / "plain" / "statements.parquet").to_pylist()
    dask_rows = sd.read_dataset(tmp_path / "dask" / "q2" / "statements").to_pylist()
    want = {r["person_id"]: Decimal(r["total"]) for r in plain}
    got = {r["person_id"]: r["total"] for r in dask_rows}
    assert got == want and len(got) > 10
    assert sum(got.values()) > 0


def test_mbo_is_refused_not_dropped(inputs, tmp_path, capsys):
    folder = tmp_path / "inputs"
    folder.mkdir()
    for p in inputs.rglob("*"):
        target = folder / p.relative_to(inputs)
        if p.is_dir():
            target.mkdir(exist_ok=True)
        else:
            target.write_bytes(p.read_bytes())
    config = json.loads((folder / "config.json").read_text())
    config["mbo"] = [{"person": "x", "component": "c", "objective": "o", "achievement": "1"}]
    (folder / "config.json").write_text(json.dumps(config))
    code = cli.main(["run", str(folder), "--out", str(tmp_path / "o"), "--partitions", "2", "-q"])
    assert code == 2 and "mbo" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()
