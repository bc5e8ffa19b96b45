"""Sealed periods, restatements, manual adjustments and plan versions (docs/audit.md).

The oracle of the chain is :func:`salescomp.close.close_quarter`, which re-runs every quarter
from the year's start: closing quarter by quarter from sealed records must pay the same lines,
and a restatement must post exactly the difference between the two histories.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest
from salescomp import demo
from salescomp.audit import (
    SealedPeriodError,
    audit_export,
    close_period,
    load_ledger,
    load_record,
    verify,
)
from salescomp.audit.record import plan_version
from salescomp.close import close_quarter

DEAL = 1001  # a Q1 new-business deal of ae_east_1 (USD, 24+ months: counts 1.1x)


@pytest.fixture(scope="module")
def company():
    return demo.load()


@pytest.fixture(scope="module")
def history(company):
    """The oracle: every quarter re-run from the year's start."""
    return close_quarter(company, 4, progress=False)


@pytest.fixture(scope="module")
def ledger(company, tmp_path_factory) -> Path:
    """The demo's Q1, Q2 and Q3 sealed one after the other."""
    folder = tmp_path_factory.mktemp("audit") / "ledger"
    for q in (1, 2, 3):
        close_period(company, folder, q)
    return folder


def _files(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


def _keyed(rows, person_ids=None) -> dict[tuple, Decimal]:
    out: dict[tuple, Decimal] = defaultdict(Decimal)
    for r in rows:
        person = r["person_id"] if person_ids is None else person_ids[r["person"]]
        deal = r.get("deal_id", r.get("deal"))
        out[(person, r["component"], deal)] += r["amount"]
    return out


def test_sealed_chain_pays_what_the_full_history_pays(company, history, ledger):
    records = load_ledger(ledger, 2026)
    assert [r.label for r in records] == ["FY2026-Q1", "FY2026-Q2", "FY2026-Q3"]
    ids = history.person_ids
    for rec, run in zip(records, history.runs):
        sealed = [(r["person_id"], r["component"], r["amount"]) for r in rec.lines.to_pylist()]
        oracle = [(ids[x["person"]], x["component"], x["amount"]) for x in run.lines]
        assert sealed == oracle
        # statements: the exact sum of the person's lines
        st = {r["person_id"]: r["total"] for r in rec.statements.to_pylist()}
        for s in run.statements:
            assert st[ids[s.person]] == s.total
    assert records[1].manifest["started_from"] == "state of FY2026-Q1"
    assert records[0].manifest["previous"] is None
    assert records[1].manifest["previous"] == "FY2026-Q1"
    # the carried state of a record round-trips: Q2 started from Q1's record and paid the
    # draw recovery and clawbacks that depend on it (checked equal to the oracle above)
    assert records[2].state.num_rows > 0


def test_reclosing_a_sealed_period_is_refused(company, ledger):
    before = _files(ledger / "FY2026-Q2")
    with pytest.raises(SealedPeriodError, match=r"FY2026-Q2 is sealed"):
        close_period(company, ledger, 2)
    assert _files(ledger / "FY2026-Q2") == before


def test_periods_close_in_order(company, tmp_path):
    with pytest.raises(ValueError, match=r"close FY2026-Q1, FY2026-Q2 first"):
        close_period(company, tmp_path / "l", 3)
    assert not (tmp_path / "l" / "FY2026-Q3").exists()


def test_record_manifest_hashes_every_file(ledger):
    folder = ledger / "FY2026-Q1"
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["format"] == "salescomp.sealed-period/1"
    for name, entry in manifest["files"].items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == entry["sha256"]
    assert set(manifest["inputs"]) == {
        "credits",
        "deals",
        "mbo",
        "plan_assignments",
        "plans",
        "quotas",
    }


def test_tampered_record_is_refused(ledger, tmp_path):
    import shutil

    copy = tmp_path / "FY2026-Q1"
    shutil.copytree(ledger / "FY2026-Q1", copy)
    import pyarrow.parquet as pq

    t = pq.read_table(copy / "lines.parquet")
    amounts = t.column("amount").to_pylist()
    amounts[0] += Decimal("0.01")  # one cent more on one line
    column = pa.array(amounts, t.schema.field("amount").type)
    pq.write_table(
        t.set_column(t.schema.get_field_index("amount"), "amount", column), copy / "lines.parquet"
    )
    with pytest.raises(ValueError, match=r"SC-AUDIT-TAMPERED.*lines.parquet"):
        load_record(copy)
    assert any("lines.parquet: SHA-256" in m for m in verify(copy)["mismatches"])
    (copy / "mbo.parquet").unlink()
    with pytest.raises(ValueError, match=r"SC-AUDIT-TAMPERED.*missing mbo.parquet"):
        load_record(copy)
    assert "FY2026-Q1/mbo.parquet: missing" in verify(copy)["mismatches"]


def _with_deal_amount(company, deal_id: int, delta: str):
    d = company.deals
    amount = d.column("amount").to_pylist()
    row = d.column("id").to_pylist().index(deal_id)
    amount[row] += Decimal(delta)
    deals = d.set_column(
        d.schema.get_field_index("amount"),
        "amount",
        pa.array(amount, d.schema.field("amount").type),
    )
    return dataclasses.replace(company, deals=deals)


def test_restatement_posts_exactly_the_difference(company, ledger, tmp_path):
    import shutil

    work = tmp_path / "ledger"
    shutil.copytree(ledger, work)
    sealed_bytes = {q: _files(work / f"FY2026-Q{q}") for q in (1, 2, 3)}
    corrected = _with_deal_amount(company, DEAL, "10000.00")

    # without a reason the change is refused, naming the sealed period and the deal
    with pytest.raises(
        ValueError, match=rf"FY2026-Q1: credits \(deals {DEAL}\); give the reason.*--reason"
    ):
        close_period(corrected, work, 4)
    assert not (work / "FY2026-Q4").exists()

    q4 = close_period(corrected, work, 4, reason="deal 1001 amount corrected (CRM ticket 77)")
    for q in (1, 2, 3):  # the sealed records are never rewritten
        assert _files(work / f"FY2026-Q{q}") == sealed_bytes[q]

    # the oracle: both histories re-run from the year's start
    before = close_quarter(company, 3, progress=False)
    after = close_quarter(corrected, 4, progress=False)
    ids = after.person_ids
    expected = {}
    for q in (1, 2, 3):
        old = _keyed(before.runs[q - 1].lines, ids)
        new = _keyed(after.runs[q - 1].lines, ids)
        for key in set(old) | set(new):
            delta = new.get(key, Decimal(0)) - old.get(key, Decimal(0))
            if delta:
                expected[(f"FY2026-Q{q}", *key)] = delta
    rows = q4.lines.to_pylist()
    restated = {
        (r["restates"], r["person_id"], r["component"], r["deal_id"]): r["amount"]
        for r in rows
        if r["line_kind"] == "restatement"
    }
    assert restated == expected
    assert expected  # the change moved money: ae_east_1's commission and the roll-ups above
    q1 = [r for r in rows if r["restates"] == "FY2026-Q1"]
    assert {r["reason"] for r in q1} == {"deal 1001 amount corrected (CRM ticket 77)"}
    assert {r["changed_inputs"] for r in q1} == {f"credits (deals {DEAL})"}
    # ae_east_1 was at 160% of quota: 10,000.00 x 1.1 (multi-year) more at 0.15 (0.10 x 1.5)
    assert restated[("FY2026-Q1", "ae_east_1", "commission", None)] == Decimal("1650.00")
    # the open period itself pays what the corrected history pays
    engine = [
        (r["person_id"], r["component"], r["amount"]) for r in rows if r["line_kind"] == "engine"
    ]
    assert engine == [(ids[x["person"]], x["component"], x["amount"]) for x in after.runs[3].lines]
    # statements include the restatement lines
    st = {r["person_id"]: r for r in q4.statements.to_pylist()}
    assert st["ae_east_1"]["restatement_total"] == sum(
        v for k, v in restated.items() if k[1] == "ae_east_1"
    )
    assert q4.manifest["restated"]["FY2026-Q1"]["reason"].startswith("deal 1001")
    # the verifier re-derives the restated quarters' lines too (from the inputs and re-run
    # state the Q4 record keeps for them), and the restatement lines against them
    report = verify(work)
    assert report["mismatches"] == [] and report["unverifiable"] == []
    assert q4.restated_lines.num_rows == sum(len(r.lines) for r in after.runs[:3])
    assert report["lines"] == 39 + 41 + 57 + q4.lines.num_rows + q4.restated_lines.num_rows


def test_manual_adjustments_are_posted_with_reason_author_and_approval(company, ledger, tmp_path):
    import shutil

    work = tmp_path / "ledger"
    shutil.copytree(ledger, work)
    adjustments = pa.table(
        {
            "adjustment_id": ["ADJ-1", "ADJ-2"],
            "person_id": ["ae_east_1", "sdr_1"],
            "date": ["2026-10-15", "2026-11-02"],
            "amount": ["250.00", "-75.50"],
            "currency": ["USD", "USD"],
            "reason": ["missed SPIF on deal 1190", "duplicate meeting credit"],
            "author": ["j.doe", "j.doe"],
            "approval_ref": ["FIN-2026-118", "FIN-2026-121"],
        }
    )
    q4 = close_period(company, work, 4, adjustments=adjustments)
    manual = [r for r in q4.lines.to_pylist() if r["line_kind"] == "manual"]
    assert [(r["person_id"], r["amount"], r["author"], r["approval_ref"]) for r in manual] == [
        ("ae_east_1", Decimal("250.00"), "j.doe", "FIN-2026-118"),
        ("sdr_1", Decimal("-75.50"), "j.doe", "FIN-2026-121"),
    ]
    assert "missed SPIF on deal 1190" in manual[0]["explanation"]
    st = {r["person_id"]: r for r in q4.statements.to_pylist()}
    assert st["sdr_1"]["manual_total"] == Decimal("-75.50")
    assert st["sdr_1"]["total"] == st["sdr_1"]["engine_total"] - Decimal("75.50")
    export = audit_export(q4)
    assert "ADJ-1" in export.column("adjustment_id").to_pylist()
    assert verify(work)["mismatches"] == []


def test_a_posted_adjustment_cannot_be_edited(company, tmp_path):
    table = {
        "adjustment_id": ["ADJ-9"],
        "person_id": ["ae_east_1"],
        "date": ["2026-02-10"],
        "amount": ["100.00"],
        "currency": ["USD"],
        "reason": ["r"],
        "author": ["a"],
        "approval_ref": ["x"],
    }
    close_period(company, tmp_path / "l", 1, adjustments=pa.table(table))
    # unchanged: skipped in Q2 (already posted), not paid twice
    q2 = close_period(company, tmp_path / "l", 2, adjustments=pa.table(table))
    assert [r for r in q2.lines.to_pylist() if r["line_kind"] == "manual"] == []
    with pytest.raises(ValueError, match=r"ADJ-9 \(posted in FY2026-Q1; changed: amount\)"):
        close_period(
            company, tmp_path / "l", 3, adjustments=pa.table({**table, "amount": ["90.00"]})
        )


@pytest.mark.parametrize(
    "column, value, rule",
    [
        ("amount", "12.345", "at most the currency's decimals"),
        ("amount", "1e3", "exact decimal"),
        ("date", "2026-13-01", "ISO date"),
        ("person_id", "nobody", "not on the roster"),
        ("author", "", "not empty"),
        ("currency", "XYZ", "ISO 4217"),
    ],
)
def test_bad_adjustments_name_row_field_value_and_rule(company, tmp_path, column, value, rule):
    row = {
        "adjustment_id": ["A1", "A2"],
        "person_id": ["ae_east_1", "ae_east_1"],
        "date": ["2026-02-01", "2026-02-01"],
        "amount": ["1.00", "1.00"],
        "currency": ["USD", "USD"],
        "reason": ["r", "r"],
        "author": ["a", "a"],
        "approval_ref": ["x", "x"],
    }
    row[column][1] = value
    with pytest.raises(ValueError) as e:
        close_period(company, tmp_path / "l", 1, adjustments=pa.table(row))
    assert e.value.issues == [
        {"row": 2, "field": column, "value": value, "rule": e.value.issues[0]["rule"]}
    ]
    assert rule in e.value.issues[0]["rule"] and "row 2" in str(e.value)
    assert not (tmp_path / "l").exists() or not any((tmp_path / "l").iterdir())


def test_adjustment_columns_are_declared(company, tmp_path):
    base = {
        "adjustment_id": ["A1"],
        "person_id": ["ae_east_1"],
        "date": ["2026-02-01"],
        "amount": ["1.00"],
        "currency": ["USD"],
        "reason": ["r"],
        "author": ["a"],
        "approval_ref": ["x"],
    }
    with pytest.raises(ValueError, match=r"unknown column\(s\) 'note'"):
        close_period(company, tmp_path / "l", 1, adjustments=pa.table({**base, "note": ["n"]}))
    with pytest.raises(ValueError, match=r"binary float"):
        close_period(company, tmp_path / "l", 1, adjustments=pa.table({**base, "amount": [1.0]}))
    missing = dict(base)
    del missing["approval_ref"]
    with pytest.raises(ValueError, match=r"missing column\(s\) 'approval_ref'"):
        close_period(company, tmp_path / "l", 1, adjustments=pa.table(missing))


def test_every_line_records_the_plan_version_that_paid_it(company, ledger):
    versions = {d["id"]: plan_version(d) for d in company.plan_documents}
    for rec in load_ledger(ledger, 2026):
        docs = {r["plan_id"]: r for r in rec.plans.to_pylist()}
        for line in rec.lines.to_pylist():
            assert line["plan_version"] == versions[line["plan_id"]]
            # the record keeps the very document that version names
            doc = docs[line["plan_id"]]["document"]
            assert hashlib.sha256(doc.encode()).hexdigest() == line["plan_version"]
        assert set(rec.manifest["plans"]) == set(versions)


def test_a_plan_change_from_q4_is_a_new_version_and_old_records_keep_theirs(
    company, ledger, tmp_path
):
    import shutil

    work = tmp_path / "ledger"
    shutil.copytree(ledger, work)
    docs = [json.loads(json.dumps(d)) for d in company.plan_documents]
    new = json.loads(json.dumps(next(d for d in docs if d["id"] == "sdr")))
    new["id"] = "sdr_2026q4"
    new["components"][0]["amount_per_unit"] = "175"  # meetings pay 175.00 from Q4
    a = company.assignments.to_pydict()
    rows = list(
        zip(a["person_id"], a["field"], a["value"], a["from"], a.get("to", [None] * len(a["from"])))
    )
    changed = []
    for p, f, v, frm, to in rows:
        if f == "plan" and v == "sdr":
            changed.append((p, f, v, frm, "2026-09-30"))
            changed.append((p, f, "sdr_2026q4", "2026-10-01", None))
        else:
            changed.append((p, f, v, frm, to))
    cols = list(zip(*changed))
    assignments = pa.table(
        {
            "person_id": list(cols[0]),
            "field": list(cols[1]),
            "value": list(cols[2]),
            "from": pa.array([str(x) for x in cols[3]]).cast(pa.date32()),
            "to": pa.array([None if x is None else str(x) for x in cols[4]], pa.string()).cast(
                pa.date32()
            ),
        }
    )
    later = dataclasses.replace(company, plan_documents=docs + [new], assignments=assignments)
    q4 = close_period(later, work, 4)  # no reason needed: no sealed period's inputs changed
    assert not [r for r in q4.lines.to_pylist() if r["line_kind"] == "restatement"]
    meetings = [r for r in q4.lines.to_pylist() if r["component"] == "meetings"]
    assert meetings and {r["plan_id"] for r in meetings} == {"sdr_2026q4"}
    assert {r["plan_version"] for r in meetings} == {plan_version(new)}
    q3 = load_record(work / "FY2026-Q3")
    assert {r["plan_id"] for r in q3.lines.to_pylist() if r["component"] == "meetings"} == {"sdr"}
    assert "sdr_2026q4" not in q3.plans.column("plan_id").to_pylist()
    assert verify(work)["mismatches"] == []


def test_audit_export_has_one_row_per_line(ledger):
    rec = load_record(ledger / "FY2026-Q2")
    export = audit_export(rec)
    assert export.num_rows == rec.lines.num_rows
    assert export.column_names[:8] == [
        "line_id",
        "period",
        "person_id",
        "plan_id",
        "plan_version",
        "component",
        "deal_id",
        "amount",
    ]
    assert len(set(export.column("line_id").to_pylist())) == export.num_rows
    assert set(export.column("inputs_sha256").to_pylist()) == {rec.manifest["inputs_sha256"]}
    json.loads(export.column("expression")[0].as_py())


def test_close_command_on_an_input_folder(tmp_path, capsys):
    from salescomp.cli import main

    inputs = tmp_path / "inputs"
    assert main(["demo", "--inputs", str(inputs), "--inputs-only", "--quiet"]) == 0
    (inputs / "adjustments.csv").write_text(
        "adjustment_id,person_id,date,amount,currency,reason,author,approval_ref\n"
        "ADJ-1,ae_east_1,2026-03-31,125.00,USD,late split correction,m.lee,FIN-7\n",
        encoding="utf-8",
    )
    ledger = tmp_path / "ledger"
    assert main(["close", str(inputs), "--ledger", str(ledger), "--quarter", "1", "-q"]) == 0
    assert capsys.readouterr().out.startswith(
        f"sealed FY2026-Q1 in {ledger / 'FY2026-Q1'}: 40 lines (39 engine, 1 manual)"
    )
    rec = load_record(ledger / "FY2026-Q1")
    manual = [r for r in rec.lines.to_pylist() if r["line_kind"] == "manual"]
    assert [(r["adjustment_id"], r["amount"], r["reason"]) for r in manual] == [
        ("ADJ-1", Decimal("125.00"), "late split correction")
    ]
    # re-closing: exit 2, the record untouched
    before = _files(ledger / "FY2026-Q1")
    assert main(["close", str(inputs), "--ledger", str(ledger), "--quarter", "1", "-q"]) == 2
    assert "FY2026-Q1 is sealed" in capsys.readouterr().err
    assert _files(ledger / "FY2026-Q1") == before
    # a bad cell: exit 2 naming the row, field, value and rule; nothing written
    (inputs / "adjustments.csv").write_text(
        "adjustment_id,person_id,date,amount,currency,reason,author,approval_ref\n"
        "ADJ-1,ae_east_1,2026-03-31,125.00,USD,late split correction,m.lee,FIN-7\n"
        "ADJ-2,ae_east_1,2026-04-30,1.005,USD,x,m.lee,FIN-8\n",
        encoding="utf-8",
    )
    assert main(["close", str(inputs), "--ledger", str(ledger), "--quarter", "2", "-q"]) == 2
    err = capsys.readouterr().err
    assert "row 2, amount: '1.005'" in err and "at most the currency's decimals" in err
    assert not (ledger / "FY2026-Q2").exists()
    assert main(["verify", str(ledger)]) == 0


def test_same_inputs_same_bytes_whatever_the_deal_order(company, ledger, tmp_path):
    """A second ledger from the same inputs, the deals in reverse row order: the same record
    bytes (manifest, every table) for Q1, and Q2 starts from the sealed state without a
    restatement (the state names deals by id, not by row)."""
    deals = company.deals.take(pa.array(range(company.deals.num_rows - 1, -1, -1)))
    reversed_ = dataclasses.replace(company, deals=deals)
    close_period(reversed_, tmp_path / "l", 1)
    same = _files(tmp_path / "l" / "FY2026-Q1")
    sealed = _files(ledger / "FY2026-Q1")
    differ = sorted(k for k in same if same[k] != sealed[k])
    # only the clawback lines' allocation tie-break keys (the engine's deal rows) may move the
    # lines' bytes, and the manifest hashes them; every input, the state and the amounts agree
    assert differ in ([], ["lines.parquet", "manifest.json"])
    a, b = load_record(tmp_path / "l" / "FY2026-Q1"), load_record(ledger / "FY2026-Q1")
    assert a.manifest["inputs"] == b.manifest["inputs"]
    assert a.lines.drop_columns(["expression"]).equals(b.lines.drop_columns(["expression"]))
    q2 = close_period(reversed_, tmp_path / "l", 2)
    assert q2.manifest["started_from"] == "state of FY2026-Q1"

    def rows(rec):
        return [
            (r["person_id"], r["component"], r["deal_id"], r["amount"])
            for r in rec.lines.to_pylist()
        ]

    assert sorted(rows(q2)) == sorted(rows(load_record(ledger / "FY2026-Q2")))  # deal lines: by row


def test_run_state_rows_round_trip(history):
    """The binding behind state.parquet: rows -> state -> the same rows, for a state with
    year/quarter-to-date payments, paid-on-deal amounts and a draw balance."""
    from salescomp import _core

    state = history.runs[2].next_state
    rows = state._rows()
    fields = {r[1] for r in rows}
    assert {"paid_in_year", "paid_on_deal", "draw_recoverable", "draw_periods_elapsed"} <= fields
    assert _core._RunState._from_rows(rows)._rows() == rows
    with pytest.raises(ValueError, match="unknown state field nonsense"):
        _core._RunState._from_rows([(0, "nonsense", "", 0, 0, "")])


def test_input_hash_is_the_documented_recipe():
    """docs/audit.md: SHA-256 of {"columns": sorted names, "rows": cells as text, rows sorted by
    their JSON}, whatever the row order or the Arrow types."""
    import datetime as dt

    from salescomp.audit.record import table_sha256

    a = pa.table(
        {
            "b": pa.array([Decimal("1.20"), None], pa.decimal128(38, 2)),
            "a": pa.array(["x", "é"]).dictionary_encode(),
            "d": pa.array([dt.date(2026, 1, 2), dt.date(2026, 12, 31)], pa.date32()),
        }
    )
    b = pa.table({"a": ["é", "x"], "b": [None, "1.20"], "d": ["2026-12-31", "2026-01-02"]})
    text = '{"columns":["a","b","d"],"rows":[["x","1.20","2026-01-02"],["é",null,"2026-12-31"]]}'
    assert table_sha256(a) == table_sha256(b) == hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_a_later_cancellation_is_a_clawback_not_a_restatement(company, ledger, tmp_path):
    """Deal 1018 (ae_east_1, closed 2026-09-21, paid in Q3) cancelled on 2026-10-10: Q3's
    inputs as of its end did not change, so no reason is needed and Q4 claws back what the Q3
    record's state says was paid on the deal."""
    import datetime as dt
    import shutil

    work = tmp_path / "ledger"
    shutil.copytree(ledger, work)
    d = company.deals
    cancel = d.column("cancellation_date").to_pylist()
    cancel[d.column("id").to_pylist().index(1018)] = dt.date(2026, 10, 10)
    deals = d.set_column(
        d.schema.get_field_index("cancellation_date"),
        "cancellation_date",
        pa.array(cancel, pa.date32()),
    )
    q4 = close_period(dataclasses.replace(company, deals=deals), work, 4)
    rows = q4.lines.to_pylist()
    assert not [r for r in rows if r["line_kind"] == "restatement"]
    paid = {
        r["key"]: Decimal(r["minor"]).scaleb(-2)
        for r in load_record(work / "FY2026-Q3").state.to_pylist()
        if r["person_id"] == "ae_east_1" and r["field"] == "paid_on_deal"
    }
    claw = [r for r in rows if r["component"] == "clawback" and r["deal_id"] == 1018]
    assert [(r["person_id"], r["amount"]) for r in claw] == [("ae_east_1", -paid["1018"])]
    assert paid["1018"] > 0
    assert verify(work)["mismatches"] == []


def test_a_plan_fixed_in_place_is_a_restatement_with_its_new_version(company, ledger, tmp_path):
    """The SDR plan's meeting rate corrected from 150.00 to 160.00 after Q3 was sealed: every
    sealed quarter's meetings line is restated by count x 10.00, at the new plan version."""
    import shutil

    work = tmp_path / "ledger"
    shutil.copytree(ledger, work)
    docs = json.loads(json.dumps(company.plan_documents))
    sdr = next(d for d in docs if d["id"] == "sdr")
    sdr["components"][0]["amount_per_unit"] = "160"
    fixed = dataclasses.replace(company, plan_documents=docs)
    with pytest.raises(ValueError, match=r"FY2026-Q1: plans; FY2026-Q2: plans; FY2026-Q3: plans"):
        close_period(fixed, work, 4)
    q4 = close_period(fixed, work, 4, reason="meeting rate is 160.00 per the signed plan (HR-12)")
    restated = {
        (r["restates"], r["person_id"]): r
        for r in q4.lines.to_pylist()
        if r["line_kind"] == "restatement"
    }
    expected = {}
    for rec in load_ledger(work, 2026)[:3]:
        for r in rec.lines.to_pylist():
            if r["component"] == "meetings":
                count = r["amount"] / Decimal("150.00")  # e.g. 1200.00 / 150.00 = 8 meetings
                expected[(rec.label, r["person_id"])] = count * Decimal("10.00")
    assert {k: v["amount"] for k, v in restated.items()} == expected
    assert {v["plan_version"] for v in restated.values()} == {plan_version(sdr)}
    assert {v["changed_inputs"] for v in restated.values()} == {"plans"}
    # the sealed records keep the version that paid them
    q1 = load_record(work / "FY2026-Q1")
    old = next(d for d in company.plan_documents if d["id"] == "sdr")
    assert {r["plan_version"] for r in q1.lines.to_pylist() if r["plan_id"] == "sdr"} == {
        plan_version(old)
    }
    report = verify(work)
    assert report["mismatches"] == [] and report["unverifiable"] == []
