#pragma once
// The one strict JSON reader of salescomp: plan documents, config.json and
// (through salescomp._core.parse_json) the Python package and the CLI. The
// body is src/detail/json_reader.cpp; docs/input-grammar.md states the rules.
//
// Accepted: RFC 8259 JSON, with these refusals, each a ParseError
// "SC-JSON-SYNTAX" whose Issue names the JSON path of the value being read
// (field, e.g. "$.components[2].rate"), the position ("line 3 column 7",
// 1-based, columns counted in characters) and the rule:
//   - bytes that are not UTF-8 (overlong forms, surrogates, > U+10FFFF,
//     truncated sequences), a byte-order mark, any non-ASCII byte outside a
//     string;
//   - duplicate keys in an object (checked in linear time);
//   - numbers with an exponent (1e3), a leading zero, '+', '.5', '5.',
//     NaN/Infinity; comments; trailing commas; text after the value;
//   - control characters and NUL (raw or \u0000) in strings, unpaired
//     surrogate escapes;
//   - nesting deeper than kJsonMaxDepth arrays/objects.
// Numbers keep their source text (JsonValue::text): no binary float.
#include <string_view>

#include "salescomp/detail/json_value.hpp"

namespace salescomp::detail {

// Arrays and objects nested deeper than this are refused (a plan is a few
// levels deep; the limit keeps the recursive reader's stack small).
inline constexpr int kJsonMaxDepth = 64;

JsonValue parse_json(std::string_view text);

}  // namespace salescomp::detail
