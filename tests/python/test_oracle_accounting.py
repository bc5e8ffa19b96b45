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

import datetime as dt
import os
import pprint
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
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


def _tuples(b, span) -> dict:
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
    out = {
        "assets": assets,
        "schedule": _rows(
            b.schedule(output="arrow"), ("line_id", "currency", "month"), schedule_money
        ),
        "roll_forward": _rows(b.roll_forward(output="arrow"), ("currency", "month"), roll_keys),
        "journal": _rows(b.journal(output="arrow"), journal_plain, ("debit", "credit")),
    }
    if span is not None:
        rf = b.roll_forward(*span, output="arrow")
        out["roll_forward_range"] = _rows(rf, ("currency", "month"), roll_keys)
        journal = b.journal(*span, output="arrow")
        out["journal_range"] = _rows(journal, journal_plain, ("debit", "credit"))
    return out


def salescomp_outputs(book: dict) -> dict:
    costs = _columns(book["costs"], COST_KEYS, {"amount": "amount_minor"})
    events = revenue = None
    if book["events"]:
        keys = ("line_id", "kind", "date", "amount", "months")
        events = _columns(book["events"], keys, {"amount": "amount_minor"})
    if book["revenue"]:
        revenue = _columns(book["revenue"], ("line_id", "month", "weight"))
    try:
        book_ = acct.amortise(costs, events, revenue, policy=_policy(book["policy"]))
        return _tuples(book_, book.get("range"))
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


# ----------------------------------------------------------------------------- the oracle's power


def _mutant_same_day_kinds_reversed(monkeypatch):
    """Wrong: events on the same day in reverse kind order (termination first)."""
    monkeypatch.setattr(oracle, "KINDS_ORDER", oracle.KINDS_ORDER[::-1])


def _mutant_clawback_after_termination_reduces(monkeypatch):
    """Wrong (the issue's bug): a clawback later in the termination's month reduces the asset."""
    right = oracle.Asset._event

    def event(self, ev, row):
        if ev["kind"] == "clawback" and row.get("terminated"):
            self.terminated = False
            right(self, ev, row)
            self.terminated = True
        else:
            right(self, ev, row)

    monkeypatch.setattr(oracle.Asset, "_event", event)


def _mutant_ties_to_later_month(monkeypatch):
    """Wrong: equal remainders take their unit in the later month."""
    right = oracle.largest_remainder
    monkeypatch.setattr(oracle, "largest_remainder", lambda t, w: right(t, w[::-1])[::-1])


def _mutant_plug_ignores_its_mode(monkeypatch):
    """Wrong: the plug's regular months always truncated (plug_rounding ignored)."""
    right = oracle.final_period_plug
    monkeypatch.setattr(oracle, "final_period_plug", lambda t, w, mode: right(t, w, "Down"))


def _mutant_no_straight_line_fallback(monkeypatch):
    """Wrong: a balance re-spread over months of weight 0 is all taken in the first of them."""
    right = oracle.spread

    def spread(total, weights, policy):
        if weights and not any(weights):
            return [total] + [0] * (len(weights) - 1)
        return right(total, weights, policy)

    monkeypatch.setattr(oracle, "spread", spread)


def _mutant_current_is_eleven_months(monkeypatch):
    """Wrong: `current` counts the next 11 months."""
    monkeypatch.setattr(oracle, "CURRENT_MONTHS", 11)


def _mutant_equal_term_is_contract_basis(monkeypatch):
    """Wrong: a term equal to the customer life reports the contract_term basis."""
    right = oracle.decide

    def decide(line, policy):
        treatment, basis, period = right(line, policy)
        if basis.startswith("customer_life") and line["term_months"] == period:
            basis = "contract_term"
        return treatment, basis, period

    monkeypatch.setattr(oracle, "decide", decide)


def _mutant_no_catch_up(monkeypatch):
    """Wrong: a cost incurred after the start is spread over the window from its own month."""
    right = oracle.Asset.__init__

    def init(self, line, policy, period, revenue, events):
        right(self, line, policy, period, revenue, events)
        incurred = oracle.month_of(line["incurred"])
        months = [m for m, _ in self.win if m >= incurred]
        if incurred > self.unbooked and months:
            self.unbooked = incurred
            self.plan = dict(zip(months, oracle.spread(line["amount"], self._weights(), policy)))

    monkeypatch.setattr(oracle.Asset, "__init__", init)


def _mutant_write_off_all_amortises_first(monkeypatch):
    """Wrong: write_off_all treated as amortise_then_write_off."""
    right = oracle.run

    def run(book):
        return right(
            {**book, "policy": {**book["policy"], "termination": "amortise_then_write_off"}}
        )

    return run


MUTANTS = [
    _mutant_same_day_kinds_reversed,
    _mutant_clawback_after_termination_reduces,
    _mutant_ties_to_later_month,
    _mutant_plug_ignores_its_mode,
    _mutant_no_straight_line_fallback,
    _mutant_current_is_eleven_months,
    _mutant_equal_term_is_contract_basis,
    _mutant_no_catch_up,
    _mutant_write_off_all_amortises_first,
]


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda m: m.__name__.removeprefix("_mutant_"))
def test_every_wrong_oracle_variant_is_caught(monkeypatch, mutant):
    run = mutant(monkeypatch)
    found = first_mismatch(run)
    assert found is not None, f"{mutant.__doc__}: not caught in {COUNT} books"


def test_a_caught_mutant_is_minimised_to_a_small_reproducer(monkeypatch):
    run = _mutant_ties_to_later_month(monkeypatch)
    i, book = first_mismatch(run)
    small = minimise(book, run)
    # still failing, and no single line or event can be removed
    assert _fails(small, run) and not any(_fails(s, run) for s in _smaller(small))
    assert len(small["costs"]) == 1 and len(small["costs"]) <= len(book["costs"])
    assert "minimised reproducer" in report(i, book, run)


