#pragma once
// Every table salescomp takes, declared once: its required and optional
// columns with their kinds. The importers bind tables against these; the
// Python package and docs/tables.md are generated from them.
#include <string_view>
#include <vector>

#include "salescomp/arrow/table_spec.hpp"

namespace salescomp::arrow {

// All declared tables, in documentation order.
const std::vector<TableSpec>& table_specs();
// The spec named `name` ("people", "deals", ...); a LookupError for an unknown name.
const TableSpec& table_spec(std::string_view name);

}  // namespace salescomp::arrow
