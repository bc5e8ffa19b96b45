"""Paths handed over as Arrow list columns (Paths.from_path_lists).

The oracle for every shape is the text path format: the same paths written as
"a > b" strings must give byte-identical credits, whatever the list flavour,
dictionary order, chunking or producer library.
"""

from __future__ import annotations

import duckdb
import numpy as np
import polars as pl
import pyarrow as pa
import pytest
import salescomp.attribution as sa
from arrow_producers import CapsuleOnly
from salescomp._errors import InputTypeError, ValidationError

PATHS = [["search", "email", "direct"], ["email"], ["direct", "search"], ["social", "email"]]
TOTALS = {
    "total_conversions": [3, 1, 0, 2],
    "total_conversion_value": ["300.00", "50.00", None, "20.01"],
    "total_null": [1, 0, 5, 2],
}


def _text_reference():
    data = {"path": [" > ".join(p) for p in PATHS], **TOTALS}
    return sa.Paths.from_path_strings(data, currency="USD")


def _credits(paths) -> dict:
    """Every model family's channel table, as Python values (bytes-comparable)."""
    out = {}
    for name, result in {
        "linear": sa.rule_based(paths, "linear", output="arrow"),
        "position": sa.rule_based(paths, "position_based", output="arrow"),
        "markov1": sa.markov(paths, 1, output="arrow"),
        "markov2": sa.markov(paths, 2, output="arrow"),
        "shapley": sa.simplified_shapley(paths, output="arrow"),
    }.items():
        out[name] = result.channels.to_pylist()
    return out


def _with_path(column) -> pa.Table:
    return pa.table({"path": column, **{k: pa.array(v) for k, v in TOTALS.items()}}).cast(
        pa.schema(
            [
                pa.field("path", column.type),
                pa.field("total_conversions", pa.int64()),
                pa.field("total_conversion_value", pa.string()),
                pa.field("total_null", pa.int64()),
            ]
        )
    )


def _dictionary_lists(dictionary: list[str]) -> pa.Array:
    """list<dictionary<string>> over a dictionary in the given (unsorted) order."""
    index = {n: i for i, n in enumerate(dictionary)}
    offsets = np.cumsum([0] + [len(p) for p in PATHS]).astype(np.int32)
    codes = pa.array([index[c] for p in PATHS for c in p], pa.int32())
    values = pa.DictionaryArray.from_arrays(codes, pa.array(dictionary))
    return pa.ListArray.from_arrays(pa.array(offsets), values)


def test_list_of_strings_matches_the_text_format():
    reference = _credits(_text_reference())
    paths = sa.Paths.from_path_lists(_with_path(pa.array(PATHS)), currency="USD")
    assert paths.channel_names == ["direct", "email", "search", "social"]
    assert _credits(paths) == reference


@pytest.mark.parametrize(
    "dictionary",
    [
        ["social", "search", "email", "direct"],  # reverse order
        ["email", "unused", "direct", "social", "search"],  # an entry no path uses
        ["direct", "email", "search", "social"],  # already sorted: codes kept as they are
    ],
)
def test_dictionary_order_and_unused_entries_do_not_matter(dictionary):
    paths = sa.Paths.from_path_lists(_with_path(_dictionary_lists(dictionary)), currency="USD")
    assert paths.channel_names == ["direct", "email", "search", "social"]
    assert _credits(paths) == _credits(_text_reference())


def test_integer_codes_with_names():
    names = ["social", "search", "email", "direct", "never"]
    codes = [[names.index(c) for c in p] for p in PATHS]
    paths = sa.Paths.from_path_lists(
        _with_path(pa.array(codes, pa.list_(pa.int16()))), currency="USD", channel_names=names
    )
    assert paths.channel_names == ["direct", "email", "search", "social"]
    assert _credits(paths) == _credits(_text_reference())


def test_large_lists_string_views_and_chunks():
    reference = _credits(_text_reference())
    large = pa.array(PATHS, pa.large_list(pa.large_string()))
    assert _credits(sa.Paths.from_path_lists(_with_path(large), currency="USD")) == reference
    views = pa.array(PATHS, pa.list_(pa.string_view()))
    assert _credits(sa.Paths.from_path_lists(_with_path(views), currency="USD")) == reference
    chunked = pa.chunked_array([pa.array(PATHS[:2]), pa.array(PATHS[2:])])
    table = pa.table({"path": chunked, **{k: pa.array(v) for k, v in TOTALS.items()}})
    assert _credits(sa.Paths.from_path_lists(table, currency="USD")) == reference


