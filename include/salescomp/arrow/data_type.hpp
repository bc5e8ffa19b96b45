#pragma once
// The logical type of an Arrow column, read from its C Data Interface format
// string ("l" int64, "d:38,2" decimal128(38, 2), "tdD" date32, "u" utf8, ...;
// the table of format strings is in the Arrow specification). Dictionary
// columns are described by their index type plus `value` (the dictionary's
// own type).
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace salescomp::arrow {

enum class TypeId : uint8_t {
  Null,
  Bool,
  Int8,
  UInt8,
  Int16,
  UInt16,
  Int32,
  UInt32,
  Int64,
  UInt64,
  Float16,
  Float32,
  Float64,
  Utf8,
  LargeUtf8,
  Utf8View,
  Binary,
  Decimal32,
  Decimal64,
  Decimal128,
  Decimal256,
  Date32,
  Date64,
  Timestamp,
  List,
  LargeList,
  Struct,
  Other,  // a type salescomp reads nowhere (time, duration, map, union, ...)
};

enum class TimeUnit : uint8_t { Second, Milli, Micro, Nano };

struct DataType {
  TypeId id = TypeId::Other;
  int precision = 0;                // decimals
  int scale = 0;                    // decimals
  TimeUnit unit{};                  // timestamps
  std::string timezone;             // timestamps ("" = naive)
  std::string format;               // the format string as given
  std::shared_ptr<DataType> value;  // dictionary: the dictionary's type; list: the item type
  bool dictionary = false;          // a dictionary column: `id` is then its index type

  bool is_integer() const noexcept { return id >= TypeId::Int8 && id <= TypeId::UInt64; }
  bool is_float() const noexcept { return id >= TypeId::Float16 && id <= TypeId::Float64; }
  bool is_decimal() const noexcept { return id >= TypeId::Decimal32 && id <= TypeId::Decimal256; }
  bool is_text() const noexcept {
    return id == TypeId::Utf8 || id == TypeId::LargeUtf8 || id == TypeId::Utf8View;
  }
  // Text, or a dictionary of text.
  bool is_text_like() const noexcept { return dictionary ? value && value->is_text() : is_text(); }
  bool is_list() const noexcept { return id == TypeId::List || id == TypeId::LargeList; }

  // "int64", "decimal128(38, 2)", "dictionary<int32, utf8>", ...
  std::string describe() const;
};

// Parses one format string (no dictionary or children: see ImportedTable).
DataType parse_format(std::string_view format);

}  // namespace salescomp::arrow
