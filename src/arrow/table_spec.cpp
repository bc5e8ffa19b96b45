#include "salescomp/arrow/table_spec.hpp"

#include <algorithm>

#include "salescomp/core/error.hpp"

namespace salescomp::arrow {

const FieldSpec* TableSpec::field(std::string_view field_name) const noexcept {
  for (const FieldSpec& f : fields)
    if (f.name == field_name) return &f;
  return nullptr;
}

std::string_view to_string(FieldKind kind) noexcept {
  switch (kind) {
    case FieldKind::Id:
      return "id";
    case FieldKind::Text:
      return "text";
    case FieldKind::Code:
      return "code";
    case FieldKind::Date:
      return "date";
    case FieldKind::Money:
      return "money";
    case FieldKind::MinorUnits:
      return "minor units";
    case FieldKind::Rate:
      return "rate";
    case FieldKind::Integer:
      return "integer";
    case FieldKind::Boolean:
      return "boolean";
    case FieldKind::Timestamp:
      return "timestamp";
    case FieldKind::IdList:
      return "id list";
  }
  return "?";
}

std::string_view accepted_types(FieldKind kind) noexcept {
  switch (kind) {
    case FieldKind::Id:
      return "utf8, large_utf8, string_view or dictionary of those; integers (read as their decimal text)";
    case FieldKind::Text:
    case FieldKind::Code:
      return "utf8, large_utf8, string_view or dictionary of those";
    case FieldKind::Date:
      return "date32, date64, timestamp at midnight (no time zone or UTC), text YYYY-MM-DD";
    case FieldKind::Money:
      return "decimal32/64/128/256, decimal text -?digits[.digits]";
    case FieldKind::MinorUnits:
      return "any integer type";
    case FieldKind::Rate:
      return "decimal32/64/128/256, decimal text (at most 12 decimal places)";
    case FieldKind::Integer:
      return "any integer type, integer text -?digits";
    case FieldKind::Boolean:
      return "bool, text true / false";
    case FieldKind::Timestamp:
      return "timestamp (no time zone or UTC), text YYYY-MM-DDTHH:MM:SS";
    case FieldKind::IdList:
      return "list or large_list of text (or of a dictionary of text)";
  }
  return "?";
}

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

// Why a column of type `t` cannot hold field `f`, or "" when it can.
std::string type_problem(const DataType& t, const FieldSpec& f) {
  if (t.id == TypeId::Null && !t.dictionary) return "";  // all null: treated as absent / missing values
  if (t.is_float() && (f.kind == FieldKind::Money || f.kind == FieldKind::Rate))
    return "a binary float (" + t.describe() + ") is not an exact amount: give decimal128 or decimal text";
  const bool text = t.is_text_like();
  bool ok = false;
  switch (f.kind) {
    case FieldKind::Id:
      ok = text || (t.is_integer() && !t.dictionary);
      break;
    case FieldKind::Text:
    case FieldKind::Code:
      ok = text;
      break;
    case FieldKind::Date:
      ok = text || t.id == TypeId::Date32 || t.id == TypeId::Date64 || t.id == TypeId::Timestamp;
      break;
    case FieldKind::Money:
      if (t.is_integer() && !t.dictionary)
        return "integers are ambiguous as money (units or cents?): give decimal128 or decimal text";
      ok = text || t.is_decimal();
      break;
    case FieldKind::Rate:
      ok = text || t.is_decimal();
      break;
    case FieldKind::MinorUnits:
      ok = t.is_integer() && !t.dictionary;
      break;
    case FieldKind::Integer:
      ok = text || (t.is_integer() && !t.dictionary);
      break;
    case FieldKind::Boolean:
      ok = text || t.id == TypeId::Bool;
      break;
    case FieldKind::Timestamp:
      ok = text || t.id == TypeId::Timestamp;
      break;
    case FieldKind::IdList:
      ok = t.is_list() && t.value && t.value->is_text_like();
      break;
  }
  if (ok) return "";
  return "a " + std::string(to_string(f.kind)) + " column cannot be read from " + t.describe() +
         " (accepted: " + std::string(accepted_types(f.kind)) + ")";
}

}  // namespace

std::string nearest_name(std::string_view name, const std::vector<std::string_view>& known) {
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(3, name.size() / 3) + 1;
  for (std::string_view k : known) {
    const std::size_t d = edit_distance(name, k);
    if (d < best_distance) {
      best_distance = d;
      best = std::string(k);
    }
  }
  return best;
}

const Column* BoundTable::get(std::string_view name) const {
  for (std::size_t k = 0; k < spec_->fields.size(); ++k)
    if (spec_->fields[k].name == name) return columns_[k];
  throw LookupError("SC-TABLE-FIELD",
                    "table " + std::string(spec_->name) + " declares no field '" + std::string(name) + "'");
}

BoundTable bind(const ImportedTable& table, const TableSpec& spec, const BindOptions& options) {
  std::vector<Issue> issues;
  auto issue = [&](std::string field, std::string value, std::string rule) {
    issues.push_back(
        Issue{std::nullopt, std::move(field), std::move(value), std::move(rule), table.source()});
  };
  std::vector<std::string_view> known;
  for (const FieldSpec& f : spec.fields) known.push_back(f.name);
  for (const Column& c : table.columns()) {
    if (spec.field(c.name) != nullptr || options.ignore_extra_columns) continue;
    const std::string near = nearest_name(c.name, known);
    issue("column", c.name,
          "unknown column of table " + std::string(spec.name) +
              (near.empty() ? "" : " (did you mean '" + near + "'?)") +
              "; pass ignore_extra_columns to read the table anyway");
  }
  std::vector<const Column*> columns;
  for (const FieldSpec& f : spec.fields) {
    const Column* c = table.find(f.name);
    if (c == nullptr) {
      if (f.required)
        issue("column", std::string(f.name),
              "required column of table " + std::string(spec.name) + " is missing");
      columns.push_back(nullptr);
      continue;
    }
    const std::string problem = type_problem(c->type, f);
    if (!problem.empty()) issue(std::string(f.name), c->type.describe(), problem);
    const bool all_null = c->type.id == TypeId::Null && !c->type.dictionary;
    columns.push_back(all_null && !f.required ? nullptr : c);
  }
  if (!issues.empty()) throw ValidationError("SC-TABLE-COLUMNS", std::move(issues));
  return BoundTable(table, spec, std::move(columns));
}

}  // namespace salescomp::arrow
