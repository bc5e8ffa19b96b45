"""The ``salescomp`` command line.

::

    salescomp demo    [--out DIR] [--quarter N] [--as-of DATE] [--format csv,parquet] [--inputs DIR]
                      [--json] [--quiet]
    salescomp run     INPUT_DIR --out DIR [--quarter N] [--as-of DATE] [--format ...] [--json] [--quiet]
    salescomp explain PERSON [INPUT_DIR] [--quarter N] [--as-of DATE]
    salescomp init    FOLDER
    salescomp bench   [--people N] [--deals-per-person K] [--journeys J] [--threads T] [--seed S]

``demo`` closes a quarter of the embedded demo company (:mod:`salescomp.demo`), prints a
summary and writes statements, tables and one HTML report. ``run`` does the same on your
files (the layout is in docs/analyst.md; ``salescomp demo --inputs DIR`` writes the demo
company in that layout; ``salescomp init FOLDER`` writes a small commented starting folder).
Output folders are written completely or not at all. Errors name every bad row; the exit
status is 2 for bad input (and bad options, refused before any work), 1 for other failures.

stdout carries only the result (the summary, or with ``--json`` one JSON document of schema
:data:`SUMMARY_SCHEMA`); status and progress go to stderr (``--quiet`` silences them).
``--quarter`` defaults to the last complete fiscal quarter as of the data's as-of date
(:func:`default_quarter`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import signal
import sys
import time
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

__all__ = ["main", "load_inputs", "write_inputs", "write_outputs", "summary_text", "summary_json", "default_quarter",
           "INPUT_FILES", "SUMMARY_SCHEMA"]

#: The ``schema`` value of the ``--json`` summary (docs/analyst.md, "Scripting"); the number
#: changes only when a field is removed or changes meaning.
SUMMARY_SCHEMA = "salescomp.summary/1"

#: Input tables of ``salescomp run``: name -> (required, money/decimal columns read as text).
INPUT_FILES: dict[str, tuple[bool, tuple[str, ...]]] = {
    "people": (True, ()),
    "assignments": (True, ()),
    "leaves": (False, ()),
    "deals": (True, ("amount",)),
    "splits": (False, ("share",)),
    "account_managers": (False, ()),
    "quotas": (True, ("amount",)),
    "ramp_assignments": (False, ()),
    "opportunities": (False, ("amount",)),
    "touchpoints": (False, ()),
    "outcomes": (False, ("value",)),
    "fx_rates": (False, ("rate",)),
}
_DATE_COLUMNS = {"start_date", "end_date", "from", "to", "first", "last", "close_date", "created_date",
                 "cancellation_date", "invoice_date", "collection_date", "expected_close", "date"}


class InputError(Exception):
    """A problem with the user's input files (exit status 2)."""


# -- input files --------------------------------------------------------------------------------

def _read_table(folder: Path, name: str, text_columns: tuple[str, ...]) -> Any:
    import pyarrow as pa

    csv_path, pq_path = folder / f"{name}.csv", folder / f"{name}.parquet"
    if pq_path.exists():
        import pyarrow.parquet as pq

        table = pq.read_table(pq_path)
        for col in text_columns:
            if col in table.column_names and pa.types.is_floating(table.schema.field(col).type):
                raise InputError(f"{pq_path.name}: column {col!r} is a binary float ({table.schema.field(col).type}); "
                                 "money must be exact: store it as decimal128 or text")
        return table
    if not csv_path.exists():
        return None
    import pyarrow.csv as pacsv

    with open(csv_path, "rb") as f:
        header = f.readline().decode("utf-8-sig").strip().split(",")
    header = [h.strip().strip('"') for h in header]
    # Money is read as text (never as a float) and parsed exactly by salescomp; every other
    # column stays text too except ids, counts and dates, so nothing is silently coerced.
    types = {c: pa.string() for c in header}
    for c in header:
        if c in _DATE_COLUMNS:
            types[c] = pa.string()
    try:
        table = pacsv.read_csv(csv_path, convert_options=pacsv.ConvertOptions(
            column_types=types, strings_can_be_null=True, null_values=[""]))
    except pa.ArrowInvalid as e:
        raise InputError(f"{csv_path.name}: {e}") from None
    return _typed(table, csv_path.name)


# Deal ids are not here: ids are the user's text (CRM ids, numeric-looking text).
_INT_COLUMNS = {"fiscal_year", "number", "term_months", "product", "journey_id", "quarter"}


def _row(index: int) -> str:
    """A 0-based data row as the user finds it: ``row 3 (line 4)``."""
    return f"row {index + 1} (line {index + 2})"


