"""The independent verifier of sealed records (docs/audit.md, "The verifier").

It re-derives every line of the demo's four quarters from the lines' expressions and the
record's tables, catches seeded corruptions of one operand, one credit, one rate or one
rounding mode, and runs (like the record itself loads) without salescomp.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest
from salescomp import demo, synthetic, verify_audit
from salescomp.audit import close_period, verify
from salescomp.cli import main

VERIFIER = Path(verify_audit.__file__)


@pytest.fixture(scope="module")
def ledger(tmp_path_factory) -> Path:
    """The demo's four quarters sealed one after the other."""
    folder = tmp_path_factory.mktemp("verify") / "ledger"
    company = demo.load()
    for q in (1, 2, 3, 4):
        close_period(company, folder, q)
    return folder


def test_verifier_re_derives_every_line_of_the_demo_year(ledger):
    report = verify(ledger)
    assert report["records"] == ["FY2026-Q1", "FY2026-Q2", "FY2026-Q3", "FY2026-Q4"]
    assert report["lines"] == 179  # 39 + 41 + 57 + 42 lines
    assert report["mismatches"] == []
    assert report["unverifiable"] == []


def test_verify_command(ledger, capsys):
    assert main(["verify", str(ledger / "FY2026-Q3")]) == 0
    out = capsys.readouterr().out
    assert out.startswith(
        "records FY2026-Q1, FY2026-Q2, FY2026-Q3: 137 lines, 0 mismatches, 0 unverifiable"
    )


# -- round_to: the eight modes, by hand ---------------------------------------------------------


@pytest.mark.parametrize(
    "value, mode, expected",
    [
        ("617.285", "HalfEven", "617.28"),
        ("617.285", "HalfUp", "617.29"),
        ("617.285", "HalfDown", "617.28"),
        ("-617.285", "HalfUp", "-617.29"),
        ("617.281", "Up", "617.29"),
        ("-617.281", "Up", "-617.29"),
        ("617.289", "Down", "617.28"),
        ("-617.281", "Ceiling", "-617.28"),
        ("-617.281", "Floor", "-617.29"),
        ("617.275", "HalfEven", "617.28"),
        ("617.28", "Unnecessary", "617.28"),
    ],
)
def test_rounding_modes(value, mode, expected):
    got = verify_audit.round_to(verify_audit.exact(value), verify_audit.exact("0.01"), mode)
    assert got == verify_audit.exact(expected)


def test_unnecessary_refuses_an_inexact_value():
    with pytest.raises(verify_audit.Inexact):
        verify_audit.round_to(
            verify_audit.exact("1.005"), verify_audit.exact("0.01"), "Unnecessary"
        )


def test_allocate_is_largest_remainder_with_key_ties():
    # 100.00 over weights 1, 1, 1: 33.33 each and the cent left over to the smallest key
    node = {
        "op": "allocate",
        "total": {"op": "value", "value": "100.00"},
        "weights": [{"op": "value", "value": "1"}] * 3,
        "keys": [7, 3, 5],
        "unit": "0.01",
    }
    parts = [verify_audit.evaluate({**node, "index": i}) for i in range(3)]
    assert parts == [verify_audit.exact(x) for x in ("33.33", "33.34", "33.33")]
    assert sum(parts) == 100


# -- mutations ----------------------------------------------------------------------------------


def _nodes(node):
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(verify_audit._children(n))


def _mutate(rng, line, kind, credits):
    """A copy of ``line`` with one corruption of ``kind``, or None when the line has no target."""
    expr = json.loads(line["expression"])
    nodes = list(_nodes(expr))
    if kind == "operand":
        targets = [n for n in nodes if n["op"] == "value"]
        if not targets:
            return None
        n = rng.choice(targets)
        delta = Fraction(
            rng.choice([1, -1]) * rng.choice([1, 100, 10**4]), 100
        )  # a cent, a unit or 100
        n["value"] = verify_audit._text(verify_audit.exact(n["value"]) + delta)
    elif kind == "credit":
        measures = [n for n in nodes if "measure" in n]
        if not measures:
            return None
        m = rng.choice(measures)
        how = rng.choice(["drop", "swap", "add"]) if m["args"] else "add"
        listed = {
            a["source"]["credit"] if a["op"] == "value" else a["arg"]["args"][0]["source"]["credit"]
            for a in m["args"]
        }
        others = [c for c in credits if c["credit_id"] not in listed]
        if how == "drop":
            m["args"].pop(rng.randrange(len(m["args"])))
        else:
            c = rng.choice(others)  # a real credit, with its true amount: only the choice is wrong
            new = {
                "op": "value",
                "value": str(c["amount"]),
                "source": {"kind": "credit", "credit": c["credit_id"], "person": line["person_id"]},
            }
            if how == "swap":
                m["args"][rng.randrange(len(m["args"]))] = new
            else:
                m["args"].append(new)
    elif kind == "rate":
        targets = [n for n in nodes if n["op"] == "value" and n["source"].get("kind") == "plan"]
        if not targets:
            return None
        n = rng.choice(targets)
        old = verify_audit.exact(n["value"])
        new = old * rng.choice([2, 3]) + Fraction(rng.choice([0, 1]), 100)  # doubled or tripled
        n["value"] = verify_audit._text(
            new if new != old else old + Fraction(1, 100)
        )  # 0 stays 0 x 2
    elif kind == "rounding":
        targets = [n for n in nodes if n["op"] == "round"]
        if not targets:
            return None
        n = rng.choice(targets)
        n["mode"] = rng.choice([m for m in verify_audit.MODES if m != n["mode"]])
    return {**line, "expression": json.dumps(expr)}


