"""The scriptable command line (issue 15): --json, stdout/stderr, --quiet, options checked
before any work, the --quarter default, salescomp init, and a new user's own company (a fiscal
year starting in February, EUR and USD, e-mail ids) run without config.json."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from salescomp import cli


def write(folder: Path, name: str, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text.lstrip(), encoding="utf-8")


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


ANA, BEN, CARLA = "ana.lopez@acme.example", "ben.okafor@acme.example", "carla.m@acme.example"


@pytest.fixture(scope="module")
def acme(tmp_path_factory) -> Path:
    """Acme's own folder, no config.json: a fiscal year from February (FY2027 = 2026-02-01 ..
    2027-01-31); Ana and her manager Carla (team emea) paid in EUR, Ben (team amer) in USD;
    one EUR->USD rate, 1.10."""
    folder = tmp_path_factory.mktemp("acme") / "in"
    write(
        folder,
        "people.csv",
        f"""
person_id,role,start_date,pay_currency
{CARLA},sales_manager,2024-01-01,EUR
{ANA},account_executive,2025-01-01,EUR
{BEN},account_executive,2025-01-01,USD
""",
    )
    write(
        folder,
        "assignments.csv",
        f"""
person_id,field,value,from
{CARLA},team,emea,2024-01-01
{CARLA},plan,mgr_eur,2024-01-01
{ANA},manager,{CARLA},2025-01-01
{ANA},team,emea,2025-01-01
{ANA},plan,ae_eur,2025-01-01
{BEN},team,amer,2025-01-01
{BEN},plan,ae_usd,2025-01-01
""",
    )
    # Every deal is in FY2027-Q1 (February .. April 2026); the latest closes 2026-04-20.
    write(
        folder,
        "deals.csv",
        f"""
id,owner,close_date,amount,currency,type
1001,{ANA},2026-02-10,20000.00,EUR,new_business
1002,{ANA},2026-04-15,30000.00,EUR,new_business
1003,{BEN},2026-03-05,50000.00,USD,new_business
1004,{BEN},2026-04-20,10000.00,USD,new_business
""",
    )
    quotas = [(ANA, "50000.00", "EUR"), (BEN, "50000.00", "USD"), (CARLA, "60000.00", "EUR")]
    write(
        folder,
        "quotas.csv",
        "subject,measure,period_kind,fiscal_year,number,amount,currency\n"
        + "".join(
            f"{who},bookings,quarter,2027,{q},{amount},{ccy}\n"
            for q in (1, 2, 3, 4)
            for who, amount, ccy in quotas
        ),
    )
    write(
        folder,
        "fx_rates.csv",
        """
from_currency,to_currency,date,rate
EUR,USD,2025-01-01,1.10
""",
    )

    def ae(plan_id: str, ccy: str) -> dict:
        return {
            "id": plan_id,
            "currency": ccy,
            "period": "quarter",
            "measures": [{"id": "bookings", "credit_kinds": ["direct", "revenue_split"]}],
            "components": [
                {
                    "id": "commission",
                    "type": "tiered",
                    "measure": "bookings",
                    "basis": "attainment",
                    "mode": "marginal",
                    "tiers": [
                        {"from": "0", "to": "1", "rate": "0.10"},
                        {"from": "1", "rate": "0.15"},
                    ],
                }
            ],
        }

    mgr = {
        "id": "mgr_eur",
        "currency": "EUR",
        "period": "quarter",
        "measures": [{"id": "bookings", "credit_kinds": ["roll_up"]}],
        "components": [
            {
                "id": "override",
                "type": "tiered",
                "measure": "bookings",
                "basis": "attainment",
                "mode": "marginal",
                "tiers": [{"from": "0", "rate": "0.02"}],
            }
        ],
    }
    write(
        folder, "plans.json", json.dumps([ae("ae_eur", "EUR"), ae("ae_usd", "USD"), mgr], indent=2)
    )
    return folder


@pytest.fixture(scope="module")
def acme_run(acme, tmp_path_factory) -> tuple[dict, str, Path]:
    """(the --json summary, stderr, the output folder) of Acme's first run."""
    out = tmp_path_factory.mktemp("acme_out") / "out"
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "salescomp.cli",
            "run",
            str(acme),
            "--out",
            str(out),
            "--json",
            "--no-html",
            "--format",
            "csv",
            "--fiscal-start-month",
            "2",
        ],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout), r.stderr, out


