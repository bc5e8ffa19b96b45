"""``salescomp run`` end to end with the user's ids (issue 11).

- Shuffling the rows of the input files changes no byte of any output (CSV, Parquet,
  statements, HTML report, charts). By default one run shuffles every file at once (each
  with its own seed); ``SALESCOMP_SHUFFLE_EACH=1`` also runs one close per shuffled file.
- 18-character CRM deal ids and a unicode person id flow through to credits, payouts,
  statements, explanations (the SPIF band names the deal) and the HTML report.
"""

from __future__ import annotations

import csv
import io
import os
import random
import shutil
from pathlib import Path

import pytest
from salescomp import cli, demo
from salescomp.cli import INPUT_FILES


def _outputs(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _run(inputs: Path, out: Path) -> dict[str, bytes]:
    assert cli.main(["run", str(inputs), "--out", str(out), "--quiet", "--no-progress"]) == 0
    return _outputs(out)


@pytest.fixture(scope="module")
def demo_inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("ids") / "inputs"
    cli.write_inputs(demo.load(), folder)
    return folder


@pytest.fixture(scope="module")
def demo_outputs(demo_inputs: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    return _run(demo_inputs, tmp_path_factory.mktemp("ids") / "out")


def _shuffle(folder: Path, name: str, seed: int) -> None:
    path = folder / f"{name}.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    body = lines[1:]
    random.Random(seed).shuffle(body)
    path.write_text(lines[0] + "".join(body), encoding="utf-8")


def _files(folder: Path) -> list[str]:
    return [name for name in INPUT_FILES if (folder / f"{name}.csv").exists()]


def test_shuffling_every_input_file_changes_no_output_byte(
    demo_inputs: Path, demo_outputs: dict[str, bytes], tmp_path: Path
) -> None:
    folder = tmp_path / "shuffled"
    shutil.copytree(demo_inputs, folder)
    names = _files(folder)
    assert {"people", "assignments", "deals", "splits", "quotas", "touchpoints"} <= set(names)
    for seed, name in enumerate(names):
        _shuffle(folder, name, seed)
    got = _run(folder, tmp_path / "out")
    assert sorted(got) == sorted(demo_outputs)
    assert [k for k in got if got[k] != demo_outputs[k]] == []


@pytest.mark.skipif(
    not os.environ.get("SALESCOMP_SHUFFLE_EACH"), reason="set SALESCOMP_SHUFFLE_EACH=1"
)
@pytest.mark.parametrize("name", list(INPUT_FILES))
def test_shuffling_one_input_file_changes_no_output_byte(
    name: str, demo_inputs: Path, demo_outputs: dict[str, bytes], tmp_path: Path
) -> None:
    folder = tmp_path / "shuffled"
    shutil.copytree(demo_inputs, folder)
    if not (folder / f"{name}.csv").exists():
        pytest.skip(f"the demo has no {name}.csv")
    _shuffle(folder, name, 11)
    got = _run(folder, tmp_path / "out")
    assert [k for k in got if got[k] != demo_outputs.get(k)] == []


def _crm_id(n: str) -> str:
    return f"0065g{int(n):013d}"  # 18 characters, like a Salesforce opportunity id


def _rewrite_column(path: Path, column: str, change) -> None:
    text = path.read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    k = rows[0].index(column)
    for row in rows[1:]:
        if row[k]:
            row[k] = change(row[k])
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def test_crm_and_unicode_ids_reach_every_output(demo_inputs: Path, tmp_path: Path) -> None:
    folder = tmp_path / "crm"
    shutil.copytree(demo_inputs, folder)
    person = "ana-maría.ünal"
    for path in folder.iterdir():  # every mention of ae_east_1 (quoted CSV cells, config.json)
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace('"ae_east_1"', f'"{person}"'), encoding="utf-8")
    _rewrite_column(folder / "deals.csv", "id", _crm_id)
    _rewrite_column(folder / "splits.csv", "deal_id", _crm_id)
    out = tmp_path / "out"
    got = _run(folder, out)
    credits = list(csv.DictReader(io.StringIO(got["credits.csv"].decode())))
    assert {len(r["deal_id"]) for r in credits} == {18}
    assert all(r["deal_id"].startswith("0065g") for r in credits)
    payouts = list(csv.DictReader(io.StringIO(got["payouts.csv"].decode())))
    deal_lines = [r for r in payouts if r["deal_id"]]
    assert deal_lines and all(len(r["deal_id"]) == 18 for r in deal_lines)
    assert person in {r["person_id"] for r in payouts}
    # The SPIF explanation names the deal by its CRM id, never by an internal row.
    mine = [r for r in payouts if r["person_id"] == person and "spif" in r["component"]]
    assert mine, "ae_east_1 earns the demo's SPIF"
    for r in mine:
        assert f"deal {r['deal_id']} on " in r["explanation"]
    index = list(csv.DictReader(io.StringIO(got["statements/index.csv"].decode())))
    statement = got[
        "statements/" + next(r["file"] for r in index if r["person_id"] == person)
    ].decode()
    assert statement.startswith(person)
    assert f"deal {mine[0]['deal_id']}" in statement
    report = got["report.html"].decode()
    assert person in report