def test_every_seeded_mutation_is_caught(ledger):
    """1,000 corruptions (seed 16): one operand's value, one credit dropped / swapped for another
    real credit / added, one plan rate or value, one rounding mode; each must be reported."""
    rng = random.Random(16)
    kinds = ("operand", "credit", "rate", "rounding")
    folders = verify_audit.record_folders(ledger)
    caught, tried = {k: 0 for k in kinds}, {k: 0 for k in kinds}
    per_record = 250
    v = verify_audit.Verifier()
    for folder in folders:
        record = verify_audit.Record(folder)
        v.verify(record)
        lines = record.tables["lines"]
        credits = record.tables["credits"]
        for line in lines:  # the unmutated lines are clean
            assert v.check_line(line) == []
        done = 0
        while done < per_record:
            kind = kinds[sum(tried.values()) % 4]
            mutated = _mutate(rng, rng.choice(lines), kind, credits)
            if mutated is None:
                continue
            done += 1
            tried[kind] += 1
            if v.check_line(mutated):
                caught[kind] += 1
            else:
                pytest.fail(
                    f"mutation {kind} not caught: {mutated['line_id']} {mutated['expression'][:400]}"
                )
    assert sum(tried.values()) == 1000
    assert caught == tried
    assert set(tried.values()) == {250}


@pytest.fixture(scope="module")
def restated(ledger, tmp_path_factory) -> Path:
    """Q1..Q3 of the demo, then Q4 closed after a 10,000.00 correction of Q1 deal 1001 and
    with two manual adjustments: restatement, re-derived and manual lines to corrupt."""
    import dataclasses
    import shutil
    from decimal import Decimal

    import pyarrow as pa

    folder = tmp_path_factory.mktemp("restated") / "ledger"
    for q in (1, 2, 3):
        shutil.copytree(ledger / f"FY2026-Q{q}", folder / f"FY2026-Q{q}")
    company = demo.load()
    d = company.deals
    amount = d.column("amount").to_pylist()
    amount[d.column("id").to_pylist().index(1001)] += Decimal("10000.00")
    deals = d.set_column(
        d.schema.get_field_index("amount"),
        "amount",
        pa.array(amount, d.schema.field("amount").type),
    )
    adjustments = pa.table(
        {
            "adjustment_id": ["ADJ-1", "ADJ-2"],
            "person_id": ["ae_east_1", "sdr_1"],
            "date": ["2026-10-15", "2026-11-02"],
            "amount": ["250.00", "-75.50"],
            "currency": ["USD", "USD"],
            "reason": ["missed SPIF", "duplicate meeting"],
            "author": ["j.doe", "j.doe"],
            "approval_ref": ["FIN-1", "FIN-2"],
        }
    )
    close_period(
        dataclasses.replace(company, deals=deals),
        folder,
        4,
        reason="deal 1001 corrected",
        adjustments=adjustments,
    )
    return folder


def test_mutations_of_restatement_manual_and_re_derived_lines_are_caught(restated):
    """400 more corruptions (seed 17) of the lines a restatement and manual adjustments add."""
    report = verify(restated)
    assert report["mismatches"] == [] and report["unverifiable"] == []
    rng = random.Random(17)
    v = verify_audit.Verifier()
    for folder in verify_audit.record_folders(restated):
        record = verify_audit.Record(folder)
        v.verify(record)
    t = record.tables
    targets = [r for r in t["lines"] if r["line_kind"] != "engine"] + t["restated_lines"]
    assert {r["line_kind"] for r in targets} == {"restatement", "manual", "engine"}
    for line in targets:
        assert v.check_line(line) == []
    kinds = ("operand", "credit", "rate", "rounding")
    tried = {k: 0 for k in kinds}
    while sum(tried.values()) < 400:
        kind = rng.choice(kinds)
        line = rng.choice(targets)
        credits = [
            r
            for r in (t["credits"] if line["period"] == "FY2026-Q4" else t["restated_credits"])
            if r.get("period", line["period"]) == line["period"]
        ]
        mutated = _mutate(rng, line, kind, credits)
        if mutated is None:
            continue
        tried[kind] += 1
        assert v.check_line(mutated), (
            f"{kind} not caught: {mutated['line_id']} {mutated['expression'][:300]}"
        )
    assert all(n > 40 for n in tried.values())