# Hand computation (FY2027-Q1, marginal tiers 10% to quota, 15% above):
#   Ana  50,000.00 EUR of 50,000.00 EUR quota: 50,000 x 10%                 = 5,000.00 EUR
#   Ben  60,000.00 USD of 50,000.00 USD quota: 50,000 x 10% + 10,000 x 15% = 6,500.00 USD
#   Carla rolls up Ana's 50,000.00 EUR: x 2%                                = 1,000.00 EUR
#   reporting (USD): (5,000.00 + 1,000.00) x 1.10 + 6,500.00                = 13,100.00 USD
EXPECTED_TOTALS = {ANA: ("5000.00", "EUR"), BEN: ("6500.00", "USD"), CARLA: ("1000.00", "EUR")}


def test_own_company_without_config_closes_its_february_quarter(acme, acme_run):
    assert not (acme / "config.json").exists()
    doc, err, out = acme_run
    assert (doc["label"], doc["start"], doc["end"]) == ("FY2027-Q1", "2026-02-01", "2026-04-30")
    assert (doc["quarter_from"], doc["as_of"]) == ("latest_deal", "2026-04-20")
    assert "FY2027-Q1" in err and "2026-04-20" in err  # the chosen quarter is said on stderr
    statements = {
        r["person_id"]: (r["total"], r["currency"]) for r in read_csv(out / "statements.csv")
    }
    assert statements == EXPECTED_TOTALS  # the user's ids, exact amounts
    assert doc["total_reporting"] == "13100.00"
    assert doc["totals_by_currency"] == {
        "EUR": {"total": "6000.00", "statements": 2},
        "USD": {"total": "6500.00", "statements": 1},
    }
    assert (doc["statements"], doc["people_paid"]) == (3, 3)


def test_json_totals_are_the_statements_sums(acme_run):
    doc, _, out = acme_run
    rows = read_csv(out / "statements.csv")
    assert doc["schema"] == cli.SUMMARY_SCHEMA == "salescomp.summary/1"
    assert Decimal(doc["total_reporting"]) == sum(Decimal(r["total_reporting"]) for r in rows)
    for ccy, t in doc["totals_by_currency"].items():
        assert Decimal(t["total"]) == sum(Decimal(r["total"]) for r in rows if r["currency"] == ccy)
    assert sum(Decimal(v) for v in doc["totals_by_component"].values()) == Decimal(
        doc["total_reporting"]
    )
    assert doc["output"] == str(out.resolve())
    assert "statements.csv" in doc["files"] and "summary.txt" in doc["files"]
    assert all((out / f).is_file() for f in doc["files"])
    assert doc["statement_files"] == 3


def test_explain_shows_the_users_ids(acme, capsys):
    assert cli.main(["explain", ANA, str(acme), "--fiscal-start-month", "2", "--quiet"]) == 0
    text = capsys.readouterr().out
    assert text.startswith(f"{ANA} (account_executive), plan ae_eur, FY2027-Q1")
    assert "TOTAL 5000.00 EUR" in text


def test_stdout_is_only_the_result_and_quiet_silences_stderr(tmp_path, capsys):
    assert (
        cli.main(["demo", "--out", str(tmp_path / "a"), "--no-html", "--format", "csv", "--json"])
        == 0
    )
    cap = capsys.readouterr()
    doc = json.loads(cap.out)  # nothing but the document on stdout
    assert (doc["command"], doc["label"], doc["quarter_from"]) == ("demo", "FY2026-Q3", "as_of")
    assert "closing FY2026-Q3" in cap.err and "wrote " in cap.err
    assert (
        cli.main(
            ["demo", "--out", str(tmp_path / "b"), "--no-html", "--format", "csv", "--json", "-q"]
        )
        == 0
    )
    cap = capsys.readouterr()
    assert cap.err == "" and json.loads(cap.out) == {
        **doc,
        "output": str((tmp_path / "b").resolve()),
    }
    assert cli.main(["demo", "--quiet"]) == 0
    cap = capsys.readouterr()
    assert cap.err == "" and cap.out.startswith("Quarter close FY2026-Q3")


def test_text_summary_prints_aggregates(capsys):
    assert cli.main(["demo", "--quiet"]) == 0
    text = capsys.readouterr().out
    pacing = text[text.index("Pacing for Q4") :].splitlines()
    # one line per measure, never one per quota row (per-person rows are in pacing.csv)
    assert pacing[0].endswith("quota rows on pace (per person: pacing.csv)")
    assert all(" on pace" in line and " of " in line for line in pacing[1:])
    assert len(pacing) <= 1 + 6