def _typed(table: Any, what: str) -> Any:
    """Integer columns parsed strictly (every bad row listed); dates become date32. Rows are
    named as a spreadsheet shows them: data row N (from 1) is on line N + 1 of the CSV file."""
    import pyarrow as pa

    cols, bad = {}, []
    for name in table.column_names:
        col = table.column(name)
        values = col.to_pylist()
        if name in _INT_COLUMNS:
            out = []
            for row, v in enumerate(values):
                if v is None:
                    out.append(None)
                    continue
                try:
                    out.append(int(v.strip()))
                except ValueError:
                    bad.append(f"  {_row(row)}, {name}: {v!r} is not an integer")
                    out.append(None)
                if out[-1] is not None and not -(2**63) <= out[-1] < 2**63:  # never narrowed or a traceback
                    bad.append(f"  {_row(row)}, {name}: {v!r} is outside the 64-bit integer range")
                    out[-1] = None
            cols[name] = pa.array(out, pa.int64())
        elif name in _DATE_COLUMNS:
            out = []
            for row, v in enumerate(values):
                if v is None:
                    out.append(None)
                    continue
                try:
                    out.append(dt.date.fromisoformat(v.strip()))
                except ValueError:
                    bad.append(f"  {_row(row)}, {name}: {v!r} is not a date (YYYY-MM-DD)")
                    out.append(None)
            cols[name] = pa.array(out, pa.date32())
        elif name == "timestamp":
            out = []
            for row, v in enumerate(values):
                try:
                    out.append(dt.datetime.fromisoformat(v.strip()))
                except (ValueError, AttributeError):
                    bad.append(f"  {_row(row)}, {name}: {v!r} is not a timestamp (ISO 8601)")
                    out.append(None)
            cols[name] = pa.array(out, pa.timestamp("s"))
        elif name == "converted":
            truth = {"true": True, "1": True, "false": False, "0": False}
            out = []
            for row, v in enumerate(values):
                key = (v or "").strip().lower()
                if key not in truth:
                    bad.append(f"  {_row(row)}, {name}: {v!r} is not true/false")
                out.append(truth.get(key))
            cols[name] = pa.array(out, pa.bool_())
        else:
            cols[name] = col
    if bad:
        raise InputError(f"{what}: {len(bad)} bad value(s):\n" + "\n".join(bad[:200]))
    return pa.table(cols)


def load_inputs(folder: str | os.PathLike[str]) -> Any:
    """The company inputs of a folder (CSV or Parquet tables, plans.json, config.json) as a
    :class:`salescomp.demo.DemoCompany`-shaped object. Without config.json (or its keys) the
    credit rules are the neutral :data:`salescomp._starter.NEUTRAL_CREDIT_RULES` and the as-of
    date is the latest deal close date (never today: the same files give the same close)."""
    from ._starter import NEUTRAL_CREDIT_RULES
    from .demo import STAGE_PROBABILITY, DemoCompany

    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"{folder}: not a directory")
    tables: dict[str, Any] = {}
    missing = []
    for name, (required, text_cols) in INPUT_FILES.items():
        tables[name] = _read_table(folder, name, text_cols)
        if tables[name] is None and required:
            missing.append(f"{name}.csv (or {name}.parquet)")
    plans_path = folder / "plans.json"
    if not plans_path.exists():
        missing.append("plans.json")
    if missing:
        raise InputError(f"{folder}: missing input files: {', '.join(missing)}")
    plans = _plan_documents(*_read_json(plans_path))
    config: dict[str, Any] = {}
    if (folder / "config.json").exists():
        config = _config_document(*_read_json(folder / "config.json"))
    as_of = config.get("as_of")
    fiscal_year = config.get("fiscal_year", 0)
    if not fiscal_year:
        years = tables["quotas"].column("fiscal_year").to_pylist()
        fiscal_year = max(y for y in years if y is not None) if years else dt.date.today().year
    company = DemoCompany(
        people=tables["people"], assignments=tables["assignments"],
        leaves=tables["leaves"] if tables["leaves"] is not None else None,
        deals=tables["deals"], splits=tables["splits"], account_managers=tables["account_managers"],
        quotas=tables["quotas"], ramps=list(config.get("ramps", [])), ramp_assignments=tables["ramp_assignments"],
        opportunities=tables["opportunities"], touchpoints=tables["touchpoints"], outcomes=tables["outcomes"],
        fx_rates=tables["fx_rates"], mbo=list(config.get("mbo", [])), plan_documents=list(plans),
        credit_rules=list(config.get("credit_rules", NEUTRAL_CREDIT_RULES)),
        stage_probability=dict(config.get("stage_probability", STAGE_PROBABILITY)),
        fiscal_year=fiscal_year, fiscal_start_month=config.get("fiscal_start_month", 1),
        as_of=dt.date.fromisoformat(as_of) if as_of else _latest_close(tables["deals"], folder),
        reporting_currency=str(config.get("reporting_currency", "USD")),
    )
    # Where the as-of date came from: the default quarter depends on it (default_quarter).
    company.as_of_from = "config" if as_of else "deals"  # type: ignore[attr-defined]
    return company


def _latest_close(deals: Any, folder: Path) -> dt.date:
    """The latest close_date of the deals: the default as-of date of a folder."""
    if "close_date" not in deals.column_names:
        raise InputError(f"{folder / 'deals'}: missing column 'close_date'")
    import pyarrow.compute as pc  # one vectorised max: no Python object per deal

    latest = pc.max(deals.column("close_date")).as_py()
    if latest is None:
        raise InputError(f"{folder / 'deals'}: no deal has a close_date; set \"as_of\" in config.json "
                         "or pass --as-of")
    return latest


