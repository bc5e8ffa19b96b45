"""Issue 12: config.json has one schema (salescomp._config.CONFIG_FIELDS), and every bad
plans.json / config.json is a clean CLI error: exit 2, file, 1-based line, JSON path, value
and rule, never a traceback."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from salescomp import _config

ROOT = Path(__file__).resolve().parents[2]
jsonschema = pytest.importorskip("jsonschema")


# -- the schema ---------------------------------------------------------------------------------

def test_the_schema_in_docs_is_generated_from_the_field_table():
    sys.path.insert(0, str(ROOT / "scripts"))
    import gen_config_schema

    assert gen_config_schema.main(["--check"]) == 0
    jsonschema.Draft202012Validator.check_schema(_config.json_schema())


GOOD = {"fiscal_year": 2026, "fiscal_start_month": 2, "as_of": "2026-11-13", "reporting_currency": "EUR",
        "credit_rules": [{"kind": "direct", "name": "owner"}], "stage_probability": {"commit": "0.8", "x": 1},
        "ramps": [], "mbo": [{"person": "p", "component": "m", "objective": "o", "quarter": 2,
                              "achievement": Decimal("0.9")}]}
BAD = [
    {"fiscal_yaer": 2026},
    {"fiscal_year": True},
    {"fiscal_year": Decimal("2026.9")},
    {"fiscal_year": "2026"},
    {"fiscal_start_month": 13},
    {"as_of": "20260111"},
    {"as_of": 20260111},
    {"reporting_currency": "usd"},
    {"credit_rules": {"kind": "direct"}},
    {"credit_rules": ["direct"]},
    {"stage_probability": {"commit": "80%"}},
    {"stage_probability": {"commit": True}},
    {"mbo": [{"person": "p", "component": "m", "objective": "o"}]},
    {"mbo": [{"person": "p", "component": "m", "objective": "o", "achievement": "1", "quater": 1}]},
    {"mbo": [{"person": "", "component": "m", "objective": "o", "achievement": "1"}]},
    {"mbo": "none"},
    [],
    "config",
]


def test_validator_and_json_schema_agree():
    schema = _config.json_schema()
    assert _config.validate_config(GOOD) == []
    jsonschema.validate(GOOD, schema)
    for doc in BAD:
        assert _config.validate_config(doc), doc
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(doc, schema)


def test_unknown_keys_name_the_nearest_known_one():
    [issue] = _config.validate_config({"fiscal_yaer": 2026})
    assert issue.path == "$.fiscal_yaer" and "did you mean 'fiscal_year'?" in issue.rule
    [issue] = _config.validate_config({"mbo": [{"person": "p", "component": "m", "objective": "o",
                                                "achievement": "1", "quater": 1}]})
    assert issue.path == "$.mbo[0].quater" and "did you mean 'quarter'?" in issue.rule


# -- the CLI: every bad plans.json / config.json is a clean error --------------------------------

@pytest.fixture(scope="module")
def demo_inputs(tmp_path_factory):
    pytest.importorskip("pyarrow")
    from salescomp import cli

    folder = tmp_path_factory.mktemp("inputs") / "northwind"
    assert cli.main(["demo", "--inputs", str(folder), "--inputs-only"]) == 0
    return folder


def run_cli(folder: Path, out: Path) -> subprocess.CompletedProcess:
    """`salescomp run` as a user runs it (a real process: a traceback would show)."""
    return subprocess.run([sys.executable, "-m", "salescomp.cli", "run", str(folder), "--out", str(out),
                           "--no-progress", "--no-html", "--format", "csv"],
                          capture_output=True, text=True, env={"PYTHONPATH": ":".join(p for p in sys.path if p)})


def with_file(demo_inputs: Path, tmp_path: Path, name: str, content: bytes) -> Path:
    folder = tmp_path / "in"
    shutil.copytree(demo_inputs, folder)
    (folder / name).write_bytes(content)
    return folder


def assert_clean_error(r: subprocess.CompletedProcess, *expected: str) -> None:
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr and "nothing was written" in r.stderr
    for text in expected:
        assert text in r.stderr, r.stderr


def demo_plans(demo_inputs: Path) -> list:
    return json.loads((demo_inputs / "plans.json").read_text(encoding="utf-8"))


CASES = {
    # plans.json
    "plans nested 100k deep": ("plans.json", b"[" * 100_000 + b"]" * 100_000,
                               ["plans.json, line 1 column 65", "nesting deeper than 64"]),
    "plans in Latin-1": ("plans.json", '[{"id": "plan_é"}]'.encode("latin-1"),
                         ["plans.json, line 1 column 15", "invalid UTF-8 byte \\xe9"]),
    "plans as a list of strings": ("plans.json", b'[\n "ae_usd",\n "sdr"\n]',
                                   ["plans.json, line 2 column 2, $[0]: 'ae_usd': expected a plan object, got str",
                                    "plans.json, line 3 column 2, $[1]"]),
    "plans as a string": ("plans.json", b'"ae_usd"', ["plans.json, line 1 column 1, $: expected a list of plan"]),
    "plans with a BOM": ("plans.json", b"\xef\xbb\xbf[]", ["plans.json, line 1 column 1", "byte-order mark"]),
    "plans with an exponent": ("plans.json", b'[{"id": "x", "rate": 1e-1}]', ["plans.json", "exponent"]),
    # config.json
    "config as a list": ("config.json", b"[]", ["config.json, line 1 column 1, $: 'a list': expected an object"]),
    "config fiscal_year true": ("config.json", b'{\n  "fiscal_year": true\n}',
                                ["config.json, line 2 column 18, $.fiscal_year: 'true': expected an integer, "
                                 "got a boolean"]),
    "config fiscal_year 2026.9": ("config.json", b'{"fiscal_year": 2026.9}',
                                  ["$.fiscal_year: '2026.9': expected an integer, got a decimal number"]),
    "config unknown key": ("config.json", b'{"fiscal_yaer": 2026}', ["$.fiscal_yaer", "did you mean 'fiscal_year'?"]),
    "config bad types": ("config.json", b'{"as_of": 20261113, "mbo": {"person": "x"}, "ramps": "none"}',
                         ["3 problem(s)", "$.as_of: '20261113'", "$.mbo: 'an object'", "$.ramps: 'none'"]),
    "config in UTF-16": ("config.json", '{"fiscal_year": 2026}'.encode("utf-16"), ["config.json, line 1 column 1"]),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_json_inputs_are_clean_errors(demo_inputs, tmp_path, case):
    name, content, expected = CASES[case]
    r = run_cli(with_file(demo_inputs, tmp_path, name, content), tmp_path / "out")
    assert_clean_error(r, *expected)
    assert not (tmp_path / "out").exists()


def test_a_duplicated_key_in_a_plan_is_refused_not_the_last_one_taken(demo_inputs, tmp_path):
    import re

    text = (demo_inputs / "plans.json").read_text(encoding="utf-8")
    first = re.search(r'"rate": "([^"]*)"', text)  # the first rate, written twice: was +33% on the total
    doubled = text[:first.end()] + ', "rate": "0.99"' + text[first.end():]
    r = run_cli(with_file(demo_inputs, tmp_path, "plans.json", doubled.encode()), tmp_path / "out")
    line = doubled[:first.start()].count("\n") + 1
    assert_clean_error(r, f"plans.json, line {line} column", 'duplicate key "rate"')


def test_two_plans_with_the_same_id_are_refused(demo_inputs, tmp_path):
    plans = demo_plans(demo_inputs)
    plans.append(dict(plans[0]))
    text = json.dumps(plans, indent=1)
    r = run_cli(with_file(demo_inputs, tmp_path, "plans.json", text.encode()), tmp_path / "out")
    assert_clean_error(r, f"$[{len(plans) - 1}].id: '{plans[0]['id']}': a plan with this id is already defined at "
                          "plans.json, line 3 column")


def test_a_bad_plan_names_the_file_line_and_path(demo_inputs, tmp_path):
    plans = demo_plans(demo_inputs)
    plans[1]["components"][0]["measure"] = 7
    text = json.dumps(plans, indent=1)
    r = run_cli(with_file(demo_inputs, tmp_path, "plans.json", text.encode()), tmp_path / "out")
    assert_clean_error(r, "plans.json, line", "$[1].components[0].measure: '7'")


def test_mbo_rows_of_people_not_on_the_roster_are_refused(demo_inputs, tmp_path):
    config = json.loads((demo_inputs / "config.json").read_text(encoding="utf-8"))
    config["mbo"].append({"person": "nobody", "component": "mbo", "objective": "close_on_time", "quarter": 3,
                          "achievement": "1"})
    r = run_cli(with_file(demo_inputs, tmp_path, "config.json", json.dumps(config).encode()), tmp_path / "out")
    assert_clean_error(r, "SC-RUN-MBO-PERSON", "nobody")  # were dropped without a word


def test_a_deal_closed_before_its_owners_start_keeps_its_roll_ups(demo_inputs, tmp_path):
    import csv
    import datetime as dt

    folder = with_file(demo_inputs, tmp_path, "plans.json", (demo_inputs / "plans.json").read_bytes())
    with open(folder / "people.csv", newline="", encoding="utf-8") as f:
        start = {r["person_id"]: r["start_date"] for r in csv.DictReader(f)}
    with open(folder / "deals.csv", newline="", encoding="utf-8") as f:
        deals = list(csv.DictReader(f))
    # the owner who started last, and one of their deals moved to the day before their start
    owner = max((d["owner"] for d in deals if d["type"] == "new_business"), key=lambda o: start[o])
    deal = next(d for d in deals if d["owner"] == owner and d["type"] == "new_business")
    deal["close_date"] = (dt.date.fromisoformat(start[owner]) - dt.timedelta(days=1)).isoformat()
    with open(folder / "deals.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(deals[0]))
        w.writeheader()
        w.writerows(deals)
    assert cli_run_ok(folder, tmp_path / "out")
    with open(tmp_path / "out" / "credits.csv", newline="", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["deal_id"] == deal["id"]]
    direct = [r for r in rows if r["kind"] == "direct"]
    rolled = [r for r in rows if r["kind"] == "roll_up"]
    # the owner keeps the credit and every manager up the line gets the roll-up (was: none)
    assert [r["person_id"] for r in direct] == [owner] and direct[0]["date"] == deal["close_date"]
    assert len(rolled) >= 2 and all(r["via"] == owner and r["date"] == deal["close_date"] for r in rolled)


def cli_run_ok(folder: Path, out: Path) -> bool:
    r = run_cli(folder, out)
    assert r.returncode == 0, r.stderr
    return True
