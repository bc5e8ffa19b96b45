"""close_quarter reads the company's tables from any Arrow producer (pandas, polars, DuckDB,
a PyCapsule-only object) and gives the same bytes as from pyarrow tables."""

import copy

import pyarrow as pa
import pytest
from salescomp import demo
from salescomp.close import COMPANY_TABLES, close_quarter


class CapsuleOnly:
    """Exposes nothing but the Arrow PyCapsule stream protocol (like nanoarrow)."""

    def __init__(self, table: pa.Table) -> None:
        self._table = table

    def __arrow_c_stream__(self, requested_schema=None):
        return self._table.__arrow_c_stream__(requested_schema)


def _producers():
    out = {"pandas": lambda t: t.to_pandas(), "capsule": CapsuleOnly}
    try:
        import polars as pl

        out["polars"] = pl.from_arrow
    except ImportError:
        pass
    try:
        import duckdb

        con = duckdb.connect()
        out["duckdb"] = con.from_arrow
    except ImportError:
        pass
    return out


@pytest.fixture(scope="module")
def company():
    return demo.load()


@pytest.fixture(scope="module")
def expected(company):
    return close_quarter(company, 2, progress=False)


def _same(a, b):
    for name in (
        "payouts",
        "statements",
        "credits",
        "quotas",
        "attainment",
        "accounting_roll_forward",
    ):
        assert getattr(a, name).equals(getattr(b, name)), name
    assert a.total_paid() == b.total_paid()


@pytest.mark.parametrize("producer", list(_producers()))
def test_every_producer_closes_to_the_same_bytes(company, expected, producer):
    make = _producers()[producer]
    other = copy.copy(company)
    for name in COMPANY_TABLES:
        table = getattr(company, name)
        if table is not None:
            setattr(other, name, make(table))
    _same(close_quarter(other, 2, progress=False), expected)
    assert isinstance(other.people, type(make(company.people)))  # the caller's company is untouched
