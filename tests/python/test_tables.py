"""Exact interchange with pandas, pyarrow and polars."""

from __future__ import annotations

import datetime
from decimal import Decimal

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
import salescomp as sc
from salescomp import tables

VALUES = [Decimal("1.05"), Decimal("-2.50"), Decimal("0.00"), Decimal("92233720368547758.07"),
          Decimal("-92233720368547758.08")]
MINOR = [105, -250, 0, 2**63 - 1, -(2**63)]


def test_decimal128_from_every_frontend():
    arrow = pa.array(VALUES, pa.decimal128(20, 2))
    for column in (arrow, pa.chunked_array([arrow[:2], arrow[2:]]), pd.Series(VALUES, dtype=object),
                   pl.Series(VALUES, dtype=pl.Decimal(20, 2)), VALUES, [str(v) for v in VALUES]):
        assert tables.to_minor_units(column, "USD").tolist() == MINOR, type(column)


def test_rescaling_between_scales_is_exact():
    # scale 1 -> cents multiplies by 10; scale 4 -> cents divides only when exact
    assert tables.to_minor_units(pa.array([Decimal("1.5")], pa.decimal128(5, 1)), "USD").tolist() == [150]
    assert tables.to_minor_units(pa.array([Decimal("1.2300")], pa.decimal128(9, 4)), "USD").tolist() == [123]
    assert tables.to_minor_units(pa.array([Decimal("7")], pa.decimal128(5, 0)), "KWD").tolist() == [7000]
    with pytest.raises(sc.ValidationError) as e:
        tables.to_minor_units(pa.array([Decimal("1.0000"), Decimal("1.2345")], pa.decimal128(9, 4)), "USD")
    assert e.value.issues[0]["row"] == 1 and e.value.issues[0]["value"] == "1.2345"
    # with a rounding mode: 1.2345 -> HalfEven 1.23 (0.45 of a cent rounds down), HalfUp 1.23, Up 1.24
    arr = pa.array([Decimal("1.2345"), Decimal("-1.2350")], pa.decimal128(9, 4))
    assert tables.to_minor_units(arr, "USD", rounding=sc.RoundingMode.HalfEven).tolist() == [123, -124]
    assert tables.to_minor_units(arr, "USD", rounding=sc.RoundingMode.Up).tolist() == [124, -124]
    with pytest.raises(OverflowError):
        tables.to_minor_units(pa.array([Decimal("92233720368547758.08")], pa.decimal128(20, 2)), "USD")
    with pytest.raises(OverflowError):
        tables.to_minor_units(pa.array([Decimal("99999999999999999")], pa.decimal128(20, 0)), "USD")


def test_refusals():
    with pytest.raises(TypeError, match="not exact"):
        tables.to_minor_units(pd.Series([1.5, 2.5]), "USD")
    with pytest.raises(TypeError, match="minor_units=True"):
        tables.to_minor_units(np.array([1, 2]), "USD")
    assert tables.to_minor_units(np.array([1, 2]), "USD", minor_units=True).tolist() == [1, 2]
    with pytest.raises(sc.ValidationError) as e:
        tables.to_minor_units(pa.array([Decimal("1"), None, None], pa.decimal128(5, 0)), "USD")
    assert [i["row"] for i in e.value.issues] == [1, 2]
    with pytest.raises(sc.ParseError) as e:
        tables.to_minor_units(["1.00", "1,000.00", "x"], "USD")
    assert [i["row"] for i in e.value.issues] == [1, 2]


def test_minor_to_arrow_round_trip_through_pandas_and_polars():
    minor = np.array(MINOR, dtype=np.int64)
    arr = tables.minor_to_arrow(minor, "USD")
    assert arr.type == pa.decimal128(38, 2)
    assert arr.to_pylist() == VALUES
    df = pa.table({"amount": arr}).to_pandas()
    assert df["amount"].tolist() == VALUES
    assert tables.to_minor_units(pl.from_arrow(pa.table({"a": arr}))["a"], "USD").tolist() == MINOR
    assert tables.minor_to_arrow(np.array([5], dtype=np.int64), "JPY").to_pylist() == [Decimal("5")]
    # KWD: three decimals
    assert tables.minor_to_arrow(np.array([-1005], dtype=np.int64), "KWD").to_pylist() == [Decimal("-1.005")]


def test_tables_from_every_frontend():
    data = {"id": [1, 2], "amount": [Decimal("1.00"), Decimal("2.50")]}
    for frame in (pd.DataFrame(data), pl.DataFrame(data), pa.table(data), data):
        t = tables.as_arrow_table(frame)
        assert t.num_rows == 2 and t.column_names == ["id", "amount"]
        assert tables.to_minor_units(t["amount"], "USD").tolist() == [100, 250]


def test_dates():
    want = [(datetime.date(2026, 1, 31) - datetime.date(1970, 1, 1)).days, 0]
    for column in (pa.array([datetime.date(2026, 1, 31), datetime.date(1970, 1, 1)]),
                   ["2026-01-31", "1970-01-01"], pd.Series(pd.to_datetime(["2026-01-31", "1970-01-01"])),
                   pl.Series([datetime.date(2026, 1, 31), datetime.date(1970, 1, 1)])):
        assert tables.to_days(column).tolist() == want, type(column)
    with pytest.raises(sc.ValidationError) as e:
        tables.to_days(["2026-01-31", "2026-1-5", "2026-02-30"])
    assert [i["row"] for i in e.value.issues] == [1, 2]
    with pytest.raises(sc.ValidationError, match="time of day"):
        tables.to_days(pd.Series(pd.to_datetime(["2026-01-31 12:00"])))
