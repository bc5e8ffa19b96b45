"""Organisation and calendars from Python: as-of lookups, errors naming people and rows."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
import salescomp as sc

PEOPLE = {
    "person_id": ["cro", "m1", "m2", "ae"],
    "role": ["cro", "sales_manager", "sales_manager", "ae"],
    "start_date": ["2020-01-01", "2020-01-01", "2020-01-01", "2025-06-01"],
    "end_date": [None, None, None, "2026-12-31"],
    "pay_currency": ["USD", "USD", "EUR", "USD"],
}
ASSIGNMENTS = {
    "person_id": ["m1", "m2", "ae", "ae", "ae"],
    "field": ["manager", "manager", "manager", "manager", "team"],
    "value": ["cro", "cro", "m1", "m2", "east"],
    "from": ["2020-01-01", "2020-01-01", "2025-06-01", "2026-03-15", "2025-06-01"],
    "to": [None, None, "2026-03-14", None, None],
}


@pytest.mark.parametrize("kind", ["dict", "pandas", "pyarrow", "polars"])
def test_every_table_type_gives_the_same_organisation(kind: str) -> None:
    make = {
        "dict": lambda d: d,
        "pandas": pd.DataFrame,
        "pyarrow": pa.table,
        "polars": pl.DataFrame,
    }[kind]
    org = sc.Organisation(
        make(PEOPLE),
        make(ASSIGNMENTS),
        leaves=make({"person_id": ["ae"], "first": ["2026-05-01"], "last": ["2026-05-10"]}),
    )
    assert org.manager_as_of("ae", "2026-03-14") == "m1"
    assert org.manager_as_of("ae", dt.date(2026, 3, 15)) == "m2"
    assert org.manager_as_of("ae", "2025-05-31") is None  # a gap means none
    assert org.reporting_chain("ae", "2026-03-15") == ["m2", "cro"]
    assert org.as_of("ae", "team", "2026-01-01") == "east"
    assert org.as_of("ae", "role", "2026-01-01") == "account_executive"
    assert not org.is_active("ae", "2026-05-05")
    assert org.is_active("ae", "2026-05-11")
    h = org.hierarchy("2026-03-15").to_pandas()
    assert h.set_index("person_id")["manager_id"].astype(object).where(
        h["manager_id"].notna().values, None
    ).to_dict() == {"cro": None, "m1": "cro", "m2": "cro", "ae": "m2"}


def test_overlapping_assignments_name_the_person_and_every_row() -> None:
    bad = dict(ASSIGNMENTS)
    bad["to"] = [None, None, "2026-03-15", None, None]  # m1 until Mar 15, m2 from Mar 15
    with pytest.raises(sc.ValidationError) as e:
        sc.Organisation(PEOPLE, bad)
    assert e.value.id == "SC-ORG-OVERLAP"
    assert [i["row"] for i in e.value.issues] == [3]
    assert "'ae'" in e.value.issues[0]["rule"]


def test_cycles_and_unknown_managers_name_the_people() -> None:
    cyc = {
        "person_id": ["m1", "m2", "cro"],
        "field": ["manager"] * 3,
        "value": ["m2", "cro", "m1"],
        "from": ["2026-01-01", "2026-01-01", "2026-02-01"],
    }
    with pytest.raises(sc.ValidationError) as e:
        sc.Organisation(PEOPLE, cyc)
    assert e.value.id == "SC-ORG-CYCLE"
    for who in ("'m1'", "'m2'", "'cro'"):
        assert who in str(e.value)
    unknown = {
        "person_id": ["ae", "ghost"],
        "field": ["manager", "team"],
        "value": ["nobody", "x"],
        "from": ["2026-01-01"] * 2,
    }
    with pytest.raises(sc.ValidationError) as e:
        sc.Organisation(PEOPLE, unknown)
    assert [(i["row"], i["field"], i["value"]) for i in e.value.issues] == [
        (0, "manager", "nobody"),
        (1, "person_id", "ghost"),
    ]


def test_bad_roster_rows_are_all_reported() -> None:
    people = dict(PEOPLE)
    people["role"] = ["cro", "wizard", "sales_manager", "ae"]
    people["pay_currency"] = ["USD", "USD", "EURO", "USD"]
    with pytest.raises(sc.ValidationError) as e:
        sc.Organisation(people)
    assert [(i["row"], i["field"]) for i in e.value.issues] == [(1, "role"), (2, "pay_currency")]


def test_fiscal_calendar_and_business_days() -> None:
    cal = sc.FiscalCalendar(start_month=2)
    q = cal.period_of("2026-05-15", "quarter")
    assert (q.label, q.first, q.last) == ("FY2027-Q2", dt.date(2026, 5, 1), dt.date(2026, 7, 31))
    c445 = sc.FiscalCalendar(1, "4-4-5", week_start=0)
    m3 = c445.period(2026, "month", 3)
    assert (m3.first, m3.last) == (dt.date(2026, 3, 2), dt.date(2026, 4, 5))
    assert len(c445.periods(2024, "week")) == 53
    # January 2026: 22 weekdays minus holidays on Thu Jan 1 and Mon Jan 19.
    bc = sc.BusinessCalendar(weekend=[5, 6], holidays=[dt.date(2026, 1, 1), "2026-01-19"])
    assert bc.count("2026-01-01", "2026-01-31") == 20
    with pytest.raises(sc.ValidationError):
        sc.FiscalCalendar(1, "4-4-4")


def test_import_needs_only_numpy_until_a_table_api_is_used() -> None:
    import subprocess
    import sys

    code = (
        "import sys, salescomp as sc; assert 'pyarrow' not in sys.modules; "
        "sc.FiscalCalendar(2); sc.Organisation; assert 'pyarrow' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_text_columns_of_any_arrow_layout_read_as_their_text() -> None:
    # Chunked, large_utf8 and dictionary columns, integer ids: read in C++ as the text of each
    # cell, the same organisation as from plain lists.
    people = pa.table({
        "person_id": pa.chunked_array([["cro", "m1"], ["m2", "ae"]], pa.large_string()),
        "role": pa.array(PEOPLE["role"]).dictionary_encode(),
        "start_date": PEOPLE["start_date"], "end_date": PEOPLE["end_date"],
        "pay_currency": pa.chunked_array([["USD"], ["USD", "EUR", "USD"]]),
    })
    org = sc.Organisation(people, pa.table(ASSIGNMENTS))
    plain = sc.Organisation(PEOPLE, ASSIGNMENTS)
    assert org.person_ids == plain.person_ids
    assert org.hierarchy("2026-03-15").equals(plain.hierarchy("2026-03-15"))
    numbers = sc.Organisation({**PEOPLE, "person_id": [7, 10, 9, 100]})
    assert sorted(numbers.person_ids) == ["10", "100", "7", "9"]
    # A null id reads as '' and is refused by name, as a missing role is.
    with pytest.raises(sc.ValidationError) as e:
        sc.Organisation({**PEOPLE, "role": ["cro", None, "sales_manager", "ae"]})
    assert [(i["row"], i["field"]) for i in e.value.issues] == [(1, "role")]
