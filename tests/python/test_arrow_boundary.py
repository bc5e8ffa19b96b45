"""The Arrow boundary from Python: every producer (pyarrow, pandas, polars, DuckDB, a
PyCapsule-only object, a dict) is read the same way, schemas are checked by name, and
results are Arrow-protocol objects."""

from __future__ import annotations

from decimal import Decimal

import duckdb
import polars as pl
import pyarrow as pa
import pytest
import salescomp as sc
from arrow_producers import CapsuleOnly
from salescomp import _core
from salescomp.tables import Table, arrow_source, table_specs

PEOPLE = {
    "person_id": ["0055g00000AbCdEfGh", "ana-maría", "1001"],
    "role": ["ae", "ae", "sales_manager"],
    "start_date": ["2026-01-01", "2026-02-01", "2025-06-30"],
    "pay_currency": ["USD", "EUR", "USD"],
}


def producers(columns: dict) -> dict:
    arrow = pa.table(columns)
    return {
        "pyarrow": arrow,
        "record_batch": arrow.to_batches()[0],
        "pandas": arrow.to_pandas(),
        "polars": pl.from_arrow(arrow),
        "duckdb": duckdb.from_arrow(arrow),
        "capsule": CapsuleOnly(arrow),
        "dict": dict(columns),
    }


@pytest.mark.parametrize("kind", list(producers(PEOPLE)))
def test_every_producer_is_bound_the_same_way(kind):
    source = arrow_source(producers(PEOPLE)[kind], "people")
    rows, present = _core._check_table(source, "people", "people.csv")
    assert rows == 3
    assert present == ["person_id", "role", "start_date", "pay_currency"]


def test_an_unknown_column_is_named_with_the_nearest_known_one():
    bad = dict(PEOPLE, end_dat=["2026-12-31", None, None])
    with pytest.raises(sc.ValidationError) as e:
        _core._check_table(arrow_source(bad, "people"), "people", "people.csv")
    assert e.value.id == "SC-TABLE-COLUMNS"
    (issue,) = e.value.issues
    assert issue["value"] == "end_dat" and issue["source"] == "people.csv"
    assert "did you mean 'end_date'" in issue["rule"]
    rows, present = _core._check_table(arrow_source(bad, "people"), "people", "people.csv", True)
    assert present == ["person_id", "role", "start_date", "pay_currency"]


def test_float_money_is_refused_by_name():
    deals = {"deal_id": ["a"], "owner": ["x"], "close_date": ["2026-01-05"], "amount": [10.5],
             "currency": ["USD"], "type": ["new_business"]}
    with pytest.raises(sc.ValidationError) as e:
        _core._check_table(arrow_source(deals, "deals"), "deals", "deals")
    (issue,) = e.value.issues
    assert issue["field"] == "amount" and "binary float" in issue["rule"]


def test_a_consumed_capsule_is_a_clear_error():
    capsule = pa.table(PEOPLE).__arrow_c_stream__()

    class Once:
        def __arrow_c_stream__(self, requested_schema=None):
            return capsule

    _core._check_table(Once(), "people", "people")
    with pytest.raises(TypeError, match="already consumed"):
        _core._check_table(Once(), "people", "people")


def test_non_tables_are_refused():
    with pytest.raises(TypeError, match="expected a table"):
        arrow_source([1, 2, 3], "people")


def test_table_specs_declare_every_input_table():
    names = [s["name"] for s in table_specs()]
    for required in ("people", "assignments", "deals", "splits", "quotas", "fx_rates", "credits",
                     "collections", "mbo", "plan_assignments", "effective_quotas"):
        assert required in names
    deals = next(s for s in table_specs() if s["name"] == "deals")
    term = next(f for f in deals["fields"] if f["name"] == "term_months")
    assert term["kind"] == "integer" and term["range"] == (0, 1200) and not term["required"]


def test_result_tables_are_read_without_copies_by_every_consumer():
    # The C++ exporter builds the table; each consumer imports the same buffers.
    t = Table(_core._arrow_example())
    arrow = t.to_arrow()
    assert arrow.column("amount").type == pa.decimal128(38, 2)
    assert arrow.column("amount").to_pylist() == [Decimal("1234.56"), Decimal("-0.01")]
    assert arrow.column("person_id").to_pylist() == ["0055g00000AbCdEfGh", "ana-maría"]
    assert pl.DataFrame(t)["amount"].to_list() == [Decimal("1234.56"), Decimal("-0.01")]
    assert duckdb.sql("select sum(amount) as s from t").fetchall()[0][0] == Decimal("1234.55")
    assert list(t.to_pandas()["amount"]) == [Decimal("1234.56"), Decimal("-0.01")]
    assert len(t) == 2 and "person_id" in repr(t)


def test_a_table_can_name_its_file_for_messages():
    bad = pa.table(dict(PEOPLE, rol=["ae", "ae", "ae"])).replace_schema_metadata(
        {"salescomp.source": "people.csv"})
    with pytest.raises(sc.ValidationError) as e:
        _core._check_table(bad, "people", "people")
    assert e.value.issues[0]["source"] == "people.csv"
    assert "people.csv" in str(e.value)
