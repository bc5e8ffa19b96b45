"""close_quarter reads the company's tables from any Arrow producer (pandas, polars, DuckDB,
a PyCapsule-only object) and gives the same bytes as from pyarrow tables."""

import copy

import pytest
from arrow_producers import producers
from salescomp import demo
from salescomp.close import COMPANY_TABLES, close_quarter


def _producers():
    return {k: v for k, v in producers().items() if k != "pyarrow"}


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
