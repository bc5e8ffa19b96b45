"""The `salescomp` command end to end: demo, run on files (and bad files), explain, bench.
Output folders are written completely or not at all."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

pytest.importorskip("pyarrow")
pytest.importorskip("matplotlib")
import salescomp as sc  # noqa: E402
from salescomp import cli  # noqa: E402

pytestmark = pytest.mark.skipif(not hasattr(getattr(sc, "engine", None), "run_period"),
                                reason="this build has no salescomp.engine.run_period (plan area)")


@pytest.fixture(scope="module")
def demo_inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("inputs") / "northwind"
    assert cli.main(["demo", "--inputs", str(folder), "--inputs-only"]) == 0
    return folder


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "out"
    assert cli.main(["demo", "--out", str(out), "--no-progress"]) == 0
    return out


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_demo_prints_the_summary(capsys, tmp_path):
    assert cli.main(["demo", "--no-progress"]) == 0
    out = capsys.readouterr().out
    for section in ("Quarter close FY2026-Q3", "Attainment distribution", "Top earners", "Totals by role",
                    "Totals by component", "Attribution of converted revenue by channel", "Pacing for Q4"):
        assert section in out
    assert list(tmp_path.iterdir()) == []  # nothing written without --out


def test_demo_writes_every_output(demo_out):
    names = {p.name for p in demo_out.iterdir()}
    for table in ("payouts", "statements", "credits", "quotas", "attainment", "pacing", "attribution_markov"):
        assert f"{table}.csv" in names
        assert f"{table}.parquet" in names
    assert {"report.html", "summary.txt", "statements", "charts"} <= names
    html = (demo_out / "report.html").read_text(encoding="utf-8")
    assert html.count("data:image/png;base64,") >= 5 and "Top earners" in html
    for png in (demo_out / "charts").iterdir():
        assert png.stat().st_size > 5000
    people = read_csv(demo_out / "statements.csv")
    assert len(list((demo_out / "statements").glob("*.txt"))) == len(people)
    # no temporary folders are left beside the output
    assert [p.name for p in demo_out.parent.iterdir()] == ["out"]


def test_csv_and_parquet_amounts_are_exact(demo_out):
    import pyarrow.parquet as pq

    lines = read_csv(demo_out / "payouts.csv")
    totals = defaultdict(Decimal)
    for line in lines:
        totals[line["person_id"]] += Decimal(line["amount"])
    for st in read_csv(demo_out / "statements.csv"):
        assert totals[st["person_id"]] == Decimal(st["total"])
    table = pq.read_table(demo_out / "payouts.parquet")
    assert str(table.schema.field("amount").type).startswith("decimal128")
    assert table.column("amount").to_pylist() == [Decimal(x["amount"]) for x in lines]


def test_run_on_files_matches_the_demo(demo_inputs, demo_out, tmp_path):
    out = tmp_path / "out"
    assert cli.main(["run", str(demo_inputs), "--out", str(out), "--format", "csv", "--no-html",
                     "--no-progress"]) == 0
    assert read_csv(out / "payouts.csv") == read_csv(demo_out / "payouts.csv")
    assert not (out / "report.html").exists() and not (out / "payouts.parquet").exists()


def test_run_with_parquet_inputs(demo_inputs, tmp_path):
    import pyarrow.parquet as pq

    folder = tmp_path / "in"
    folder.mkdir()
    for f in demo_inputs.iterdir():
        (folder / f.name).write_bytes(f.read_bytes())
    company = cli.load_inputs(demo_inputs)
    pq.write_table(company.deals, folder / "deals.parquet")
    (folder / "deals.csv").unlink()
    assert cli.main(["run", str(folder), "--out", str(tmp_path / "out"), "--no-html", "--format", "csv"]) == 0


def copy_inputs(src: Path, dst: Path) -> Path:
    dst.mkdir()
    for f in src.iterdir():
        (dst / f.name).write_bytes(f.read_bytes())
    return dst


def edit_csv(path: Path, fn) -> None:
    rows = read_csv(path)
    rows = fn(rows)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows(rows)


def run_bad(folder: Path, tmp_path: Path, capsys) -> str:
    from salescomp import _output

    out = tmp_path / "out"
    # an existing output folder (of an earlier run) is left exactly as it was
    with _output.atomic_directory(out) as tmp:
        (tmp / "keep.txt").write_text("previous run")
    assert cli.main(["run", str(folder), "--out", str(out), "--no-progress"]) == 2
    assert sorted(p.name for p in out.iterdir()) == [_output.MARKER, "keep.txt"]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
    err = capsys.readouterr().err
    assert "nothing was written" in err
    return err


def test_missing_column_is_named(demo_inputs, tmp_path, capsys):
    folder = copy_inputs(demo_inputs, tmp_path / "in")
    edit_csv(folder / "deals.csv", lambda rows: [{k: v for k, v in r.items() if k != "currency"} for r in rows])
    err = run_bad(folder, tmp_path, capsys)
    assert "currency" in err


def test_bad_amounts_list_every_row(demo_inputs, tmp_path, capsys):
    folder = copy_inputs(demo_inputs, tmp_path / "in")

    def spoil(rows):
        rows[3]["amount"] = "12.345"
        rows[7]["amount"] = "abc"
        rows[9]["amount"] = "1e5"
        return rows

    edit_csv(folder / "deals.csv", spoil)
    err = run_bad(folder, tmp_path, capsys)
    for row, value in ((3, "12.345"), (7, "abc"), (9, "1e5")):
        assert value in err, err
        assert str(row) in err


def test_unknown_people_are_named(demo_inputs, tmp_path, capsys):
    folder = copy_inputs(demo_inputs, tmp_path / "in")

    def spoil(rows):
        rows[5]["owner"] = "nobody"
        return rows

    edit_csv(folder / "deals.csv", spoil)
    err = run_bad(folder, tmp_path, capsys)
    assert "nobody" in err


def test_bad_dates_and_ids_list_every_row(demo_inputs, tmp_path, capsys):
    folder = copy_inputs(demo_inputs, tmp_path / "in")

    def spoil(rows):
        rows[2]["close_date"] = "2026-13-01"
        rows[4]["term_months"] = "x17"  # deal ids are text ("x17" is a fine id); counts are not
        return rows

    edit_csv(folder / "deals.csv", spoil)
    err = run_bad(folder, tmp_path, capsys)
    # rows[2] is data row 3 (from 1), on line 4 of the file (after the header)
    assert "deals.csv: 2 bad value(s)" in err
    assert "row 3 (line 4), close_date: '2026-13-01'" in err and "row 5 (line 6), term_months: 'x17'" in err
    assert "from 0" not in err


def test_missing_files_and_unknown_plans(demo_inputs, tmp_path, capsys):
    folder = copy_inputs(demo_inputs, tmp_path / "in")
    (folder / "quotas.csv").unlink()
    (folder / "plans.json").unlink()
    err = run_bad(folder, tmp_path, capsys)
    assert "quotas.csv" in err and "plans.json" in err


def test_float_money_in_parquet_is_refused(demo_inputs, tmp_path, capsys):
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = copy_inputs(demo_inputs, tmp_path / "in")
    deals = cli.load_inputs(demo_inputs).deals
    i = deals.column_names.index("amount")
    deals = deals.set_column(i, "amount", deals.column("amount").cast(pa.float64()))
    pq.write_table(deals, folder / "deals.parquet")
    err = run_bad(folder, tmp_path, capsys)
    assert "float" in err


def test_failure_while_writing_leaves_nothing(tmp_path, monkeypatch, capsys):
    from salescomp import _output

    calls = {"n": 0}
    real = _output.write_table

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(_output, "write_table", flaky)
    assert cli.main(["demo", "--out", str(tmp_path / "out"), "--no-html"]) == 1
    assert "disk full" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
    # and an earlier output folder survives a failed run untouched
    with _output.atomic_directory(tmp_path / "out") as tmp:
        (tmp / "payouts.csv").write_text("earlier")
    calls["n"] = 0
    assert cli.main(["demo", "--out", str(tmp_path / "out"), "--no-html"]) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["out"]
    assert (tmp_path / "out" / "payouts.csv").read_text() == "earlier"


def test_explain(capsys):
    assert cli.main(["explain", "ae_east_1", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ae_east_1 (account_executive), plan ae_usd, FY2026-Q3")
    assert "line 1: commission" in out and "TOTAL" in out and "rounding" in out
    assert cli.main(["explain", "nobody"]) == 2
    assert "unknown person 'nobody'" in capsys.readouterr().err


def test_explain_on_files(demo_inputs, capsys):
    assert cli.main(["explain", "sdr_1", str(demo_inputs), "--quarter", "2"]) == 0
    assert "FY2026-Q2" in capsys.readouterr().out


def test_bench(capsys):
    assert cli.main(["bench", "--people", "200", "--deals-per-person", "10", "--threads", "2"]) == 0
    out = capsys.readouterr().out
    assert "crediting" in out and "deals/s" in out and "payout lines" in out


def test_module_entry_point():
    env = dict(os.environ)
    r = subprocess.run([sys.executable, "-m", "salescomp.cli", "--help"], capture_output=True, text=True, env=env)
    assert r.returncode == 0 and "demo" in r.stdout and "explain" in r.stdout


def test_progress_bar_only_when_asked_or_on_a_terminal(capsys):
    assert cli.main(["explain", "ae_east_1", "--quarter", "3"]) == 0
    assert capsys.readouterr().err == ""  # stderr is not a terminal under pytest (and no status line)
    pytest.importorskip("tqdm")
    assert cli.main(["explain", "ae_east_1", "--progress"]) == 0
    assert "close Q3" in capsys.readouterr().err