@pytest.mark.parametrize(
    "option, message",
    [
        (["--format", "xlsx"], "unknown format 'xlsx'"),
        (["--quarter", "5"], "'5' is not a fiscal quarter"),
        (["--threads", "-1"], "'-1' is not a thread count"),
        (["--as-of", "2026-13-01"], "'2026-13-01' is not a date"),
    ],
)
def test_bad_options_exit_2_before_any_work(option, message, tmp_path, monkeypatch, capsys):
    def no_work(*args, **kwargs):
        raise AssertionError("the inputs were read before the options were checked")

    monkeypatch.setattr(cli, "load_inputs", no_work)
    with pytest.raises(SystemExit) as e:
        cli.main(["run", str(tmp_path), "--out", str(tmp_path / "out"), *option])
    assert e.value.code == 2
    cap = capsys.readouterr()
    assert message in cap.err and cap.out == ""
    assert not (tmp_path / "out").exists()


def test_quarter_default_follows_the_latest_deal_or_the_as_of_date(acme, tmp_path, capsys):
    def quarter_of(folder: Path, *options: str) -> tuple[int, str, str]:
        out = tmp_path / f"out{len(list(tmp_path.iterdir()))}"
        assert (
            cli.main(
                [
                    "run",
                    str(folder),
                    "--out",
                    str(out),
                    "--json",
                    "--no-html",
                    "--format",
                    "csv",
                    "--fiscal-start-month",
                    "2",
                    "-q",
                    *options,
                ]
            )
            == 0
        )
        doc = json.loads(capsys.readouterr().out)
        return doc["quarter"], doc["quarter_from"], doc["as_of"]

    # No as-of date: the quarter of the latest deal (2026-04-20, FY2027-Q1 from February).
    assert quarter_of(acme) == (1, "latest_deal", "2026-04-20")
    # One more deal on 2026-05-02 moves the data into FY2027-Q2.
    later = tmp_path / "later"
    later.mkdir()
    for f in acme.iterdir():
        (later / f.name).write_bytes(f.read_bytes())
    with open(later / "deals.csv", "a", encoding="utf-8") as f:
        f.write(f"1005,{BEN},2026-05-02,1000.00,USD,new_business\n")
    assert quarter_of(later) == (2, "latest_deal", "2026-05-02")
    # A snapshot date: the last quarter complete on it (2026-04-30 ends FY2027-Q1; 2026-04-29 does not).
    for as_of, quarter in [
        ("2026-04-30", 1),
        ("2026-07-31", 2),
        ("2026-08-01", 2),
        ("2027-01-31", 4),
        ("2027-06-01", 4),
    ]:
        assert quarter_of(acme, "--as-of", as_of) == (quarter, "as_of", as_of)
    # config.json "as_of" is a snapshot date too; --as-of wins over it.
    (later / "config.json").write_text('{"as_of": "2026-05-02"}', encoding="utf-8")
    assert quarter_of(later) == (1, "as_of", "2026-05-02")
    assert quarter_of(later, "--as-of", "2026-07-31") == (2, "as_of", "2026-07-31")
    # No complete quarter of the fiscal year (FY2027 per quotas.csv): refused, not guessed.
    assert (
        cli.main(
            [
                "run",
                str(acme),
                "--out",
                str(tmp_path / "none"),
                "--as-of",
                "2026-04-29",
                "--fiscal-start-month",
                "2",
                "-q",
            ]
        )
        == 2
    )
    assert (
        "no quarter of FY2027 is complete as of 2026-04-29; pass --quarter"
        in capsys.readouterr().err
    )
    assert not (tmp_path / "none").exists()


def test_default_quarter_unit():
    import datetime as dt

    from salescomp.org import FiscalCalendar

    jan, feb = FiscalCalendar(1), FiscalCalendar(2)
    assert cli.default_quarter(jan, 2026, dt.date(2026, 11, 13)) == 3
    assert cli.default_quarter(jan, 2026, dt.date(2026, 9, 30)) == 3
    assert cli.default_quarter(jan, 2026, dt.date(2026, 9, 29)) == 2
    assert cli.default_quarter(jan, 2026, dt.date(2026, 9, 29), as_of_is_snapshot=False) == 3
    assert cli.default_quarter(feb, 2027, dt.date(2026, 2, 1), as_of_is_snapshot=False) == 1
    assert cli.default_quarter(feb, 2026, dt.date(2026, 2, 1)) == 4  # FY2026 ended 2026-01-31


def test_explain_takes_quarter(capsys):
    assert cli.main(["explain", "ae_east_1", "--quarter", "2", "--quiet"]) == 0
    assert "FY2026-Q2 (2026-04-01 .. 2026-06-30)" in capsys.readouterr().out
    with pytest.raises(SystemExit) as e:
        cli.main(["explain", "ae_east_1", "--quarter", "0"])
    assert e.value.code == 2


