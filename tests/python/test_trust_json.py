"""Issue 12: one strict JSON reader (salescomp.parse_json, the library's C++ reader) for plans
and config, in the library, the Python package and the CLI alike."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import salescomp as sc
from salescomp import ParseError
from salescomp.plan import Plan

CORPUS = Path(__file__).resolve().parents[1] / "data" / "json"


def corpus(prefix: str) -> list[Path]:
    return sorted(CORPUS.glob(f"{prefix}_*.json"))


def test_the_corpus_has_every_kind_of_case():
    assert len(corpus("y")) >= 15 and len(corpus("n")) >= 40 and len(corpus("i")) >= 8


@pytest.mark.parametrize("path", corpus("y"), ids=lambda p: p.name)
def test_corpus_accepted(path):
    sc.parse_json(path.read_bytes())


@pytest.mark.parametrize("path", corpus("n") + corpus("i"), ids=lambda p: p.name)
def test_corpus_refused_with_a_parse_error(path):
    with pytest.raises(ParseError) as info:
        sc.parse_json(path.read_bytes())
    issue = info.value.issues[0]
    assert issue["field"].startswith("$") and issue["value"].startswith("line ")
    str(info.value).encode("utf-8")  # the message is valid text whatever the input bytes were


def test_values_keep_exact_numbers_and_document_order():
    doc = sc.parse_json('{"b": [1, -0.50, 123456789012345678901234567890], "a": null, "c": true}')
    assert list(doc) == ["b", "a", "c"]
    assert doc["b"] == [1, Decimal("-0.50"), 123456789012345678901234567890]
    assert type(doc["b"][0]) is int and str(doc["b"][1]) == "-0.50"
    assert doc["a"] is None and doc["c"] is True
    assert sc.parse_json(b'"\\u00e9"') == "é"


def test_errors_name_the_json_path_line_and_column():
    text = '{\n  "plans": [\n    {"id": "ae", "rate": "0.10", "rate": "0.99"}\n  ]\n}'
    with pytest.raises(ParseError) as info:
        sc.parse_json(text)
    issue = info.value.issues[0]
    assert issue["field"] == "$.plans[0]"
    assert issue["value"] == "line 3 column 40"  # just after the second "rate"
    assert 'duplicate key "rate"' in issue["rule"]
    with pytest.raises(ParseError, match="exponent") as info:
        sc.parse_json('{"x": [1, 2e3]}')
    assert info.value.issues[0]["field"] == "$.x[1]"
    with pytest.raises(ParseError) as info:
        sc.parse_json('{"odd key": [}')
    assert info.value.issues[0]["field"] == '$["odd key"][0]'


def test_a_bom_or_non_ascii_where_a_value_is_expected_is_a_parse_error_not_unicode_decode_error():
    for text in (b'\xef\xbb\xbf{"id": "x"}', '{"id": é}'.encode(), b'{"id": \xe9}', '["a", ０]'.encode()):
        with pytest.raises(ParseError) as info:
            sc.parse_json(text)
        assert not isinstance(info.value, UnicodeError)
        str(info.value).encode("utf-8")
        with pytest.raises(ParseError):
            Plan.from_json(text.decode("utf-8", "surrogateescape").encode("utf-8", "surrogateescape"))


def test_invalid_utf8_inside_a_plan_is_refused_when_read():
    plan = b'{"id": "ae\xff", "currency": "USD", "period": "quarter", "measures": [{"id": "b"}], "components": []}'
    with pytest.raises(ParseError, match="invalid UTF-8"):
        sc.parse_json(plan)
    with pytest.raises(ParseError, match="invalid UTF-8"):
        Plan.from_json(plan)  # was accepted, and plan.id then raised UnicodeDecodeError
    with pytest.raises(ParseError):
        sc.parse_json('"\ud800"')  # a lone surrogate in a Python str


def test_duplicate_keys_exponents_and_deep_nesting_are_refused_by_plan_from_json():
    dup = ('{"id": "ae", "currency": "USD", "period": "quarter", "measures": [{"id": "b"}], "components": '
           '[{"id": "c", "type": "flat_rate", "measure": "b", "rate": "0.10", "rate": "0.99"}]}')
    with pytest.raises(ParseError, match="duplicate key"):
        Plan.from_json(dup)
    with pytest.raises(ParseError, match="exponent"):
        Plan.from_json(dup.replace('"rate": "0.10", "rate": "0.99"', '"rate": 1e-1'))
    with pytest.raises(ParseError, match="nesting deeper than 64"):
        sc.parse_json("[" * 100_000 + "]" * 100_000)


def test_large_objects_are_read_in_linear_time():
    # 80,000 keys took 13.9 s with the quadratic duplicate check; the benchmark has the figure
    doc = "{" + ",".join(f'"k{i}": {i}' for i in range(80_000)) + "}"
    assert len(sc.parse_json(doc)) == 80_000
    with pytest.raises(ParseError, match='duplicate key "k5"'):
        sc.parse_json(doc[:-1] + ', "k5": 0}')


def test_non_text_is_a_type_error():
    with pytest.raises(TypeError):
        sc.parse_json(42)
