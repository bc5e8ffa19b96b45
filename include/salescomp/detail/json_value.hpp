#pragma once
// A parsed JSON document for plan files. Numbers keep their source text so
// decimals reach the strict money/rate parsers without passing through a
// binary float; every value remembers where it was written (line, column).
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace salescomp::detail {

struct JsonValue {
  enum class Kind : uint8_t { Null, Bool, Number, String, Array, Object };

  Kind kind = Kind::Null;
  bool boolean = false;
  std::string text;              // a Number's source text or a String's decoded value
  std::vector<JsonValue> items;  // Array
  std::vector<std::pair<std::string, JsonValue>> members;  // Object, in document order
  int line = 1;
  int column = 1;

  bool is_null() const noexcept { return kind == Kind::Null; }
  bool is_object() const noexcept { return kind == Kind::Object; }
  bool is_array() const noexcept { return kind == Kind::Array; }
  bool is_string() const noexcept { return kind == Kind::String; }
  bool is_number() const noexcept { return kind == Kind::Number; }
  bool is_bool() const noexcept { return kind == Kind::Bool; }

  // The member named `key`, or nullptr (objects only).
  const JsonValue* find(std::string_view key) const noexcept {
    for (const auto& [k, v] : members)
      if (k == key) return &v;
    return nullptr;
  }
};

constexpr const char* kind_name(JsonValue::Kind k) noexcept {
  switch (k) {
    case JsonValue::Kind::Null:
      return "null";
    case JsonValue::Kind::Bool:
      return "boolean";
    case JsonValue::Kind::Number:
      return "number";
    case JsonValue::Kind::String:
      return "string";
    case JsonValue::Kind::Array:
      return "array";
    case JsonValue::Kind::Object:
      return "object";
  }
  return "?";
}

}  // namespace salescomp::detail