def test_a_sliced_list_array_uses_its_own_offsets():
    # Offsets of a slice do not start at 0; the touches before the slice must not leak in.
    full = pa.array([["x", "y"]] + PATHS)
    table = _with_path(full.slice(1))
    assert _credits(sa.Paths.from_path_lists(table, currency="USD")) == _credits(_text_reference())


def test_every_producer_gives_the_same_credits():
    table = _with_path(pa.array(PATHS))
    reference = _credits(sa.Paths.from_path_lists(table, currency="USD"))
    producers = {
        "polars": pl.from_arrow(table),
        "duckdb": duckdb.from_arrow(table),
        "capsule": CapsuleOnly(table),
        "dict": {"path": PATHS, **TOTALS},
    }
    for name, data in producers.items():
        got = _credits(sa.Paths.from_path_lists(data, currency="USD"))
        assert got == reference, name


def test_markov_from_lists_equals_the_exact_chain_by_hand():
    # Paths: a>b converts once, b never (1 null). Order-1 chain from start:
    # start->a 1/2, start->b 1/2; a->b 1; b->conv 1/2, b->null 1/2.
    # P(conv) = 1/2*1*1/2 + 1/2*1/2 = 1/2. Removing a: 1/2*1/2 = 1/4 -> RE_a = 1/2.
    # Removing b: 0 -> RE_b = 1. Weights 1/3, 2/3 of 1 conversion worth 90.00:
    # a 30.00, b 60.00.
    data = {
        "path": [["a", "b"], ["b"]],
        "total_conversions": [1, 0],
        "total_conversion_value": ["90.00", None],
        "total_null": [0, 1],
    }
    result = sa.markov(sa.Paths.from_path_lists(data, currency="USD"), 1, output="arrow")
    assert [str(v) for v in result.channels["value"].to_pylist()] == ["30.00", "60.00"]
    assert result.conversion_probability == pytest.approx(0.5, abs=1e-12)


@pytest.mark.parametrize(
    ("column", "message"),
    [
        (pa.array([["a"], None, ["b"], ["c"]]), r"missing path \(null list\) in rows 1"),
        (pa.array([["a"], ["b", None], ["b"], ["c"]]), r"missing channel \(null\) in rows 1"),
        (pa.array([["a"], ["b"], ["  "], ["c"]]), "empty or blank channel name"),
        (pa.array([["a"], ["b"], [], ["c"]]), "empty path"),
    ],
)
def test_bad_paths_are_named(column, message):
    with pytest.raises(ValidationError, match=message):
        sa.Paths.from_path_lists(_with_path(column), currency="USD")


def test_integer_codes_are_checked():
    codes = pa.array([[0], [1], [7], [-1]], pa.list_(pa.int32()))
    with pytest.raises(ValidationError, match="need channel_names"):
        sa.Paths.from_path_lists(_with_path(codes), currency="USD")
    with pytest.raises(ValidationError, match=r"code 7 outside \[0, 2\) in rows 2, 3"):
        sa.Paths.from_path_lists(_with_path(codes), currency="USD", channel_names=["a", "b"])
    with pytest.raises(ValidationError, match="duplicate names"):
        sa.Paths.from_path_lists(_with_path(codes), currency="USD", channel_names=["a", "a"])


def test_text_paths_are_not_a_list_column():
    data = {"path": ["a > b", "b", "c", "d"], **TOTALS}
    with pytest.raises(InputTypeError, match="expected a list column"):
        sa.Paths.from_path_lists(data, currency="USD")
    with pytest.raises(ValidationError, match="only for integer channel codes"):
        sa.Paths.from_path_lists(
            _with_path(pa.array(PATHS)), currency="USD", channel_names=["direct"]
        )


def test_duplicate_dictionary_entries_merge_into_one_channel():
    values = pa.DictionaryArray.from_arrays(
        pa.array([0, 1, 2, 3, 2, 1, 0], pa.int32()), pa.array(["a", "b", "a", "b"])
    )
    offsets = pa.array([0, 2, 4, 5, 7], pa.int32())
    column = pa.ListArray.from_arrays(offsets, values)  # [a,b] [a,b] [a] [b,a]
    paths = sa.Paths.from_path_lists(_with_path(column), currency="USD")
    assert paths.channel_names == ["a", "b"]
    text = sa.Paths.from_path_strings(
        {"path": ["a>b", "a>b", "a", "b>a"], **TOTALS}, currency="USD"
    )
    assert _credits(paths) == _credits(text)
