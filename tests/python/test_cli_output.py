"""Atomic output folders and the input readers of the CLI (no commission run needed)."""

from __future__ import annotations

import os
from decimal import Decimal

import pytest

pa = pytest.importorskip("pyarrow")
from salescomp import _output, cli  # noqa: E402


def test_atomic_directory_replaces_the_target_only_on_success(tmp_path):
    target = tmp_path / "out"
    with _output.atomic_directory(target) as tmp:
        assert tmp.parent == tmp_path and tmp.name.startswith(".out.tmp-")
        (tmp / "a.txt").write_text("1")
        assert not target.exists()
    assert (target / "a.txt").read_text() == "1"
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o777 & ~mask  # an ordinary folder, not mkdtemp's 0700
    with pytest.raises(RuntimeError):
        with _output.atomic_directory(target) as tmp:
            (tmp / "b.txt").write_text("2")
            raise RuntimeError("boom")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert sorted(p.name for p in target.iterdir()) == [_output.MARKER, "a.txt"]
    with _output.atomic_directory(target) as tmp:
        (tmp / "c.txt").write_text("3")
    assert sorted(p.name for p in target.iterdir()) == [_output.MARKER, "c.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_file_in_the_way_is_refused(tmp_path):
    (tmp_path / "out").write_text("x")
    with pytest.raises(FileExistsError):
        with _output.atomic_directory(tmp_path / "out"):
            pass


def test_tables_keep_exact_decimals_in_csv_and_parquet(tmp_path):
    import pyarrow.parquet as pq

    t = pa.table({"amount": pa.array([Decimal("0.10"), Decimal("-12345678901234.99"), None], pa.decimal128(38, 2)),
                  "who": pa.array(["a", "b", "a"]).dictionary_encode()})
    _output.write_table(t, tmp_path, "t", ("csv", "parquet"))
    assert (tmp_path / "t.csv").read_text().splitlines()[1:3] == ['0.10,"a"', '-12345678901234.99,"b"']
    assert pq.read_table(tmp_path / "t.parquet").column("amount").to_pylist()[:2] == [
        Decimal("0.10"), Decimal("-12345678901234.99")]


def test_csv_money_is_never_read_as_float(tmp_path):
    (tmp_path / "deals.csv").write_text("id,owner,close_date,amount,currency,type\n"
                                        "1,a,2026-01-05,0.10,USD,new_business\n"
                                        "2,b,2026-01-06,12345678901234567.89,USD,new_business\n")
    t = cli._read_table(tmp_path, "deals", ("amount",))
    assert t.column("amount").to_pylist() == ["0.10", "12345678901234567.89"]
    assert t.column("id").to_pylist() == ["1", "2"]  # ids are the user's text, never numbers
    assert str(t.schema.field("close_date").type) == "date32[day]"


def test_bad_integers_dates_and_booleans_are_listed(tmp_path):
    (tmp_path / "outcomes.csv").write_text("journey_id,converted,value\n1,true,10.00\nx,maybe,\n3,0,\n")
    with pytest.raises(cli.InputError) as info:
        cli._read_table(tmp_path, "outcomes", ("value",))
    text = str(info.value)
    # "x,maybe," is the second data row, on line 3 of the file
    assert text.startswith("outcomes.csv: 2 bad value(s)")
    assert "row 2 (line 3), journey_id: 'x' is not an integer" in text
    assert "row 2 (line 3), converted: 'maybe' is not true/false" in text


def test_missing_inputs_are_all_named(tmp_path):
    with pytest.raises(cli.InputError) as info:
        cli.load_inputs(tmp_path)
    for name in ("people.csv", "assignments.csv", "deals.csv", "quotas.csv", "plans.json"):
        assert name in str(info.value)
    assert cli.main(["run", str(tmp_path), "--out", str(tmp_path / "out")]) == 2
    assert not (tmp_path / "out").exists()


def test_plans_json_numbers_are_decimals(tmp_path):
    path = tmp_path / "plans.json"
    path.write_text('[{"rate": 0.1, "n": 3}]')
    doc, _, name = cli._read_json(path)
    assert doc == [{"rate": Decimal("0.1"), "n": 3}] and type(doc[0]["n"]) is int and name == "plans.json"
