"""Differential test: salescomp's crediting, effective quotas and attainment against an
independent oracle written from docs/crediting-and-quota.md
(tests/python/oracles/crediting_oracle.py).

A fixed seed of random companies (``SALESCOMP_ORACLE_CASES``, default 200) must agree
exactly, to the minor unit, on every credit row (in the documented order), every
effective quota and every attainment row. Long run (10x):

    SALESCOMP_ORACLE_CASES=2000 PYTHONPATH=$PWD/build/dev/python \\
        .venv/bin/python -m pytest -q -p no:cacheprovider tests/python/test_oracle_company.py

A mismatch prints the smallest failing company found (deals, then people's
quotas, removed one at a time while it still fails).
"""

from __future__ import annotations

import os
import pprint
from decimal import Decimal

import salescomp as sc
from oracles import company_cases as gen
from oracles import crediting_oracle as oracle

SEED = 20261205
COUNT = int(os.environ.get("SALESCOMP_ORACLE_CASES", "200"))


# ----------------------------------------------------------------------------- salescomp side


def _org(company: dict) -> sc.Organisation:
    people = company["people"]
    roster = {
        "person_id": [p["id"] for p in people],
        "role": [p["role"] for p in people],
        "start_date": [p["start"] for p in people],
        "end_date": [p["end"] for p in people],
        "pay_currency": [p["currency"] for p in people],
    }
    rows = company["assignments"]
    assignments = {
        "person_id": [a["person"] for a in rows],
        "field": [a["field"] for a in rows],
        "value": [a["value"] for a in rows],
        "from": [a["from"] for a in rows],
        "to": [a["to"] for a in rows],
    }
    leaves = None
    if company["leaves"]:
        leaves = {
            k: [lv[src] for lv in company["leaves"]]
            for k, src in (("person_id", "person"), ("first", "first"), ("last", "last"))
        }
    return sc.Organisation(roster, assignments, leaves)


def _deals(org, company: dict) -> sc.Deals:
    rows = company["deals"]
    names = {
        "id": "id",
        "owner": "owner",
        "close_date": "close",
        "amount_minor": "amount",
        "currency": "currency",
        "type": "type",
        "source": "source",
        "source_person": "source_person",
        "created_date": "created",
    }
    return sc.Deals(org, {k: [d[src] for d in rows] for k, src in names.items()})


def _fx(company: dict) -> sc.FxTable:
    fx = sc.FxTable()
    for src, dst, d, rate in company["fx"]:
        fx.add(src, dst, d, rate)
    return fx


def _calendar(company: dict) -> sc.FiscalCalendar:
    return sc.FiscalCalendar(company["start_month"])


def salescomp_credits(company: dict):
    org = _org(company)
    splits = None
    if company["splits"]:
        splits = {
            k: [s[src] for s in company["splits"]]
            for k, src in (
                ("deal_id", "deal"),
                ("person", "person"),
                ("share", "share"),
                ("kind", "kind"),
            )
        }
    st = company["settings"]
    credits = sc.credit(
        _deals(org, company),
        company["rules"],
        splits=splits,
        fx=_fx(company),
        calendar=_calendar(company),
        currency=st["currency"],
        reporting_currency=st["reporting_currency"],
        fx_date=st["fx_date"],
        rounding=getattr(sc.RoundingMode, st["rounding"]),
    )
    return org, credits


def _minor(value: Decimal, currency: str) -> int:
    scaled = value.scaleb(oracle.EXPONENT[currency])
    assert scaled == scaled.to_integral_value(), (value, currency)
    return int(scaled)


CREDIT_KEYS = (
    "person",
    "deal",
    "date",
    "period",
    "measure",
    "amount",
    "currency",
    "kind",
    "rule",
    "depth",
    "via",
    "deal_type",
    "source_amount",
    "source_currency",
)


def credit_rows(credits) -> list[tuple]:
    out = []
    for r in credits.to_arrow().to_pylist():
        out.append(
            (r["person_id"], r["deal_id"], r["date"], r["period"], r["measure"])
            + (
                _minor(r["amount"], r["currency"]),
                r["currency"],
                r["kind"],
                r["rule"],
                r["depth"],
                r["via"],
                r["deal_type"],
            )
            + (_minor(r["source_amount"], r["source_currency"]), r["source_currency"])
        )
    return out


def oracle_credit_rows(company: dict) -> list[tuple]:
    return [tuple(c[k] for k in CREDIT_KEYS) for c in oracle.credits(company)]


# ----------------------------------------------------------------------------- shrinking


def _smaller(company: dict):
    deals, splits = company["deals"], company["splits"]
    for i, deal in enumerate(deals):
        rest = [s for s in splits if s["deal"] != deal["id"]]
        yield {**company, "deals": deals[:i] + deals[i + 1 :], "splits": rest}
    for i in range(len(splits)):
        yield {**company, "splits": splits[:i] + splits[i + 1 :]}
    rules = company["rules"]
    for i in range(len(rules)):
        if len(rules) > 1:
            yield {**company, "rules": rules[:i] + rules[i + 1 :]}
    quotas = company["quotas"]
    for i in range(len(quotas)):
        yield {**company, "quotas": quotas[:i] + quotas[i + 1 :]}


def _fails(company: dict, compare) -> bool:
    try:
        return not compare(company)
    except Exception:  # a shrunk company salescomp or the oracle refuses is no reproducer
        return False


def minimise(company: dict, compare) -> dict:
    progress = True
    while progress:
        progress = False
        for smaller in _smaller(company):
            if _fails(smaller, compare):
                company, progress = smaller, True
                break
    return company


def _first_difference(want, got) -> str:
    for x, y in zip(want, got):
        if x != y:
            return f"oracle    {x}\nsalescomp {y}"
    return f"{len(want)} oracle rows, {len(got)} salescomp rows"


def _small_view(company: dict) -> dict:
    """The reproducer without the people and quotas nothing refers to."""
    used = {d["owner"] for d in company["deals"]} | {s["person"] for s in company["splits"]}
    used |= {d["source_person"] for d in company["deals"]}
    return {
        **company,
        "people_used": [p for p in company["people"] if p["id"] in used],
        "assignments_used": [a for a in company["assignments"] if a["person"] in used],
        "people": f"{len(company['people'])} people",
        "assignments": f"{len(company['assignments'])} rows",
    }


# ----------------------------------------------------------------------------- credits


def credits_agree(company: dict, credits=None) -> bool:
    want = (credits or oracle_credit_rows)(company)
    return credit_rows(salescomp_credits(company)[1]) == want


def first_credit_mismatch(credits=None, count: int = COUNT):
    for i, company in enumerate(gen.companies(SEED, count)):
        if not credits_agree(company, credits):
            return i, company
    return None


def credit_report(i: int, company: dict, credits=None) -> str:
    small = minimise(company, lambda c: credits_agree(c, credits))
    want = (credits or oracle_credit_rows)(small)
    got = credit_rows(salescomp_credits(small)[1])
    return (
        f"company {i} of seed {SEED}: credits disagree; minimised reproducer:\n"
        f"{pprint.pformat(_small_view(small))}\n{_first_difference(want, got)}"
    )


def test_credits_agree_on_random_companies():
    found = first_credit_mismatch()
    assert found is None, credit_report(*found)
