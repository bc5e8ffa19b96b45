"""Ids are the user's text, end to end (issue 11): CRM ids, unicode and numeric-looking ids
flow from the inputs to credits, payout lines, statements, explanations and HTML; ties and
rows follow the ids, so shuffling the rows of an input changes no byte; integers are range
checked and unknown columns refused."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import duckdb
import polars as pl
import pyarrow as pa
import pytest
import salescomp as sc
from arrow_producers import CapsuleOnly
from salescomp.engine import run_period
from salescomp.plan import Plan

# Three ids that sort differently as text and as numbers, a unicode id and two CRM ids.
CRM_A = "0065g00000AbCdEfGh"  # 18-character Salesforce ids
CRM_B = "0065g00000AbCdEfGi"
PEOPLE = {
    "person_id": ["zoë.ünal", "005Hs00000Ab1XYZ", "ana-maría", "10", "9"],
    "role": ["sales_manager", "ae", "ae", "ae", "ae"],
    "start_date": ["2020-01-01"] * 5,
    "pay_currency": ["USD"] * 5,
}
ASSIGNMENTS = {
    "person_id": ["005Hs00000Ab1XYZ", "ana-maría", "10", "9"],
    "field": ["manager"] * 4,
    "value": ["zoë.ünal"] * 4,
    "from": ["2020-01-01"] * 4,
}
DEALS = {
    "deal_id": [CRM_B, "007", "7", CRM_A, "Δ-42", "10"],
    "owner": ["ana-maría", "10", "9", "005Hs00000Ab1XYZ", "ana-maría", "9"],
    "close_date": [
        "2026-01-10",
        "2026-01-10",
        "2026-01-10",
        "2026-01-12",
        "2026-01-10",
        "2026-01-11",
    ],
    "amount": ["100.00", "50.00", "60.00", "70.00", "10.00", "20.00"],
    "currency": ["USD"] * 6,
    "type": ["new_business"] * 6,
}
# Thirds of 100.00 (33.33 each, one cent left by largest remainder: a tie between all
# three, broken by the people's ids, never by the rows of the people table).
SPLITS = {
    "deal_id": [CRM_B, CRM_B, CRM_B],
    "person": ["ana-maría", "10", "9"],
    "share": ["0.333333333333", "0.333333333333", "0.333333333334"],
}
RULES = [{"kind": "direct"}, {"kind": "revenue_split"}, {"kind": "roll_up", "depth": 1}]
SPIF_PLAN = {
    "id": "ae",
    "currency": "USD",
    "period": "quarter",
    "measures": [{"id": "bookings", "credit_kinds": ["direct", "revenue_split"]}],
    "components": [
        {"id": "base", "type": "flat_rate", "measure": "bookings", "rate": "0.1"},
        {
            "id": "kicker",
            "type": "spif",
            "from": "2026-01-01",
            "to": "2026-03-31",
            "amount_per_deal": "5.00",
        },
    ],
}
Q1 = {
    "start": dt.date(2026, 1, 1),
    "end": dt.date(2026, 3, 31),
    "quarter_start": dt.date(2026, 1, 1),
    "year_start": dt.date(2026, 1, 1),
}


def _shuffled(columns: dict, seed: int) -> dict:
    n = len(next(iter(columns.values())))
    order = list(range(n))
    random.Random(seed).shuffle(order)
    return {k: [v[i] for i in order] for k, v in columns.items()}


def _credits(people=PEOPLE, assignments=ASSIGNMENTS, deals=DEALS, splits=SPLITS) -> pa.Table:
    org = sc.Organisation(people, assignments)
    return sc.credit(sc.Deals(org, deals), RULES, splits=splits).to_arrow()


def _bytes(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as w:
        w.write_table(table)
    return sink.getvalue().to_pybytes()


def test_text_ids_reach_the_credits() -> None:
    c = _credits()
    rows = c.select(["person_id", "deal_id", "kind", "amount"]).to_pylist()
    by = {(r["deal_id"], str(r["person_id"]), r["kind"]): r["amount"] for r in rows}
    assert c.schema.field("deal_id").type == pa.string()
    assert by[(CRM_A, "005Hs00000Ab1XYZ", "direct")] == Decimal("70.00")
    # "007" and "7" are two deals: numeric-looking text stays text.
    assert by[("007", "10", "direct")] == Decimal("50.00")
    assert by[("7", "9", "direct")] == Decimal("60.00")
    assert by[("Δ-42", "ana-maría", "direct")] == Decimal("10.00")
    # 100.00 in thirds: 33.33 each and the cent to the largest remainder (9's 0.333333333334).
    assert by[(CRM_B, "9", "revenue_split")] == Decimal("33.34")
    assert by[(CRM_B, "10", "revenue_split")] == Decimal("33.33")
    assert by[(CRM_B, "ana-maría", "revenue_split")] == Decimal("33.33")
    # The manager's roll-up names her by id: 100 + 50 + 60 + 70 + 10 + 20 = 310.00.
    rolled = [r["amount"] for r in rows if r["kind"] == "roll_up"]
    assert sum(rolled) == Decimal("310.00")
    assert {str(r["person_id"]) for r in rows if r["kind"] == "roll_up"} == {"zoë.ünal"}
    # Deal rows follow the ids' byte order: "007" < "0065..." is false ('7' > '6').
    order = sorted(DEALS["deal_id"], key=lambda s: s.encode())
    assert [order[r] for r in c.column("deal_row").to_pylist()] == c.column("deal_id").to_pylist()


def test_integer_ids_stay_integers() -> None:
    org = sc.Organisation(PEOPLE, ASSIGNMENTS)
    deals = {**DEALS, "deal_id": [1, 2, 3, 4, 5, 6]}
    c = sc.credit(sc.Deals(org, deals), [{"kind": "direct"}]).to_arrow()
    assert c.schema.field("deal_id").type == pa.int64()
    assert sorted(c.column("deal_id").to_pylist()) == [1, 2, 3, 4, 5, 6]


@pytest.mark.parametrize("table", ["people", "assignments", "deals", "splits"])
def test_shuffling_rows_changes_no_byte_of_the_credits(table: str) -> None:
    inputs = {"people": PEOPLE, "assignments": ASSIGNMENTS, "deals": DEALS, "splits": SPLITS}
    expected = _bytes(_credits(**inputs))
    for seed in range(4):
        shuffled = {**inputs, table: _shuffled(inputs[table], seed)}
        assert _bytes(_credits(**shuffled)) == expected, seed


def test_the_tie_cent_follows_the_ids_not_the_roster_rows() -> None:
    # 0.01 split 50/50: 0.005 each, floors 0.00 + 0.00, one cent left and two equal
    # remainders; the tie goes to the smaller id in byte order ("9" < "ana-maría"), whatever
    # the order of the people's rows.
    splits = {"deal_id": ["Δ-42"] * 2, "person": ["ana-maría", "9"], "share": ["0.5", "0.5"]}
    deals = {**DEALS, "amount": ["100.00", "50.00", "60.00", "70.00", "0.01", "20.00"]}
    for seed in range(4):
        c = _credits(people=_shuffled(PEOPLE, seed), deals=deals, splits=_shuffled(splits, seed))
        got = {
            str(r["person_id"]): r["amount"]
            for r in c.to_pylist()
            if r["deal_id"] == "Δ-42" and r["kind"] == "revenue_split"
        }
        assert got == {"9": Decimal("0.01"), "ana-maría": Decimal("0.00")}, seed


def _sources(columns: dict) -> dict:
    table = pa.table(columns)

    con = duckdb.connect()
    return {
        "dict": columns,
        "pyarrow": table,
        "pandas": table.to_pandas(),
        "polars": pl.from_arrow(table),
        "duckdb": con.from_arrow(table),
        "capsule": CapsuleOnly(table),
    }


def test_every_table_source_gives_the_same_bytes() -> None:
    expected = _bytes(_credits())
    people, assignments, deals, splits = (_sources(x) for x in (PEOPLE, ASSIGNMENTS, DEALS, SPLITS))
    for name in people:
        got = _credits(people[name], assignments[name], deals[name], splits[name])
        assert _bytes(got) == expected, name


def _run(people=PEOPLE, deals=DEALS) -> tuple:
    org = sc.Organisation(people, ASSIGNMENTS)
    d = sc.Deals(org, deals)
    credits = sc.credit(d, [{"kind": "direct"}, {"kind": "revenue_split"}], splits=SPLITS)
    c = credits.to_arrow()
    run_credits = pa.table(
        {
            "person": c.column("person_id").cast(pa.string()),
            "deal": c.column("deal_row"),
            "date": c.column("date"),
            "amount": c.column("amount"),
            "currency": c.column("currency"),
            "kind": c.column("kind"),
        }
    )
    ids = org.person_ids
    run = run_period(
        plans=[Plan.from_dict(SPIF_PLAN)],
        assignments=[
            {"person": p, "plan": "ae", "from": dt.date(2026, 1, 1)} for p in ids if p != "zoë.ünal"
        ],
        credits=run_credits,
        deals={"deal_id": d.ids, "close_date": [dt.date(2026, 1, 1)] * len(d)},
        period=Q1,
        person_ids=ids,
    )
    return run, d


def test_statements_and_explanations_name_the_users_ids() -> None:
    run, _deals = _run()
    s = run.statement("ana-maría")
    assert s.person_id == "ana-maría"
    assert "ana-maría" in s._repr_html_() and "Person" not in s._repr_html_()
    assert "ana-maría" in repr(s)
    # ana-maría: 10% of 10.00 + 33.33 = 4.33 (4.333 half-even), plus a 5.00 SPIF per deal (2).
    assert s.total == Decimal("14.33")
    spif = [run.explain(line).to_text() for line in s.lines if line["component"] == "kicker"]
    assert any(f"deal {CRM_B} on 2026-01-10" in text for text in spif)
    assert any("deal Δ-42 on 2026-01-10" in text for text in spif)
    lines = run.to_arrow()
    assert "ana-maría" in lines.column("person_id").to_pylist()
    assert "005Hs00000Ab1XYZ" in run._repr_html_()


def test_the_run_is_the_same_for_shuffled_people_and_deals() -> None:
    def summary(run):
        return [
            (s.person_id, s.total, [(x["component"], x["amount"]) for x in s.lines])
            for s in run.statements
        ]

    expected = summary(_run()[0])
    for seed in range(3):
        assert (
            summary(_run(people=_shuffled(PEOPLE, seed), deals=_shuffled(DEALS, seed))[0])
            == expected
        )


# ---- integers are range checked; ids are never integers in disguise ---------------------------


def test_term_months_out_of_range_is_refused_not_narrowed() -> None:
    org = sc.Organisation(PEOPLE, ASSIGNMENTS)
    deals = {**DEALS, "term_months": [36, 12, 2**32 + 36, 12, 12, 12]}
    with pytest.raises(sc.ValidationError) as e:
        sc.Deals(org, deals)
    text = str(e.value)
    assert (
        "deals.term_months" in text
        and "row 3" in text
        and str(2**32 + 36) in text
        and "0..1200" in text
    )


def test_a_20_digit_id_is_text_and_a_20_digit_integer_is_a_clean_error() -> None:
    org = sc.Organisation(PEOPLE, ASSIGNMENTS)
    ids = [12345678901234567890, 2, 3, 4, 5, 123456789012345678901234]
    c = sc.credit(sc.Deals(org, {**DEALS, "deal_id": ids}), [{"kind": "direct"}]).to_arrow()
    assert sorted(map(str, c.column("deal_id").to_pylist())) == sorted(map(str, ids))
    with pytest.raises(
        sc.ValidationError, match=r"deals.term_months: .*0..1200: row 1: 12345678901234567890"
    ):
        sc.Deals(org, {**DEALS, "term_months": [12345678901234567890] + [1] * 5})
    with pytest.raises(
        sc.ValidationError, match=r"deals.term_months: .*row 1: 123456789012345678901234"
    ):
        sc.Deals(org, {**DEALS, "term_months": [123456789012345678901234] + [1] * 5})
    with pytest.raises(
        sc.ValidationError, match=r"deals.term_months: .*not integers.*row 2: '1.5'"
    ):
        sc.Deals(org, {**DEALS, "term_months": ["12", "1.5", "1", "1", "1", "1"]})


def test_run_period_integer_columns_are_range_checked() -> None:
    credits = {
        "person": [2**31],
        "deal": [0],
        "date": [dt.date(2026, 1, 5)],
        "amount": ["1.00"],
        "currency": ["USD"],
    }
    with pytest.raises(
        sc.ValidationError, match=r"credits.person: 1 value\(s\) outside 0..2147483647"
    ):
        run_period(plans=[Plan.from_dict(SPIF_PLAN)], assignments=[], credits=credits, period=Q1)


def test_bad_ids_are_listed_with_their_rows() -> None:
    org = sc.Organisation(PEOPLE, ASSIGNMENTS)
    with pytest.raises(sc.ValidationError) as e:
        sc.Deals(org, {**DEALS, "deal_id": [CRM_A, None, "", " x", "a\tb", CRM_A]})
    rows = [(i["row"], i["rule"]) for i in e.value.issues]
    assert rows == [
        (2, "an id is required"),
        (3, "an id cannot be empty"),
        (4, "an id cannot start or end with a space"),
        (5, "an id cannot hold control characters"),
    ]
    with pytest.raises(
        sc.ValidationError, match=f"duplicate deal id.*{CRM_A}|{CRM_A}.*duplicate deal id"
    ):
        sc.Deals(org, {**DEALS, "deal_id": [CRM_A, "b", "c", CRM_A, "e", "f"]})


def test_split_of_an_unknown_text_deal_names_it() -> None:
    org = sc.Organisation(PEOPLE, ASSIGNMENTS)
    with pytest.raises(sc.ValidationError, match="0065g00000ZZZZZZZZ"):
        sc.credit(
            sc.Deals(org, DEALS), RULES, splits={**SPLITS, "deal_id": ["0065g00000ZZZZZZZZ"] * 3}
        )


# ---- unknown columns ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "column", "nearest"),
    [
        (
            lambda org: sc.Deals(org, {**DEALS, "cancelation_date": ["2026-02-01"] * 6}),
            "cancelation_date",
            "cancellation_date",
        ),
        (
            lambda org: sc.credit(
                sc.Deals(org, DEALS), RULES, splits={**SPLITS, "shares": ["1"] * 3}
            ),
            "shares",
            "share",
        ),
        (
            lambda org: sc.credit(
                sc.Deals(org, DEALS),
                RULES,
                account_managers={
                    "customer": ["c"],
                    "person": ["9"],
                    "from": ["2026-01-01"],
                    "untill": ["2026-02-01"],
                },
            ),
            "untill",
            "until",
        ),
        (
            lambda org: run_period(
                plans=[Plan.from_dict(SPIF_PLAN)],
                assignments=[],
                period=Q1,
                credits={
                    "person": [0],
                    "deal": [0],
                    "date": [dt.date(2026, 1, 5)],
                    "amount": ["1.00"],
                    "currency": ["USD"],
                    "ammount": ["1.00"],
                },
            ),
            "ammount",
            "amount",
        ),
        (
            lambda org: run_period(
                plans=[Plan.from_dict(SPIF_PLAN)],
                assignments=[],
                period=Q1,
                credits={
                    "person": [0],
                    "deal": [0],
                    "date": [dt.date(2026, 1, 5)],
                    "amount": ["1.00"],
                    "currency": ["USD"],
                },
                deals={"close_date": [dt.date(2026, 1, 5)], "cancelation_date": [None]},
            ),
            "cancelation_date",
            "cancellation_date",
        ),
    ],
)
def test_unknown_columns_are_refused_with_the_nearest_name(call, column: str, nearest: str) -> None:
    org = sc.Organisation(PEOPLE, ASSIGNMENTS)
    with pytest.raises(sc.ValidationError) as e:
        call(org)
    assert e.value.id == "SC-TABLE-COLUMNS"
    assert e.value.issues[0]["value"] == column
    if nearest != "until":
        assert f"did you mean {nearest!r}" in str(e.value)


def test_extra_deal_columns_can_be_ignored_on_request() -> None:
    org = sc.Organisation(PEOPLE, ASSIGNMENTS)
    assert len(sc.Deals(org, {**DEALS, "note": ["x"] * 6}, ignore_extra_columns=True)) == 6


def test_a_failed_run_names_people_by_id() -> None:
    from salescomp._starter import _PLANS

    plan = Plan.from_dict(_PLANS[0])  # tiered on attainment: needs a quota, none is given
    credits = {
        "person": ["ana-maría"],
        "deal": [0],
        "date": [dt.date(2026, 1, 5)],
        "amount": ["1.00"],
        "currency": ["USD"],
    }
    with pytest.raises(sc.ValidationError) as e:
        run_period(
            plans=[plan],
            assignments=[{"person": "ana-maría", "plan": "ae", "from": dt.date(2026, 1, 1)}],
            credits=credits,
            period=Q1,
            person_ids=["10", "ana-maría"],
        )
    assert e.value.id == "SC-RUN-INVALID"
    assert [i["person"] for i in e.value.issues] == ["ana-maría"]
    assert "person 'ana-maría', component 'commission'" in str(e.value)
    assert "row 1" not in str(e.value)


def test_run_period_takes_effective_quotas_and_the_assignments_table_as_they_are() -> None:
    from salescomp._starter import _PLANS

    people = {
        "person_id": ["ana-maría", "10"],
        "role": ["ae", "ae"],
        "start_date": ["2020-01-01"] * 2,
        "pay_currency": ["USD"] * 2,
    }
    assignments = pa.table(
        {
            "person_id": ["ana-maría", "10"],
            "field": ["plan", "plan"],
            "value": ["ae", "ae"],
            "from": [dt.date(2026, 1, 1)] * 2,
        }
    )
    org = sc.Organisation(people, assignments)
    # A year quota and quarter quotas: the quarterly plan reads the quarter's, never the year's.
    quotas = sc.effective_quotas(
        org,
        {
            "subject": ["ana-maría", "10", "ana-maría", "10"],
            "period_kind": ["quarter", "quarter", "year", "year"],
            "fiscal_year": [2026] * 4,
            "number": [1, 1, 1, 1],
            "amount": ["1000.00", "2000.00", "9999.00", "9999.00"],
            "currency": ["USD"] * 4,
        },
        calendar=sc.FiscalCalendar(1),
    )
    credits = {
        "person": ["ana-maría", "10"],
        "deal": [0, 1],
        "date": [dt.date(2026, 2, 1)] * 2,
        "amount": ["500.00", "3000.00"],
        "currency": ["USD", "USD"],
    }
    plan = Plan.from_dict(_PLANS[0])
    ids = org.person_ids
    by_table = run_period(
        plans=[plan],
        assignments=assignments,
        credits=credits,
        period=Q1,
        quotas=quotas,
        person_ids=ids,
    )
    by_rows = run_period(
        plans=[plan],
        credits=credits,
        period=Q1,
        person_ids=ids,
        assignments=[
            {"person": p, "plan": "ae", "from": dt.date(2026, 1, 1)} for p in ("ana-maría", "10")
        ],
        quotas=[
            {
                "person": "ana-maría",
                "measure": "bookings",
                "period_start": dt.date(2026, 1, 1),
                "amount": "1000.00",
            },
            {
                "person": "10",
                "measure": "bookings",
                "period_start": dt.date(2026, 1, 1),
                "amount": "2000.00",
            },
        ],
    )
    totals = {s.person_id: s.total for s in by_table.statements}
    assert totals == {s.person_id: s.total for s in by_rows.statements}
    # ana-maría: 500 of 1000 at 8% = 40.00; 10: 2000 at 8% + 1000 above quota at 12% = 280.00.
    assert totals == {"ana-maría": Decimal("40.00"), "10": Decimal("280.00")}