# -- plans.json and config.json: the library's strict JSON reader, then the schemas ------------

def _read_json(path: Path) -> tuple[Any, dict[str, tuple[int, int]], str]:
    """(document, JSON path -> (line, column), file name) read by salescomp's strict reader."""
    from ._core import parse_json
    from ._errors import ParseError

    try:
        doc, where = parse_json(path.read_bytes(), positions=True)
    except ParseError as e:
        issue = e.issues[0] if e.issues else {"field": "$", "value": "", "rule": str(e)}
        raise InputError(f"{path.name}, {issue['value']}, {issue['field']}: {issue['rule']}") from None
    return doc, where, path.name


def _located(name: str, where: dict[str, tuple[int, int]], path: str) -> str:
    """``file, line L column C, path``: the position of ``path`` or of its nearest written parent."""
    probe = path
    while probe not in where and probe != "$":
        cut = max(probe.rfind("."), probe.rfind("["))
        probe = probe[:cut] if cut > 0 else "$"
    line, column = where.get(probe, (1, 1))
    return f"{name}, line {line} column {column}, {path}"


def _plan_documents(doc: Any, where: dict[str, tuple[int, int]], name: str) -> list[dict[str, Any]]:
    """The plans of plans.json (a list of plan objects, an object ``{"plans": [...]}`` or one
    plan object), each validated now so errors name the file and line; plan ids are unique."""
    from ._errors import ValidationError
    from .plan import Plan

    base = "$"
    if isinstance(doc, dict) and "plans" in doc:
        if len(doc) > 1:
            extra = sorted(k for k in doc if k != "plans")
            raise InputError(f"{_located(name, where, '$.' + extra[0])}: unknown key next to \"plans\" "
                             "(the file is a list of plans, or {\"plans\": [...]})")
        doc, base = doc["plans"], "$.plans"
    items = [(base, doc)] if isinstance(doc, dict) else None
    if items is None:
        if not isinstance(doc, list):
            raise InputError(f"{_located(name, where, base)}: expected a list of plan objects, got "
                             f"{type(doc).__name__}")
        items = [(f"{base}[{i}]", item) for i, item in enumerate(doc)]
    problems, first_of = [], {}
    for path, item in items:
        if not isinstance(item, dict):
            problems.append(f"  {_located(name, where, path)}: {item!r}: expected a plan object, got "
                            f"{type(item).__name__}")
            continue
        try:
            Plan.from_dict(item)
        except ValidationError as e:
            for issue in e.issues or [{"field": "$", "value": "", "rule": str(e)}]:
                sub = str(issue.get("field") or "$")
                full = path + sub[1:] if sub.startswith("$") else f"{path}.{sub}"
                problems.append(f"  {_located(name, where, full)}: {issue.get('value')!r}: {issue.get('rule')}")
            continue
        plan_id = item.get("id")
        if plan_id in first_of:
            problems.append(f"  {_located(name, where, path + '.id')}: {plan_id!r}: a plan with this id is "
                            f"already defined at {_located(name, where, first_of[plan_id])}")
        else:
            first_of[plan_id] = path + ".id"
    if problems:
        raise InputError(f"{name}: {len(problems)} problem(s):\n" + "\n".join(problems))
    return [item for _, item in items]


def _config_document(doc: Any, where: dict[str, tuple[int, int]], name: str) -> dict[str, Any]:
    """config.json checked against its schema (salescomp._config), dates made dates."""
    from ._config import validate_config

    issues = validate_config(doc)
    if issues:
        lines = [f"  {_located(name, where, i.path)}: {i.value!r}: {i.rule}" for i in issues]
        raise InputError(f"{name}: {len(issues)} problem(s):\n" + "\n".join(lines))
    return doc


