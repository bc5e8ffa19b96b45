#pragma once
// Declared table schemas: every table salescomp takes has one TableSpec,
// written once (src/arrow/table_specs.cpp) and rendered into docs/tables.md.
// bind() checks a table against its spec before any cell is read: unknown
// columns (with the nearest known name), missing required columns and
// columns of a type the field cannot be read from are listed in one error.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "salescomp/arrow/imported_table.hpp"

namespace salescomp::arrow {

// What a field holds, which decides the Arrow types it can be read from.
enum class FieldKind : uint8_t {
  Id,          // the user's id: text (any Arrow text layout); integers are read as their decimal text
  Text,        // free text (names, reasons)
  Code,        // one of a documented set of names (deal types, roles, currencies)
  Date,        // date32, date64, midnight timestamps or ISO text YYYY-MM-DD
  Money,       // decimal32/64/128/256 or decimal text; at most the currency's decimals
  MinorUnits,  // integer minor units of the row's currency
  Rate,        // decimal or decimal text, at most 12 decimal places
  Integer,     // any integer type or integer text, range-checked
  Boolean,     // bool or the text true / false
  Timestamp,   // timestamp or ISO text YYYY-MM-DDTHH:MM:SS
  IdList,      // list / large_list of text (e.g. channel paths)
};

struct FieldSpec {
  std::string_view name;
  FieldKind kind;
  bool required;
  std::string_view doc;
  int64_t min = 0;  // Integer: the accepted range
  int64_t max = 0;
};

struct TableSpec {
  std::string_view name;
  std::string_view doc;
  std::vector<FieldSpec> fields;
  const FieldSpec* field(std::string_view name) const noexcept;
};

// "id", "text", "date", ... (the docs' names of the kinds).
std::string_view to_string(FieldKind kind) noexcept;
// The Arrow types a kind is read from, for the docs.
std::string_view accepted_types(FieldKind kind) noexcept;

struct BindOptions {
  bool ignore_extra_columns = false;  // unknown columns are errors unless this is set
};

// A table's columns matched to its spec's fields (nullptr: optional, absent
// or entirely null).
class BoundTable {
 public:
  BoundTable(const ImportedTable& table, const TableSpec& spec, std::vector<const Column*> columns)
      : table_(&table), spec_(&spec), columns_(std::move(columns)) {}
  const ImportedTable& table() const noexcept { return *table_; }
  const TableSpec& spec() const noexcept { return *spec_; }
  int64_t num_rows() const noexcept { return table_->num_rows(); }
  // The column of field `name` (which must be in the spec), or nullptr.
  const Column* get(std::string_view name) const;
  bool has(std::string_view name) const { return get(name) != nullptr; }

 private:
  const ImportedTable* table_;
  const TableSpec* spec_;
  std::vector<const Column*> columns_;
};

// Checks the columns of `table` against `spec`; throws one ValidationError
// (SC-TABLE-COLUMNS) naming every unknown, missing or mistyped column.
BoundTable bind(const ImportedTable& table, const TableSpec& spec, const BindOptions& options = {});

// The known name closest to `name` (edit distance), or "" when none is close.
std::string nearest_name(std::string_view name, const std::vector<std::string_view>& known);

}  // namespace salescomp::arrow