def test_init_then_run_round_trip(tmp_path, capsys):
    start = tmp_path / "start"
    assert cli.main(["init", str(start)]) == 0
    assert "salescomp run" in capsys.readouterr().err
    names = {p.name for p in start.iterdir()}
    assert {
        "people.csv",
        "assignments.csv",
        "deals.csv",
        "quotas.csv",
        "plans.json",
        "README.md",
    } <= names
    assert "config.json" not in names
    assert (
        cli.main(
            [
                "run",
                str(start),
                "--out",
                str(tmp_path / "out"),
                "--json",
                "--format",
                "csv",
                "--no-html",
                "-q",
            ]
        )
        == 0
    )
    doc = json.loads(capsys.readouterr().out)
    # rep: 100,000.00 of 100,000.00 quota x 8% = 8,000.00; manager: 100,000.00 rolled up x 2% = 2,000.00
    totals = {r["person_id"]: r["total"] for r in read_csv(tmp_path / "out" / "statements.csv")}
    assert totals == {"rep.one@example.com": "8000.00", "lead.one@example.com": "2000.00"}
    assert (doc["label"], doc["total_reporting"]) == ("FY2026-Q1", "10000.00")


def test_init_refuses_a_non_empty_folder(tmp_path, capsys):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "deals.csv").write_text("mine\n")
    assert cli.main(["init", str(folder)]) == 2
    assert "not a new or empty folder" in capsys.readouterr().err
    assert [p.name for p in folder.iterdir()] == ["deals.csv"] and (
        folder / "deals.csv"
    ).read_text() == "mine\n"
    empty = tmp_path / "empty"
    empty.mkdir()
    assert cli.main(["init", str(empty), "-q"]) == 0 and (empty / "plans.json").is_file()


def test_bench_says_what_it_does_on_stderr(capsys):
    assert cli.main(["bench", "--people", "50", "--deals-per-person", "2", "--threads", "1"]) == 0
    cap = capsys.readouterr()
    assert cap.err.startswith("building a synthetic company of 50 people")
    assert cap.out.startswith("synthetic roster: 50 people, 100 deals")
    assert cli.main(["bench", "--people", "50", "--deals-per-person", "2", "-q"]) == 0
    assert capsys.readouterr().err == ""


def _started_folder(tmp_path: Path) -> Path:
    start = tmp_path / "start"
    assert cli.main(["init", str(start)]) == 0
    return start


def _replace_line(path: Path, line_number: int, old: str, new: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert old in lines[line_number - 1]
    lines[line_number - 1] = lines[line_number - 1].replace(old, new)
    path.write_text("".join(lines), encoding="utf-8")


def test_a_run_error_names_the_people_not_run_positions(tmp_path, capsys):
    # A deal in February 2027 makes the as-of date 2027-02-14, so the year-to-date close runs
    # April 2026 (FY2026-Q2), where neither person has a quota for the attainment-based plans.
    start = _started_folder(tmp_path)
    _replace_line(start / "deals.csv", 3, "2026-02-14", "2027-02-14")
    capsys.readouterr()
    assert cli.main(["run", str(start), "--out", str(tmp_path / "out"), "-q", "--no-html"]) == 2
    err = capsys.readouterr().err
    assert "[SC-RUN-INVALID] the run of 2026-04: 2 problem(s)" in err
    assert "person 'rep.one@example.com', component 'commission': no positive quota" in err
    assert "person 'lead.one@example.com', component 'override': no positive quota" in err
    assert "row 0" not in err and "row 1" not in err and "from 0" not in err
    assert not (tmp_path / "out").exists()


def test_the_from_zero_note_only_follows_engine_rows(tmp_path, capsys):
    start = _started_folder(tmp_path)
    quotas = start / "quotas.csv"
    original = quotas.read_text(encoding="utf-8")
    # line 3 = the 2nd data row: the Arrow reader counts it from 1 and names its table
    _replace_line(quotas, 3, "100000.00", "abc")
    capsys.readouterr()
    assert cli.main(["run", str(start), "--out", str(tmp_path / "out"), "-q", "--no-html"]) == 2
    err = capsys.readouterr().err
    assert "quotas row 2: amount 'abc'" in err and "from 0" not in err
    # the engine's own check (a negative quota) counts from 0: the same line is its row 1
    quotas.write_text(original, encoding="utf-8")
    _replace_line(quotas, 3, "100000.00", "-5.00")
    assert cli.main(["run", str(start), "--out", str(tmp_path / "out"), "-q", "--no-html"]) == 2
    err = capsys.readouterr().err
    assert "row 1: amount" in err and "rows count the data rows of a table from 0" in err
