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


def test_the_credits_table_is_built_on_first_use_and_kept(company):
    close = close_quarter(company, 1, progress=False)
    assert "credits" not in vars(close)  # closing built no Arrow credits table
    first = close.credits
    assert first is close.credits  # built once
    assert first.equals(close.credit_source.to_arrow())
    assert first.num_rows == len(close.credit_source) > 0


def test_the_book_from_the_columns_it_reads_is_the_book_from_whole_tables(company, expected):
    # The close hands the accounting four credit columns and four deal columns; the whole
    # tables give the same schedule and roll-forward.
    import pyarrow as pa
    from salescomp.close import _table_of, quarter_bounds, year_inputs
    from salescomp.demo_accounting import close_accounting

    inputs = year_inputs(company, expected.fiscal_year)
    ends = [quarter_bounds(inputs.calendar, expected.fiscal_year, q)[1] for q in (1, 2)]
    deals = _table_of(company.deals).take(pa.array(inputs.deals.input_rows))
    book, roll = close_accounting(expected.runs, ends, inputs.person_ids, deals, inputs.credit_table,
                                  inputs.calendar.year_first(expected.fiscal_year))
    assert len(deals.column_names) > 4 and inputs.credit_table.num_columns > 4  # the wider tables
    assert len(book) == len(expected.accounting) > 0
    for table in ("assets", "schedule", "journal"):
        assert getattr(book, table)(output="arrow").equals(getattr(expected.accounting, table)(output="arrow")), table
    assert roll.equals(expected.accounting_roll_forward)
