"""Differential test: salescomp.accounting against an independent oracle written
from docs/accounting.md (tests/python/oracles/accounting_oracle.py).

A fixed seed of random books (``SALESCOMP_ORACLE_CASES``, default 2000) must agree
exactly, to the minor unit, on every output: assets, schedule, roll-forward and
journal. Long run (10x):

    SALESCOMP_ORACLE_CASES=20000 PYTHONPATH=$PWD/build/dev/python \
        .venv/bin/python -m pytest -q -p no:cacheprovider tests/python/test_oracle_accounting.py

A mismatch prints the smallest failing book found (cost lines with their
events and revenue, then single events, removed one at a time while it still
fails).
"""

from __future__ import annotations

import os
import pprint
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import salescomp as sc
import salescomp.accounting as acct
from oracles import accounting_cases as gen
from oracles import accounting_oracle as oracle

SEED = 20261205
COUNT = int(os.environ.get("SALESCOMP_ORACLE_CASES", "2000"))


# ----------------------------------------------------------------------------- salescomp side


def _policy(p: dict):
    kwargs = dict(p)
    for key in ("life_rounding", "plug_rounding"):
        if key in kwargs:
            kwargs[key] = getattr(sc.RoundingMode, kwargs[key])
    return acct.AmortisationPolicy(**kwargs)


def _columns(rows: list[dict], keys: tuple[str, ...], rename: dict | None = None) -> dict:
    rename = rename or {}
    return {rename.get(k, k): [r[k] for r in rows] for k in keys}


COST_KEYS = (
    "line_id",
    "amount",
    "currency",
    "incurred",
    "contract_start",
    "term_months",
    "kind",
    "incremental",
    "renewal_commensurate",
    "customer_life_months",
    "pattern",
)


def _minor_units(table, names: tuple[str, ...]) -> list[list[int]]:
    """Decimal columns as int minor units of each row's currency (vectorised: the
    library's decimal128 columns share one scale for every currency)."""
    exps = np.array([gen.CURRENCIES[c] for c in table.column("currency").to_pylist()], np.int64)
    out = []
    for name in names:
        col = table.column(name)
        scale = col.type.scale
        narrow = col.cast(pa.decimal128(25, scale))
        raw = pc.multiply(narrow, pa.scalar(Decimal(10**scale), pa.decimal128(scale + 1, 0)))
        units = pc.cast(raw, pa.int64()).to_numpy()
        div = 10 ** (scale - exps)
        assert not (units % div).any(), f"{name}: a value finer than its currency's minor unit"
        out.append((units // div).tolist())
    return out


def _rows(table, plain: tuple[str, ...], money: tuple[str, ...]) -> list[tuple]:
    columns = [table.column(n).to_pylist() for n in plain] + _minor_units(table, money)
    return list(zip(*columns))


def _tuples(b) -> dict:
    roll_keys = tuple("expensed_as_incurred" if k == "expensed" else k for k in oracle.ROLL_KEYS)
    asset_plain = ("line_id", "currency", "treatment", "period_basis", "period_months")
    asset_plain += ("first_month", "last_month")
    asset_money = ("amount", "amortised", "reduced", "written_off", "expense_credit")
    assets = [
        r[:2] + r[7:8] + r[2:7] + r[8:]
        for r in _rows(b.assets(output="arrow"), asset_plain, asset_money)
    ]
    schedule_money = oracle.SCHEDULE_KEYS + ("non_current",)
    journal_plain = ("entry", "currency", "month", "kind", "account")
    return {
        "assets": assets,
        "schedule": _rows(
            b.schedule(output="arrow"), ("line_id", "currency", "month"), schedule_money
        ),
        "roll_forward": _rows(b.roll_forward(output="arrow"), ("currency", "month"), roll_keys),
        "journal": _rows(b.journal(output="arrow"), journal_plain, ("debit", "credit")),
    }


def salescomp_outputs(book: dict) -> dict:
    costs = _columns(book["costs"], COST_KEYS, {"amount": "amount_minor"})
    events = revenue = None
    if book["events"]:
        keys = ("line_id", "kind", "date", "amount", "months")
        events = _columns(book["events"], keys, {"amount": "amount_minor"})
    if book["revenue"]:
        revenue = _columns(book["revenue"], ("line_id", "month", "weight"))
    try:
        return _tuples(acct.amortise(costs, events, revenue, policy=_policy(book["policy"])))
    except sc.InexactError:
        return {"refused": "inexact"}
    except sc.ValidationError as e:  # a plug found while validating is one issue of SC-ACCT-INPUT
        plug = "[SC-ACCT-PLUG]" in str(e) or any(i["field"] == "plug_rounding" for i in e.issues)
        return {"refused": "plug" if plug else str(e)}


def oracle_outputs(book: dict, run=None) -> dict:
    try:
        return (run or oracle.run)(book)
    except oracle.Refused as e:
        return {"refused": e.code}


# ----------------------------------------------------------------------------- shrinking


def _without_line(book: dict, line_id) -> dict:
    return {
        **book,
        "costs": [c for c in book["costs"] if c["line_id"] != line_id],
        "events": [e for e in book["events"] if e["line_id"] != line_id],
        "revenue": [r for r in book["revenue"] if r["line_id"] != line_id],
    }


def _smaller(book: dict):
    if len(book["costs"]) > 1:
        for c in book["costs"]:
            yield _without_line(book, c["line_id"])
    for i in range(len(book["events"])):
        yield {**book, "events": book["events"][:i] + book["events"][i + 1 :]}


def _fails(book: dict, run=None) -> bool:
    try:
        return oracle_outputs(book, run) != salescomp_outputs(book)
    except Exception:  # a shrunk book salescomp or the oracle cannot take is no reproducer
        return False


def minimise(book: dict, run=None) -> dict:
    progress = True
    while progress:
        progress = False
        for smaller in _smaller(book):
            if _fails(smaller, run):
                book, progress = smaller, True
                break
    return book


def _first_difference(want: dict, got: dict) -> str:
    for key in sorted(set(want) | set(got)):
        a, b = want.get(key), got.get(key)
        if a != b:
            if isinstance(a, list) and isinstance(b, list):
                for x, y in zip(a, b):
                    if x != y:
                        return f"{key}: oracle {x}\n{' ' * len(key)}  salescomp {y}"
                return f"{key}: {len(a)} oracle rows, {len(b)} salescomp rows"
            return f"{key}: oracle {a!r}, salescomp {b!r}"
    return "no difference"


def first_mismatch(run=None, count: int = COUNT):
    for i, book in enumerate(gen.books(SEED, count)):
        if oracle_outputs(book, run) != salescomp_outputs(book):
            return i, book
    return None


def report(i: int, book: dict, run=None) -> str:
    small = minimise(book, run)
    diff = _first_difference(oracle_outputs(small, run), salescomp_outputs(small))
    return (
        f"book {i} of seed {SEED} disagrees; minimised reproducer:\n{pprint.pformat(small)}\n{diff}"
    )


# ----------------------------------------------------------------------------- the differential run


def test_oracle_agrees_with_salescomp_on_random_books():
    found = first_mismatch()
    assert found is None, report(*found)
