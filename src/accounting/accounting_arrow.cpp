// Reading the accounting input book from Arrow: the cells first (every bad
// cell of the three tables), then the book's own rules on what could be read;
// a cell reported once is not reported again by a rule that tripped over the
// placeholder it was given.
#include "salescomp/accounting/accounting_arrow.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <limits>
#include <optional>
#include <set>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "salescomp/arrow/cell_issues.hpp"
#include "salescomp/arrow/column_readers.hpp"
#include "salescomp/arrow/money_columns.hpp"
#include "salescomp/arrow/table_spec.hpp"
#include "salescomp/arrow/table_specs.hpp"
#include "salescomp/arrow/text_cells.hpp"

namespace salescomp {

// Named (not anonymous) so that a unity build batching src/ files cannot clash.
namespace accounting_arrow_detail {

using arrow::BoundTable;
using arrow::CellIssues;
using arrow::Column;
using arrow::ImportedTable;

constexpr int64_t kNull = std::numeric_limits<int64_t>::min();  // "no value" of an integer cell
constexpr int64_t kMin32 = std::numeric_limits<int32_t>::min(), kMax32 = std::numeric_limits<int32_t>::max();
// Placeholder ids of line_id cells that could not be read: unique per row, far from real ids.
constexpr int64_t kBadIdBase = -(int64_t(1) << 62);

constexpr std::array<CostKind, 3> kKinds = {CostKind::Initial, CostKind::Renewal, CostKind::Expansion};
constexpr std::array<AmortisationPattern, 2> kPatterns = {AmortisationPattern::StraightLine,
                                                          AmortisationPattern::RevenueProportional};
constexpr std::array<AssetEventKind, 4> kEventKinds = {AssetEventKind::Clawback, AssetEventKind::Extension,
                                                       AssetEventKind::ChangeInEstimate,
                                                       AssetEventKind::Termination};

// Every problem found so far, and the cells (1-based row, prefixed field) they name.
class Findings {
 public:
  void add(Issue issue) {
    if (issue.row) mark(*issue.row, issue.field);
    issues_.push_back(std::move(issue));
  }
  // Reads with a CellIssues of its own and keeps what it reported, fields prefixed.
  template <class Read>
  auto read(const ImportedTable& table, const std::string& prefix, Read&& read_cells) {
    CellIssues cells(table.source());
    auto out = read_cells(cells);
    try {
      cells.throw_if_any("SC-ACCT-INPUT");
    } catch (const ValidationError& e) {
      for (Issue i : e.issues()) {
        if (!i.field.empty()) i.field = prefix + i.field;
        if (!(i.row && bad_.count({*i.row, i.field}))) add(std::move(i));  // reported before the reader
      }
    }
    return out;
  }
  void mark(int64_t row, const std::string& field) {
    bad_.insert({row, field});
    // The amount of a line is one field whichever column holds it.
    const auto minor = field.rfind("amount_minor");
    if (minor != std::string::npos) bad_.insert({row, field.substr(0, minor) + "amount"});
  }
  // Whether the cell at 0-based `row` of `field` was reported.
  bool bad(int64_t row, const std::string& field) const { return bad_.count({row + 1, field}) != 0; }
  std::vector<Issue>& issues() noexcept { return issues_; }