def write_inputs(company: Any, folder: str | os.PathLike[str], *, force: bool = False) -> Path:
    """Write a company's inputs in the ``salescomp run`` layout (CSV), atomically (the rules of
    the output folder apply: docs/analyst.md)."""
    from ._output import atomic_directory, write_table

    with atomic_directory(folder, force=force, command="demo --inputs") as tmp:
        for name, table in company.tables().items():
            if table is not None:
                write_table(table, tmp, name, ("csv",))
        (tmp / "plans.json").write_text(json.dumps(company.plan_documents, indent=2) + "\n", encoding="utf-8")
        config = {
            "fiscal_year": company.fiscal_year, "fiscal_start_month": company.fiscal_start_month,
            "as_of": company.as_of.isoformat(), "credit_rules": company.credit_rules,
            "stage_probability": company.stage_probability, "ramps": company.ramps, "mbo": company.mbo,
            "reporting_currency": company.reporting_currency,
        }
        (tmp / "config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    return Path(folder)


# -- outputs ------------------------------------------------------------------------------------

def write_outputs(close: Any, out: str | os.PathLike[str], *, formats: tuple[str, ...] = ("csv",),
                  html: bool = True, summary: str | None = None, force: bool = False,
                  protect: Sequence[str | os.PathLike[str]] = ()) -> Path:
    """Write a quarter close to ``out`` completely or not at all. ``out`` may not be (or
    contain) a folder of ``protect``, the current or the home directory; a non-empty folder
    salescomp did not write is refused unless ``force`` (docs/analyst.md, "The output folder")."""
    from . import report
    from ._output import atomic_directory, file_name, write_table

    with atomic_directory(out, force=force, protect=protect, command="run") as tmp:
        tables = {"payouts": close.payouts, "statements": close.statements, "credits": close.credits,
                  "quotas": close.quotas, "attainment": close.attainment}
        if close.pacing is not None:
            tables["pacing"] = close.pacing
        for model, t in close.attribution.items():
            tables[f"attribution_{model}"] = t
        if close.accounting is not None:
            tables["accounting_roll_forward"] = close.accounting_roll_forward
            tables["accounting_assets"] = close.accounting.assets(output="arrow")
        for name, table in tables.items():
            write_table(table, tmp, name, formats)
        # One file per person, named by the escaped id (never the raw id: "../x" stays inside);
        # index.csv maps every id to its file.
        st = tmp / "statements"
        st.mkdir()
        index = ["person_id,file"]
        for pid in close.statements.column("person_id").to_pylist():
            name = file_name(pid, ".txt")
            (st / name).write_text(close.explain(pid) + "\n", encoding="utf-8")
            index.append(f"{_csv_field(pid)},{name}")
        (st / "index.csv").write_text("\n".join(index) + "\n", encoding="utf-8")
        if summary is not None:
            (tmp / "summary.txt").write_text(summary, encoding="utf-8")
        if html:
            report.write_report(close, tmp)  # report.html and charts/*.png
    return Path(out)


def _csv_field(text: str) -> str:
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\r\n') else text


def summary_text(close: Any) -> str:
    """The readable summary ``salescomp demo`` prints."""
    cur = close.reporting_currency
    w = []
    w.append(f"Quarter close {close.label} ({close.start} .. {close.end}), data as of {close.as_of}")
    w.append("=" * len(w[0]))
    w.append("")
    w.append("Attainment distribution (people with a quota this quarter)")
    for key, d in close.distribution.items():
        w.append(f"  {key:<28} {d['at_or_above']:>3} of {d['people']:<3} at or above quota "
                 f"({d['share_at_or_above'] * 100:.0f}%)  median {d['percentiles'].get(Decimal('0.5'), 0):.1%}")
        bars = []
        for lo, hi, n in d["histogram"]:
            label = f"<{hi:.0%}" if lo is None else (f">={lo:.0%}" if hi is None else f"{lo:.0%}-{hi:.0%}")
            bars.append(f"{label} {n}")
        w.append("      " + " | ".join(bars))
    w.append("")
    w.append(f"Top earners ({cur})")
    for r in close.top_earners(8):
        extra = "" if r["currency"] == cur else f"  ({r['total']:,} {r['currency']})"
        w.append(f"  {r['person_id']:<12} {r['role']:<18} {r['plan']:<14} {r['total_reporting']:>14,}{extra}")
    w.append("")
    w.append(f"Totals by role ({cur})")
    for k, v in close.totals_by("role"):
        w.append(f"  {k:<24} {v:>14,}")
    w.append(f"Totals by component ({cur})")
    for k, v in close.totals_by("component"):
        w.append(f"  {k:<24} {v:>14,}")
    w.append(f"  {'TOTAL':<24} {close.total_paid():>14,}")
    if close.attribution:
        w.append("")
        models = [m for m in ("first_touch", "linear", "position_based", "markov") if m in close.attribution]
        w.append(f"Attribution of converted revenue by channel ({cur}, year to date)")
        w.append("  " + f"{'channel':<14}" + "".join(f"{m:>16}" for m in models))
        values = {m: dict(zip(close.attribution[m].column("channel").to_pylist(),
                              close.attribution[m].column("value").to_pylist())) for m in models}
        for ch in close.attribution[models[0]].column("channel").to_pylist():
            w.append("  " + f"{ch:<14}" + "".join(f"{values[m].get(ch, Decimal(0)):>16,}" for m in models))
    rf = close.accounting_roll_forward
    if rf is not None and rf.num_rows:
        w.append("")
        w.append(f"Commission expense accounting, ASC 340-40 ({close.label}, by currency)")
        w.append(f"  {'currency':<9}{'capitalised':>14}{'amortised':>14}{'clawed back':>14}{'closing asset':>15}"
                 f"{'current':>14}{'non-current':>14}")
        months = {r["month"] for r in rf.to_pylist() if close.start <= r["month"] <= close.end}
        for ccy in sorted(set(rf.column("currency").to_pylist())):
            rows = [r for r in rf.to_pylist() if r["currency"] == ccy and r["month"] in months]
            if not rows:
                continue
            last = max(rows, key=lambda r: r["month"])
            w.append(f"  {ccy:<9}{sum(r['additions'] for r in rows):>14,}{sum(r['amortisation'] for r in rows):>14,}"
                     f"{sum(r['reductions'] for r in rows):>14,}{last['closing']:>15,}{last['current']:>14,}"
                     f"{last['non_current']:>14,}")
    if close.pacing is not None and close.pacing.num_rows:
        w.append("")
        rows = [r for r in close.pacing.to_pylist() if r["subject_kind"] == "person" and r["quota"] > 0]
        on = sum(1 for r in rows if r["on_pace"])
        nxt = f"Q{close.quarter % 4 + 1}"
        w.append(f"Pacing for {nxt} as of {close.as_of}: {on} of {len(rows)} quota rows on pace "
                 "(per person: pacing.csv)")
        for measure in sorted({str(r["measure"]) for r in rows}):
            of = [r for r in rows if str(r["measure"]) == measure]
            w.append(f"  {measure:<18} {sum(1 for r in of if r['on_pace']):>6} of {len(of):<6} on pace")
    return "\n".join(w) + "\n"


# -- the --json summary -------------------------------------------------------------------------

def _plain(amount: Decimal) -> str:
    """An exact decimal as plain text (never an exponent): "-100.00", "12423.62"."""
    return format(amount, "f")


def _files_written(out: Path) -> tuple[list[str], int]:
    """(every file of the output folder but the per-person statements, number of statements/ files)."""
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    statements = [f for f in files if f.startswith("statements/") and f != "statements/index.csv"]
    return [f for f in files if f not in set(statements)], len(statements)


def summary_json(close: Any, *, command: str, quarter_from: str, out: str | os.PathLike[str] | None) -> dict[str, Any]:
    """The machine-readable summary of a close (``--json``; schema :data:`SUMMARY_SCHEMA`,
    documented in docs/analyst.md). Amounts are exact decimal strings; the totals are the
    sums of the statements (``statements.csv``)."""
    rows = close.statements.to_pylist()
    by_ccy: dict[str, list[Any]] = {}
    for r in rows:
        by_ccy.setdefault(r["currency"], []).append(r)
    doc: dict[str, Any] = {
        "schema": SUMMARY_SCHEMA,
        "command": command,
        "fiscal_year": close.fiscal_year,
        "quarter": close.quarter,
        "quarter_from": quarter_from,
        "label": close.label,
        "start": close.start.isoformat(),
        "end": close.end.isoformat(),
        "as_of": close.as_of.isoformat(),
        "statements": len(rows),
        "people_paid": sum(1 for r in rows if r["total"] != 0),
        "reporting_currency": close.reporting_currency,
        "total_reporting": _plain(close.total_paid()),
        "totals_by_currency": {c: {"total": _plain(sum((r["total"] for r in rs), Decimal(0))),
                                   "statements": len(rs)} for c, rs in sorted(by_ccy.items())},
        "totals_by_role": {k: _plain(v) for k, v in close.totals_by("role")},
        "totals_by_component": {k: _plain(v) for k, v in close.totals_by("component")},
        "output": None, "files": [], "statement_files": 0,
    }
    if out is not None:
        folder = Path(out).resolve()
        doc["output"] = str(folder)
        doc["files"], doc["statement_files"] = _files_written(folder)
    return doc


# -- options: checked by argparse before any work (a bad one exits 2 with the option named) -----

def _formats(text: str) -> tuple[str, ...]:
    out = tuple(x.strip() for x in text.split(",") if x.strip())
    if not out:
        raise argparse.ArgumentTypeError("no format given (csv, parquet)")
    for f in out:
        if f not in ("csv", "parquet"):
            raise argparse.ArgumentTypeError(f"unknown format {f!r} (csv, parquet)")
    return out


def _quarter(text: str) -> int:
    if text.strip() not in ("1", "2", "3", "4"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a fiscal quarter (1, 2, 3 or 4)")
    return int(text)


def _threads(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = -1
    if n < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a thread count (0 = all cores, or a positive number)")
    return n


def _month(text: str) -> int:
    if text.strip() not in {str(m) for m in range(1, 13)}:
        raise argparse.ArgumentTypeError(f"{text!r} is not a month (1..12)")
    return int(text)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _default_formats() -> str:
    try:
        import pyarrow.parquet  # noqa: F401

        return "csv,parquet"
    except ImportError:  # pragma: no cover
        return "csv"


# -- the quarter to close ------------------------------------------------------------------------

def default_quarter(calendar: Any, fiscal_year: int, as_of: dt.date, *, as_of_is_snapshot: bool = True) -> int:
    """The quarter ``salescomp run`` closes without ``--quarter``.

    With a snapshot date (config.json ``as_of`` or ``--as-of``): the last fiscal quarter
    complete on it (its last day is on or before ``as_of``). Without one, ``as_of`` is the
    latest deal close date and the data is taken to run to the end of that deal's quarter (an
    export has no later deals): that quarter. Quarters of a later fiscal year than
    ``fiscal_year`` give 4; an earlier one raises :class:`InputError` (nothing of the year to
    close yet)."""
    p = calendar.period_of(as_of, "quarter")
    fy, q = p.fiscal_year, p.number
    if as_of_is_snapshot and as_of != p.last:  # the quarter of as_of is still running: the one before
        fy, q = (fy - 1, 4) if q == 1 else (fy, q - 1)
    if fy > fiscal_year:
        return 4
    if fy < fiscal_year:
        raise InputError(f"no quarter of FY{fiscal_year} is complete as of {as_of}; pass --quarter N "
                         "(or --as-of DATE)")
    return q


def _choose_quarter(company: Any, args: argparse.Namespace) -> str:
    """Apply --as-of and settle args.quarter; returns where the quarter came from: "option",
    "as_of" (the last quarter complete on the snapshot date) or "latest_deal"."""
    snapshot = args.as_of is not None or getattr(company, "as_of_from", "config") != "deals"
    if args.as_of is not None:
        company.as_of = args.as_of
    if getattr(args, "fiscal_start_month", None) is not None:
        company.fiscal_start_month = args.fiscal_start_month
    if args.quarter is not None:
        return "option"
    args.quarter = default_quarter(company.calendar(), company.fiscal_year, company.as_of,
                                   as_of_is_snapshot=snapshot)
    why = (f"the last complete quarter as of {company.as_of}" if snapshot
           else f"the quarter of the latest deal, closed {company.as_of}")
    _status(args, f"closing FY{company.fiscal_year}-Q{args.quarter}: {why} (--quarter N to choose)")
    return "as_of" if snapshot else "latest_deal"


# -- commands -----------------------------------------------------------------------------------

def _status(args: argparse.Namespace, text: str) -> None:
    """A status line on stderr (stdout carries only the result); silent with --quiet."""
    if not getattr(args, "quiet", False):
        print(text, file=sys.stderr)


def _close(company: Any, args: argparse.Namespace) -> Any:
    from .report import close_quarter

    progress = False if getattr(args, "quiet", False) and args.progress is None else args.progress
    return close_quarter(company, args.quarter, threads=args.threads, progress=progress)


def _cmd_demo(args: argparse.Namespace) -> int:
    from . import demo
    from ._output import check_target

    if args.inputs:
        check_target(args.inputs, force=args.force)
    if args.out:
        check_target(args.out, force=args.force)
    company = demo.load(args.seed)
    if args.inputs:
        write_inputs(company, args.inputs, force=args.force)
        _status(args, f"wrote the demo company's inputs to {args.inputs}")
        if args.inputs_only:
            return 0
    return _close_and_write(company, args)


def _cmd_run(args: argparse.Namespace) -> int:
    from ._output import check_target
    from .dask import command as on_dask

    if on_dask.wanted(args):  # --scheduler/--partitions: Parquet datasets (docs/dask.md)
        return on_dask.run(args)
    check_target(args.out, force=args.force, protect=[args.input])  # refused before the long part
    _status(args, f"reading {args.input}")
    company = load_inputs(args.input)
    return _close_and_write(company, args, protect=[args.input])


def _close_and_write(company: Any, args: argparse.Namespace, protect: Sequence[str] = ()) -> int:
    t0 = time.perf_counter()
    quarter_from = _choose_quarter(company, args)
    close = _close(company, args)
    if args.command == "demo" and args.out and not args.no_html:
        _attach_next_quarter(company, close)  # the report's "Next quarter" section
    text = summary_text(close)
    if args.out:
        _status(args, f"writing {args.out}/" + ("" if args.no_html else " (with the HTML report)"))
        write_outputs(close, args.out, formats=args.format, html=not args.no_html, summary=text,
                      force=args.force, protect=protect)
    if args.json:
        print(json.dumps(summary_json(close, command=args.command, quarter_from=quarter_from, out=args.out),
                         indent=2))
    else:
        print(text, end="")
    if args.out:
        _status(args, f"wrote {args.out}/ ({'' if args.no_html else 'report.html, '}statements/, "
                      f"{', '.join(args.format)} tables) in {time.perf_counter() - t0:.1f}s")
    return 0


def _cmd_explain(args: argparse.Namespace) -> int:
    from . import demo

    company = load_inputs(args.input) if args.input else demo.load(args.seed)
    _choose_quarter(company, args)
    close = _close(company, args)
    print(close.explain(args.person))
    return 0


def _cmd_init(args: argparse.Namespace) -> int:
    from ._starter import write_template

    write_template(args.folder)
    _status(args, f"wrote a starting folder to {args.folder}; edit its files (README.md says how), then:\n"
                  f"  salescomp run {args.folder} --out OUT_FOLDER")
    return 0


def _cmd_bench(args: argparse.Namespace) -> int:
    _status(args, f"building a synthetic company of {args.people:,} people and timing a Q1 close "
                  "(the figures follow when it is done)")
    for line in run_benchmark(args.people, args.deals_per_person, threads=args.threads, seed=args.seed,
                              journeys=args.journeys):
        print(line)
    return 0


def synthetic_company(people: int, deals_per_person: int, seed: int = 1, journeys: int = 0) -> Any:
    """A seeded synthetic company of any size from the library's C++ generator
    (:func:`salescomp.synthetic.generate`): a fan-out 8 tree of ``people`` (CRO, VPs,
    directors, managers, AEs and SDRs), ``people * deals_per_person`` deals with splits,
    overlays, SDR sources and EUR deals, quarterly quotas, a tiered AE plan, an SDR plan and a
    manager override. Deterministic per seed."""
    from . import synthetic

    if people < 2:
        raise InputError("--people must be at least 2")
    if deals_per_person < 0 or journeys < 0 or seed < 0:
        raise InputError("--deals-per-person, --journeys and --seed must not be negative")
    return synthetic.generate(people, deals_per_person, journeys, seed=seed).company()


def run_benchmark(people: int, deals_per_person: int, *, threads: int = 0, seed: int = 1,
                  journeys: int = 0) -> list[str]:
    """Time one Q1 close of a synthetic company, stage by stage (the close's own stages,
    timed as they run: nothing is computed twice); returns printable lines."""
    from .report import _require_engine_run, close_quarter

    _require_engine_run()
    t = time.perf_counter()
    company = synthetic_company(people, deals_per_person, seed, journeys)
    journey_text = f", {journeys:,} journeys" if journeys else ""
    out = [f"synthetic roster: {people:,} people, {company.deals.num_rows:,} deals{journey_text} "
           f"(built in {time.perf_counter() - t:.2f}s), threads={threads}"]
    starts: list[tuple[str, float]] = []
    t0 = time.perf_counter()
    close = close_quarter(company, 1, threads=threads, progress=lambda name: starts.append((name, time.perf_counter())))
    t1 = time.perf_counter()
    credits = len(close.credit_source)  # not close.credits: its Arrow table is built on first use
    items = {"organisation": (people, "people"), "deals": (company.deals.num_rows, "deals"),
             "crediting": (company.deals.num_rows, "deals"), "quotas": (company.quotas.num_rows, "rows"),
             "attainment": (credits, "credits"), "commission run Q1": (credits, "credits")}
    for (name, begin), (_next, end) in zip(starts, [*starts[1:], ("", t1)]):
        n, unit = items.get(name, (0, ""))
        rate = f"{n / (end - begin):>14,.0f} {unit}/s" if n and end > begin else ""
        out.append(f"  {name:<40} {end - begin:8.3f}s  {rate}")
    out.append(f"  {'full Q1 close':<40} {t1 - t0:8.3f}s  {credits / (t1 - t0):>14,.0f} credits/s")
    out.append(f"  payout lines {close.payouts.num_rows:,}, statements {close.statements.num_rows:,}, "
               f"total {close.total_paid():,} USD")
    out.append(f"  peak memory (RSS) {_peak_rss_text()}")
    return out


def _peak_rss_text() -> str:
    """The process's peak resident set size so far (what /usr/bin/time -v reports)."""
    import resource

    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return f"{kib / 1024**2:.2f} GiB"


def _parser() -> argparse.ArgumentParser:
    from . import __version__

    p = argparse.ArgumentParser(prog="salescomp", description="Exact, explainable sales compensation.")
    p.add_argument("--version", action="version", version=f"salescomp {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    def close_options(q: argparse.ArgumentParser, out_required: bool | None) -> None:
        q.add_argument("--quarter", type=_quarter, default=None,
                       help="the fiscal quarter to close, 1..4 (default: the last complete quarter as of the "
                            "as-of date)")
        q.add_argument("--as-of", type=_date, default=None, metavar="YYYY-MM-DD",
                       help="the data snapshot date (default: config.json \"as_of\", else the latest deal "
                            "close date)")
        q.add_argument("--threads", type=_threads, default=1,
                       help="worker threads (0 = all cores); same results")
        q.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                       help="progress bar on stderr (default: on when stderr is a terminal, off with --quiet)")
        q.add_argument("--quiet", "-q", action="store_true", help="no status messages or progress on stderr")
        if out_required is not None:
            q.add_argument("--out", required=out_required, help="output folder (replaced atomically; see "
                           "docs/analyst.md for when it is refused)")
            q.add_argument("--force", action="store_true", help="replace a non-empty --out (or --inputs) folder "
                           "that salescomp did not write (never the input folder or the current directory)")
            q.add_argument("--format", type=_formats, default=_default_formats(),
                           help="csv, parquet or both (default: both when pyarrow.parquet is available)")
            q.add_argument("--no-html", action="store_true", help="skip the HTML report and charts")
            q.add_argument("--json", action="store_true",
                           help=f"print a JSON summary ({SUMMARY_SCHEMA}) on stdout instead of the text one")

    d = sub.add_parser("demo", help="close a quarter of the embedded demo company and print a summary")
    close_options(d, False)
    d.add_argument("--seed", type=int, default=2026, help="demo company seed (default: the shipped one)")
    d.add_argument("--inputs", help="also write the demo company's inputs (the `run` layout) to this folder")
    d.add_argument("--inputs-only", action="store_true", help="with --inputs: write the inputs and stop")
    d.set_defaults(func=_cmd_demo)

    r = sub.add_parser("run", help="close a quarter on your files (see docs/analyst.md for the layout)")
    r.add_argument("input", help="folder with people, assignments, deals, quotas (CSV/Parquet), plans.json, ...")
    close_options(r, True)
    r.add_argument("--fiscal-start-month", type=_month, default=None, metavar="M",
                   help="first month of the fiscal year, 1..12 (default: config.json, else 1)")
    r.set_defaults(func=_cmd_run)
    from .dask.command import add_run_options  # --scheduler, --partitions (docs/dask.md)

    add_run_options(r)

    e = sub.add_parser("explain", help="why a person was paid what they were, line by line")
    e.add_argument("person", help="person id")
    e.add_argument("input", nargs="?", help="input folder (default: the demo company)")
    e.add_argument("--seed", type=int, default=2026)
    close_options(e, None)
    e.add_argument("--fiscal-start-month", type=_month, default=None, metavar="M",
                   help="first month of the fiscal year, 1..12 (default: config.json, else 1)")
    e.set_defaults(func=_cmd_explain)

    i = sub.add_parser("init", help="write a small commented input folder to start your own data from")
    i.add_argument("folder", help="a new (or empty) folder")
    i.add_argument("--quiet", "-q", action="store_true", help="no status message on stderr")
    i.set_defaults(func=_cmd_init)

    b = sub.add_parser("bench", help="a commission run on a synthetic company; prints throughput")
    b.add_argument("--people", type=int, default=1000, help="people on the roster (default 1000)")
    b.add_argument("--deals-per-person", type=int, default=50,
                   help="deals per person of the roster (default 50)")
    b.add_argument("--journeys", type=int, default=0,
                   help="touchpoint journeys (attribution in the close; default 0)")
    b.add_argument("--threads", type=_threads, default=0)
    b.add_argument("--seed", type=int, default=1)
    b.add_argument("--quiet", "-q", action="store_true", help="no status message on stderr")
    b.set_defaults(func=_cmd_bench)
    from .planning.command import add_plan_command  # salescomp plan (docs/planning.md)

    add_plan_command(sub)

    from .audit.cli import add_commands  # close, verify, audit-export (docs/audit.md)

    add_commands(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``salescomp`` command; returns the exit status."""
    from ._errors import Error, ValidationError
    from ._output import Interrupted, RefusedOutputFolder

    args = _parser().parse_args(argv)
    try:
        return args.func(args)
    except Interrupted as e:
        # The temporary folder is gone; exit as the signal asks (the parent sees the signal).
        print(f"salescomp: {e}; no partial output was left", file=sys.stderr)
        sys.stderr.flush()
        signal.signal(e.signum, signal.SIG_DFL)
        os.kill(os.getpid(), e.signum)
        return 128 + e.signum  # pragma: no cover - not reached where the signal kills
    except KeyboardInterrupt:
        print("salescomp: interrupted; no partial output was left", file=sys.stderr)
        return 130
    except RefusedOutputFolder as e:
        print(f"salescomp: error: {e}\nnothing was written.", file=sys.stderr)
        return 2
    except InputError as e:  # rows named from 1 with their line (_row)
        print(f"salescomp: error: {e}\nnothing was written.", file=sys.stderr)
        return 2
    except ValidationError as e:
        text = _describe(e)
        note = f"\n{_ROWS_NOTE}" if _engine_rows(e) else ""
        print(f"salescomp: invalid input: {text}{note}\nnothing was written.", file=sys.stderr)
        return 2
    except ImportError as e:
        print(f"salescomp: {e}\nthe command line needs the analyst extras: from the salescomp checkout, "
              "pip install '.[analyst]'",
              file=sys.stderr)
        return 1
    except (Error, TypeError) as e:
        print(f"salescomp: error: {e}\nnothing was written.", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"salescomp: error: {e}\nnothing was written.", file=sys.stderr)
        return 1


# The engine's errors count the rows of the table it was given from 0; the Arrow readers'
# issues carry their table's name ("source") and count from 1, so they need no note.
_ROWS_NOTE = "(rows count the data rows of a table from 0: in a CSV file, row N is on line N + 2)"


def _engine_rows(e: Exception) -> bool:
    issues = getattr(e, "issues", None) or []
    return any(isinstance(i, dict) and i.get("row") is not None and not i.get("source") for i in issues)


def _describe(e: Exception) -> str:
    issues = getattr(e, "issues", None) or []
    text = str(e)
    if issues and all(str(i.get("value", "")) not in text for i in issues[:3] if isinstance(i, dict)):
        lines = [f"  row {i.get('row')}, {i.get('field')}: {i.get('value')!r}: {i.get('rule')}"
                 for i in issues[:200] if isinstance(i, dict)]
        text += "\n" + "\n".join(lines)
    return text


def _attach_next_quarter(company: Any, close: Any) -> None:
    """The demo's report shows the next quarter (docs/planning.md): forecast with its interval,
    funnel by source, capacity plan and the cost of plan variants over the closed quarter."""
    from .planning import next_quarter

    close.next_quarter = next_quarter(company, close=close, simulations=NEXT_QUARTER_SIMULATIONS)


#: Monte Carlo simulations of the demo report's next-quarter section (``salescomp plan`` has
#: ``--simulations`` for more).
NEXT_QUARTER_SIMULATIONS = 2_000


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