# ----------------------------------------------------------------------------- the docs' examples


JANUARY = dt.date(2026, 1, 1)


def _line(line_id=1, amount=120000, start=JANUARY, term=12, **more) -> dict:
    line = {
        "line_id": line_id,
        "amount": amount,
        "currency": "USD",
        "incurred": more.pop("incurred", start),
        "contract_start": start,
        "term_months": term,
        "kind": "initial",
        "incremental": True,
        "renewal_commensurate": True,
        "customer_life_months": 0,
        "pattern": "straight_line",
    }
    return {**line, **more}


def _event(kind, date, amount=None, months=None, line_id=1) -> dict:
    return {"line_id": line_id, "kind": kind, "date": date, "amount": amount, "months": months}


def _both(costs, events=(), revenue=(), **policy) -> dict:
    """The oracle's outputs, checked equal to salescomp's."""
    book = {"policy": policy, "costs": costs, "events": list(events), "revenue": list(revenue)}
    want = oracle_outputs(book)
    assert salescomp_outputs(book) == want
    return want


def _amortisation(out: dict) -> list[int]:
    return [row[6] for row in out["schedule"]]


def _row(out: dict, month: dt.date) -> dict:
    row = next(r for r in out["schedule"] if r[2] == month)
    return dict(zip(oracle.SCHEDULE_KEYS + ("non_current",), row[3:]))


def test_the_documented_spreads():
    # 1000.00 / 3: floors 333.33, the cent to the earliest month (largest remainder)
    assert _amortisation(_both([_line(amount=100000, term=3)])) == [33334, 33333, 33333]
    plug = {"remainder": "final_period_plug"}
    assert _amortisation(_both([_line(amount=100000, term=3)], **plug)) == [33333, 33333, 33334]
    # 200.00 / 3 = 66.666..: Down 66.66, 66.66, plug 66.68; HalfEven 66.67, 66.67, plug 66.66
    assert _amortisation(_both([_line(amount=20000, term=3)], **plug)) == [6666, 6666, 6668]
    half_even = {**plug, "plug_rounding": "HalfEven"}
    assert _amortisation(_both([_line(amount=20000, term=3)], **half_even)) == [6667, 6667, 6666]
    # 0.03 over 5 months, nearest: four regular months of 0.01 exceed the total
    assert _both([_line(amount=3, term=5)], **half_even) == {"refused": "plug"}
    # start 15 January, daily_prorated: weights 17, 31, 31, 14 of 93 on 1000.00
    prorated = _both(
        [_line(amount=100000, start=dt.date(2026, 1, 15), term=3)],
        month_convention="daily_prorated",
    )
    assert _amortisation(prorated) == [18280, 33333, 33333, 15054]


def test_the_documented_events():
    # 1200.00 over 2026; 300.00 clawed back 20 April: 600.00 over April..December
    out = _both([_line()], [_event("clawback", dt.date(2026, 4, 20), 30000)])
    assert _amortisation(out) == [10000] * 3 + [6667] * 6 + [6666] * 3
    # extended by 6 months on 1 July: 600.00 over July 2026..June 2027
    out = _both([_line()], [_event("extension", dt.date(2026, 7, 1), months=6)])
    assert _amortisation(out) == [10000] * 6 + [5000] * 12
    # the issue's bug: terminated 10 March, 300.00 clawed back 20 March (after the termination)
    after = [
        _event("termination", dt.date(2026, 3, 10)),
        _event("clawback", dt.date(2026, 3, 20), 30000),
    ]
    march = _row(out := _both([_line()], after), dt.date(2026, 3, 1))
    assert (march["reduction"], march["amortisation"], march["write_off"]) == (0, 10000, 90000)
    assert out["assets"][0][-1] == 30000  # the expense credit
    # ... and 300.00 clawed back 5 March (before it): 700.00 / 10 = 70.00, 630.00 written off
    before = [after[0], _event("clawback", dt.date(2026, 3, 5), 30000)]
    march = _row(_both([_line()], before), dt.date(2026, 3, 1))
    assert (march["reduction"], march["amortisation"], march["write_off"]) == (30000, 7000, 63000)


def test_the_documented_open_readings():
    # an expense credit alone makes no schedule row: 50.00 clawed back in March 2027 -> 12 rows
    out = _both([_line()], [_event("clawback", dt.date(2027, 3, 10), 5000)])
    assert len(out["schedule"]) == 12
    march_2027 = next(r for r in out["roll_forward"] if r[1] == dt.date(2027, 3, 1))
    assert march_2027[-1] == 5000
    # term 24 and a given life of 24: the life's basis
    life = _line(term=24, renewal_commensurate=False, customer_life_months=24)
    assert _both([life])["assets"][0][3:6] == ("capitalised", "customer_life_given", 24)
    # 1000.00 over 3 months, revenue only in March, shortened to 2 months in February:
    # January and February weigh 0, so February takes the balance straight-line (all of it)
    rev = _line(amount=100000, term=3, pattern="revenue_proportional")
    weights = [{"line_id": 1, "month": dt.date(2026, 3, 1), "weight": "5"}]
    shorten = [_event("change_in_estimate", dt.date(2026, 2, 1), months=2)]
    assert _amortisation(_both([rev], shorten, weights)) == [0, 100000]
    # 12 / 7% = 171.43 months: 171 HalfEven, 172 Ceiling
    assert oracle.life_from_churn("0.07", "HalfEven") == 171
    assert oracle.life_from_churn("0.07", "Ceiling") == 172