 private:
  std::vector<Issue> issues_;
  std::set<std::pair<int64_t, std::string>> bad_;
};

std::string shown(std::string_view text) { return std::string(text.substr(0, 80)); }

// Integer line ids (an integer column, or text that must be integers).
std::vector<int64_t> integer_ids(const Column& column, CellIssues& cells) {
  std::vector<int64_t> out(std::size_t(column.length));
  arrow::for_each_id(column, [&](int64_t row, std::optional<std::string_view> text) {
    out[std::size_t(row)] = kBadIdBase - row;
    if (!text) return cells.add(row, column.name, "", "a line_id is required");
    int64_t v = 0;
    const char* end = text->data() + text->size();
    const auto [ptr, ec] = std::from_chars(text->data(), end, v);
    if (ec == std::errc::result_out_of_range)
      return cells.add(row, column.name, shown(*text), "outside the 64-bit integer range");
    if (ec != std::errc() || ptr != end)
      return cells.add(row, column.name, shown(*text),
                       "expected an integer (the other line ids are integers)");
    out[std::size_t(row)] = v;
  });
  return out;
}

// Text line ids of the cost table (a text-like column): codes in byte order of the texts.
std::vector<int64_t> text_ids(const Column& column, std::vector<std::string>& texts, CellIssues& cells) {
  std::vector<std::string_view> cell(std::size_t(column.length));
  std::vector<uint8_t> ok(std::size_t(column.length), 0);
  arrow::for_each_text(column, [&](int64_t row, std::optional<std::string_view> text) {
    if (!text) return cells.add(row, column.name, "", "a line_id is required");
    if (const char* problem = arrow::id_text_problem(*text))
      return cells.add(row, column.name, shown(*text), problem);
    cell[std::size_t(row)] = *text;
    ok[std::size_t(row)] = 1;
  });
  std::vector<std::string_view> sorted;
  sorted.reserve(cell.size());
  for (std::size_t i = 0; i < cell.size(); ++i)
    if (ok[i]) sorted.push_back(cell[i]);
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  std::vector<int64_t> out(cell.size());
  for (std::size_t i = 0; i < cell.size(); ++i)
    out[i] = ok[i] ? int64_t(std::lower_bound(sorted.begin(), sorted.end(), cell[i]) - sorted.begin())
                   : kBadIdBase - int64_t(i);
  texts.assign(sorted.begin(), sorted.end());
  return out;
}

// Line ids of an events or revenue table, in the cost table's id space.
std::vector<int64_t> line_refs(const Column& column, bool integers, const std::vector<std::string>& texts,
                               CellIssues& cells) {
  if (integers) return integer_ids(column, cells);
  std::vector<int64_t> out(std::size_t(column.length));
  arrow::for_each_id(column, [&](int64_t row, std::optional<std::string_view> text) {
    out[std::size_t(row)] = kBadIdBase - row;
    if (!text) return cells.add(row, column.name, "", "a line_id is required");
    const auto it = std::lower_bound(texts.begin(), texts.end(), *text);
    if (it == texts.end() || *it != *text)
      return cells.add(row, column.name, shown(*text), "no cost line has this line_id");
    out[std::size_t(row)] = int64_t(it - texts.begin());
  });
  return out;
}

// Lineage ids coded in order of first appearance (-1: none).
std::vector<int64_t> lineage(const Column* column, int64_t rows, std::vector<std::string>& names) {
  std::vector<int64_t> out(std::size_t(rows), -1);
  if (column == nullptr) return out;
  std::unordered_map<std::string, int64_t> code;
  arrow::for_each_id(*column, [&](int64_t row, std::optional<std::string_view> text) {
    if (!text) return;
    auto [it, added] = code.try_emplace(std::string(*text), int64_t(names.size()));
    if (added) names.emplace_back(*text);
    out[std::size_t(row)] = it->second;
  });
  return out;
}

template <class Enum, std::size_t N>
std::vector<Enum> read_choices(const Column* column, int64_t rows, const std::array<Enum, N>& options,
                               Enum fallback, CellIssues& cells) {
  std::vector<Enum> out(std::size_t(rows), fallback);
  if (column == nullptr) return out;
  std::string rule = "expected one of";
  for (Enum e : options) rule += " '" + std::string(to_string(e)) + "'";
  arrow::for_each_text(*column, [&](int64_t row, std::optional<std::string_view> text) {
    if (text)
      for (Enum e : options)
        if (to_string(e) == *text) return void(out[std::size_t(row)] = e);
    cells.add(row, column->name, text ? shown(*text) : "", rule);
  });
  return out;
}

std::vector<Date> read_dates(const Column& column, CellIssues& cells) {
  const std::vector<int32_t> days = arrow::read_days(column, true, cells);
  std::vector<Date> out(days.size());
  for (std::size_t i = 0; i < days.size(); ++i)
    out[i] = days[i] == arrow::kNoDay ? Date{} : Date::from_days(days[i]);
  return out;
}

std::vector<int64_t> read_optional_integers(const Column* column, int64_t rows, CellIssues& cells) {
  if (column == nullptr) return std::vector<int64_t>(std::size_t(rows), kNull);
  return arrow::read_integers(*column, kMin32, kMax32, false, kNull, cells);
}

// The amount column of a table: `amount` (decimal) or `amount_minor` (integers); not both.
struct AmountColumn {
  const Column* column = nullptr;
  bool minor = false;
};

AmountColumn amount_column(const BoundTable& t, const std::string& prefix, Findings& found, bool required) {
  const Column* decimal = t.get("amount");
  const Column* minor = t.get("amount_minor");
  if ((decimal != nullptr && minor != nullptr) || (required && decimal == nullptr && minor == nullptr))
    found.add(
        Issue{std::nullopt, prefix + "amount", "",
              "give exactly one of 'amount' (decimal, in currency units) and 'amount_minor' (integer minor "
              "units)",
              t.table().source()});
  return minor != nullptr && decimal == nullptr ? AmountColumn{minor, true} : AmountColumn{decimal, false};
}

CommissionCostTable read_costs(const BoundTable& t, bool integer_line_ids, BookIds& ids, Findings& found) {
  const ImportedTable& table = t.table();
  const int64_t n = t.num_rows();
  CommissionCostTable c;
  c.line_id = found.read(table, "", [&](CellIssues& cells) {
    return integer_line_ids ? integer_ids(*t.get("line_id"), cells)
                            : text_ids(*t.get("line_id"), ids.line_ids, cells);
  });
  c.person = lineage(t.get("person"), n, ids.people);
  c.contract = lineage(t.get("contract"), n, ids.contracts);
  c.currency = found.read(
      table, "", [&](CellIssues& cells) { return arrow::read_currencies(*t.get("currency"), cells); });
  const AmountColumn amount = amount_column(t, "", found, true);
  c.amount = std::vector<int64_t>(std::size_t(n), 1);
  if (amount.column != nullptr)
    c.amount = found.read(table, "", [&](CellIssues& cells) {
      if (amount.minor) return arrow::read_minor_units(*amount.column, cells);
      return arrow::read_money(
          *amount.column, [&](int64_t row) { return c.currency[std::size_t(row)].exponent(); }, std::nullopt,
          cells);
    });
  for (std::size_t i = 0; i < std::size_t(n); ++i)
    if (!c.currency[i].valid()) {  // reported: placeholders the book accepts
      c.currency[i] = Currency::of("XCD");
      c.amount[i] = 1;
    }
  c.incurred =
      found.read(table, "", [&](CellIssues& cells) { return read_dates(*t.get("incurred"), cells); });
  c.contract_start =
      found.read(table, "", [&](CellIssues& cells) { return read_dates(*t.get("contract_start"), cells); });
  c.incremental = found.read(
      table, "", [&](CellIssues& cells) { return arrow::read_bools(*t.get("incremental"), true, 1, cells); });
  c.renewal_commensurate = found.read(table, "", [&](CellIssues& cells) {
    const Column* col = t.get("renewal_commensurate");
    return col == nullptr ? std::vector<uint8_t>(std::size_t(n), 1) : arrow::read_bools(*col, true, 1, cells);
  });
  c.kind = found.read(table, "", [&](CellIssues& cells) {
    return read_choices(t.get("kind"), n, kKinds, CostKind::Initial, cells);
  });
  c.pattern = found.read(table, "", [&](CellIssues& cells) {
    return read_choices(t.get("pattern"), n, kPatterns, AmortisationPattern::StraightLine, cells);
  });
  const std::vector<int64_t> term = found.read(
      table, "", [&](CellIssues& cells) { return read_optional_integers(t.get("term_months"), n, cells); });
  const std::vector<int64_t> life = found.read(table, "", [&](CellIssues& cells) {
    return read_optional_integers(t.get("customer_life_months"), n, cells);
  });
  c.term_months.resize(std::size_t(n));
  c.customer_life_months.resize(std::size_t(n));
  for (std::size_t i = 0; i < std::size_t(n); ++i) {
    const int64_t row = int64_t(i);
    // A missing term is fine on a cost that is not incremental (it is expensed).
    if (term[i] != kNull)
      c.term_months[i] = int32_t(term[i]);
    else if (found.bad(row, "term_months") || !c.incremental[i])
      c.term_months[i] = found.bad(row, "term_months") ? 1 : 0;
    else {
      found.add(
          Issue{row + 1, "term_months", "", "a term is required for an incremental cost", table.source()});
      c.term_months[i] = 1;
    }
    c.customer_life_months[i] = life[i] == kNull ? 0 : int32_t(life[i]);
  }
  return c;
}

AssetEventTable read_events(const BoundTable& t, bool integer_line_ids, const CommissionCostTable& costs,
                            const BookIds& ids, Findings& found) {
  const ImportedTable& table = t.table();
  const std::string p = "event.";
  const int64_t n = t.num_rows();
  AssetEventTable e;
  e.line_id = found.read(table, p, [&](CellIssues& cells) {
    return line_refs(*t.get("line_id"), integer_line_ids, ids.line_ids, cells);
  });
  e.kind = found.read(table, p, [&](CellIssues& cells) {
    return read_choices(t.get("kind"), n, kEventKinds, AssetEventKind::Termination, cells);
  });
  e.date = found.read(table, p, [&](CellIssues& cells) { return read_dates(*t.get("date"), cells); });

  // Clawback amounts are in the currency of the line they name.
  std::unordered_map<int64_t, Currency> currency_of;
  for (std::size_t i = 0; i < costs.size(); ++i) currency_of.emplace(costs.line_id[i], costs.currency[i]);
  const AmountColumn amount = amount_column(t, p, found, false);
  e.amount.assign(std::size_t(n), 0);
  std::vector<uint8_t> has_amount(std::size_t(n), 0);
  found.read(table, p, [&](CellIssues& cells) {
    if (amount.column == nullptr) return 0;
    if (amount.minor) {
      const auto minor = arrow::read_integers(*amount.column, std::numeric_limits<int64_t>::min() + 1,
                                              std::numeric_limits<int64_t>::max(), false, kNull, cells);
      for (std::size_t i = 0; i < minor.size(); ++i)
        if (minor[i] != kNull) e.amount[i] = minor[i], has_amount[i] = 1;
      return 0;
    }
    arrow::detail::for_each_decimal(
        *amount.column, cells, [&](int64_t row, const arrow::detail::DecimalCell& cell) {
          const auto i = std::size_t(row);
          if (e.kind[i] != AssetEventKind::Clawback || cell.state == arrow::detail::DecimalCell::State::Null)
            return;
          has_amount[i] = 1;
          e.amount[i] = 1;  // placeholder unless read below
          const auto it = currency_of.find(e.line_id[i]);
          if (cell.state != arrow::detail::DecimalCell::State::Ok || it == currency_of.end()) return;
          if (!arrow::detail::rescale_to_minor(cell, it->second.exponent(), std::nullopt, row,
                                               amount.column->name, cells, e.amount[i]))
            e.amount[i] = 1;
        });
    return 0;
  });
  const std::vector<int64_t> months = found.read(
      table, p, [&](CellIssues& cells) { return read_optional_integers(t.get("months"), n, cells); });
  e.months.assign(std::size_t(n), 0);
  const std::string amount_field = p + (amount.minor ? "amount_minor" : "amount");
  for (std::size_t i = 0; i < std::size_t(n); ++i) {
    const int64_t row = int64_t(i);
    switch (e.kind[i]) {
      case AssetEventKind::Clawback:
        if (!has_amount[i] && !found.bad(row, amount_field)) {
          found.add(Issue{row + 1, amount_field, "", "a clawback needs an amount", table.source()});
          e.amount[i] = 1;
        }
        if (!currency_of.count(e.line_id[i])) e.amount[i] = 1;  // the unknown line is reported
        break;
      case AssetEventKind::Extension:
      case AssetEventKind::ChangeInEstimate:
        if (months[i] != kNull) {
          e.months[i] = int32_t(months[i]);
        } else {
          if (!found.bad(row, p + "months"))
            found.add(Issue{row + 1, p + "months", "", "an extension or change in estimate needs months",
                            table.source()});
          e.months[i] = 1;
        }
        e.amount[i] = 0;
        break;
      case AssetEventKind::Termination:
        e.amount[i] = 0;
        break;
    }
  }
  return e;
}

RevenueScheduleTable read_revenue(const BoundTable& t, bool integer_line_ids, const BookIds& ids,
                                  Findings& found) {
  const ImportedTable& table = t.table();
  const std::string p = "revenue.";
  RevenueScheduleTable r;
  r.line_id = found.read(table, p, [&](CellIssues& cells) {
    return line_refs(*t.get("line_id"), integer_line_ids, ids.line_ids, cells);
  });
  r.month = found.read(table, p, [&](CellIssues& cells) { return read_dates(*t.get("month"), cells); });
  // Weights as units of 10^-4: only their proportions matter.
  r.weight = found.read(table, p, [&](CellIssues& cells) {
    return arrow::read_money(
        *t.get("weight"), [](int64_t) { return 4; }, std::nullopt, cells);
  });
  return r;
}

int table_rank(const Issue& i) {
  return i.field.rfind("event.", 0) == 0 ? 1 : i.field.rfind("revenue.", 0) == 0 ? 2 : 0;
}

}  // namespace accounting_arrow_detail

BookTables read_book_tables(const arrow::ImportedTable& costs, const arrow::ImportedTable* events,
                            const arrow::ImportedTable* revenue, const BookReadOptions& options) {
  using namespace accounting_arrow_detail;
  const arrow::BindOptions bind_options{options.ignore_extra_columns};
  // Columns of all three tables first: one error for every unknown, missing or mistyped column.
  std::vector<Issue> column_issues;
  auto bind = [&](const ImportedTable* table, const char* spec) -> std::optional<BoundTable> {
    if (table == nullptr) return std::nullopt;
    try {
      return arrow::bind(*table, arrow::table_spec(spec), bind_options);
    } catch (const ValidationError& e) {
      column_issues.insert(column_issues.end(), e.issues().begin(), e.issues().end());
      return std::nullopt;
    }
  };
  const auto c = bind(&costs, "commission_costs");
  const auto e = bind(events, "asset_events");
  const auto r = bind(revenue, "revenue_schedule");
  if (!column_issues.empty()) throw ValidationError("SC-TABLE-COLUMNS", std::move(column_issues));

  Findings found;
  for (const Issue& i : options.prior_issues) found.add(i);
  BookTables out;
  const bool integers = options.integer_line_ids || !c->get("line_id")->type.is_text_like();
  out.ids.text_line_ids = !integers;
  out.costs = read_costs(*c, integers, out.ids, found);
  if (e) out.events = read_events(*e, integers, out.costs, out.ids, found);
  if (r) out.revenue = read_revenue(*r, integers, out.ids, found);
  out.issues = std::move(found.issues());
  return out;
}

AccountingBook read_book(const arrow::ImportedTable& costs, const arrow::ImportedTable* events,
                         const arrow::ImportedTable* revenue, const AmortisationPolicy& policy,
                         const BookReadOptions& options) {
  using namespace accounting_arrow_detail;
  BookTables t = read_book_tables(costs, events, revenue, options);
  Findings found;
  for (Issue& i : t.issues) found.add(std::move(i));
  std::vector<Issue>& issues = found.issues();
  try {
    auto book = std::make_shared<const AmortisationBook>(std::move(t.costs), std::move(t.events),
                                                         std::move(t.revenue), policy);
    if (issues.empty()) return AccountingBook{std::move(book), std::move(t.ids)};
  } catch (const ValidationError& err) {
    // The book's rules on cells already reported met placeholders: drop those findings.
    for (const Issue& i : err.issues())
      if (!(i.row && found.bad(*i.row - 1, i.field))) issues.push_back(i);
  }
  std::stable_sort(issues.begin(), issues.end(), [](const Issue& a, const Issue& b) {
    return std::pair(table_rank(a), a.row.value_or(0)) < std::pair(table_rank(b), b.row.value_or(0));
  });
  throw ValidationError("SC-ACCT-INPUT", std::move(issues));
}

}  // namespace salescomp