def test_a_changed_amount_is_caught(ledger):
    v = verify_audit.Verifier()
    for folder in verify_audit.record_folders(ledger / "FY2026-Q1"):
        v.verify(verify_audit.Record(folder))
    line = dict(v.records["FY2026-Q1"].tables["lines"][0])
    line["amount"] += 1
    assert any("line pays" in m for m in v.check_line(line))


# -- standalone ---------------------------------------------------------------------------------


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return env


def test_record_loads_with_pyarrow_alone(ledger, tmp_path):
    """What docs/audit.md tells a reader in another language, done with json + pyarrow only."""
    script = r"""
import hashlib, json, sys
from decimal import Decimal
from pathlib import Path
import pyarrow.parquet as pq

folder = Path(sys.argv[1])
manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
assert manifest["format"] == "salescomp.sealed-period/1"
tables = {}
for name, entry in manifest["files"].items():
    assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == entry["sha256"], name
    tables[name] = pq.read_table(folder / name)
    assert tables[name].num_rows == entry["rows"], name
lines = tables["lines.parquet"].to_pylist()
totals = {}
for line in lines:
    totals[line["person_id"]] = totals.get(line["person_id"], Decimal(0)) + line["amount"]
    json.loads(line["expression"])
for s in tables["statements.parquet"].to_pylist():
    assert s["total"] == totals[s["person_id"]], s
assert "salescomp" not in sys.modules
print(manifest["period"]["label"], len(lines), len(tables))
"""
    out = subprocess.run(
        [sys.executable, "-c", script, str(ledger / "FY2026-Q4")],
        cwd=tmp_path,
        env=_clean_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.split() == ["FY2026-Q4", "42", "15"]


def test_verifier_runs_without_salescomp(ledger, tmp_path):
    """verify_audit.py copied alone into an empty folder: only the standard library and pyarrow."""
    copy_ = tmp_path / "verify_audit.py"
    copy_.write_text(VERIFIER.read_text(encoding="utf-8"), encoding="utf-8")
    script = (
        "import runpy, sys; sys.argv = ['verify_audit.py', sys.argv[1]]\n"
        "try:\n    runpy.run_path('verify_audit.py', run_name='__main__')\n"
        "except SystemExit as e:\n    assert 'salescomp' not in sys.modules; raise\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(ledger)],
        cwd=tmp_path,
        env=_clean_env(),
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith(
        "records FY2026-Q1, FY2026-Q2, FY2026-Q3, FY2026-Q4: 179 lines, 0 mismatches"
    )


def test_verifier_source_imports_only_stdlib_and_pyarrow():
    import ast

    tree = ast.parse(VERIFIER.read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "no relative imports"
            imported.add(node.module.split(".")[0])
    assert imported <= {
        "__future__",
        "hashlib",
        "json",
        "sys",
        "collections",
        "decimal",
        "fractions",
        "pathlib",
        "typing",
        "pyarrow",
    }


# -- a synthetic year ---------------------------------------------------------------------------


def test_synthetic_year_verifies(tmp_path):
    """A small synthetic company (tiered AE plan with caps and clawbacks, SDRs, overrides)."""
    company = synthetic.generate(people=120, deals_per_person=4, seed=11).company()
    for q in (1, 2, 3, 4):
        close_period(company, tmp_path / "l", q)
    report = verify(tmp_path / "l")
    assert report["lines"] > 400
    assert report["mismatches"] == [] and report["unverifiable"] == []


@pytest.mark.skipif(
    not os.environ.get("SALESCOMP_AUDIT_LONG"), reason="opt-in: SALESCOMP_AUDIT_LONG=1"
)
def test_10000_person_synthetic_year_verifies(tmp_path):
    people = int(os.environ.get("SALESCOMP_AUDIT_PEOPLE", "10000"))
    company = synthetic.generate(people=people, deals_per_person=5, seed=7).company()
    for q in (1, 2, 3, 4):
        close_period(company, tmp_path / "l", q)
    report = verify(tmp_path / "l")
    print(
        f"{people} people: {report['lines']} lines verified, {len(report['mismatches'])} mismatches"
    )
    assert report["mismatches"] == [] and report["unverifiable"] == []


def test_a_manifest_with_a_duplicate_key_is_refused_by_both_readers(tmp_path):
    # Python's json keeps the last of two equal keys silently; a sealed record's manifest is
    # read strictly by the library (load_record) and by the standalone verifier.
    from salescomp.audit.record import load_record
    from salescomp.verify_audit import _strict_json

    text = '{"format": "salescomp.sealed-period/1", "format": "other"}'
    (tmp_path / "manifest.json").write_text(text, encoding="utf-8")
    with pytest.raises(Exception, match="(?i)duplicate"):
        load_record(tmp_path)
    with pytest.raises(ValueError, match="duplicate JSON key"):
        _strict_json(text)
