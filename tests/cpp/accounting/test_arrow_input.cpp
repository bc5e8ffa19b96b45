// The accounting input book read from Arrow tables (read_book): values as
// written, every bad cell and broken rule with its 1-based row, unknown
// columns refused by name.
#include <gtest/gtest.h>

#include <salescomp/accounting/accounting_arrow.hpp>
#include <salescomp/arrow/export_table.hpp>
#include <set>

namespace salescomp {
namespace {

using arrow::ExportColumn;
using arrow::ExportTable;
using arrow::ImportedTable;

ImportedTable import(const ExportTable& t, const char* source) {
  ArrowArrayStream stream{};
  t.export_stream(&stream);
  return ImportedTable::from_stream(&stream, source);
}

int32_t day(const char* iso) { return Date::parse(iso).days(); }

// Three cost lines with text ids given out of order, amounts as decimals.
ExportTable text_costs() {
  ExportTable t;
  t.add(ExportColumn::texts("line_id", std::vector<std::string>{"L-b", "L-a", "Zürich/7"}));
  t.add(ExportColumn::texts("person", std::vector<std::string>{"ae-2", "ae-1", "ae-2"}));
  t.add(ExportColumn::decimals("amount", {120000, 30000, 900}, 2));  // 1200.00, 300.00, 9.00
  t.add(ExportColumn::texts("currency", std::vector<std::string>{"USD", "USD", "JPY"}));
  t.add(ExportColumn::dates("incurred", {day("2026-01-15"), day("2026-01-15"), day("2026-02-01")}));
  t.add(ExportColumn::dates("contract_start", {day("2026-01-15"), day("2026-01-15"), day("2026-02-01")}));
  t.add(ExportColumn::int64s("term_months", {12, 3, 3}));
  t.add(ExportColumn::bools("incremental", {1, 1, 1}));
  return t;
}

std::set<std::pair<int64_t, std::string>> where(const ValidationError& e) {
  std::set<std::pair<int64_t, std::string>> out;
  for (const Issue& i : e.issues()) out.insert({i.row.value_or(-1), i.field});
  return out;
}

TEST(AccountingArrow, TextIdsAreCodedInTextOrderAndAmountsReadExactly) {
  const ImportedTable costs = import(text_costs(), "costs");
  ExportTable ev;
  ev.add(ExportColumn::texts("line_id", std::vector<std::string>{"L-b"}));
  ev.add(ExportColumn::texts("kind", std::vector<std::string>{"clawback"}));
  ev.add(ExportColumn::dates("date", {day("2026-04-20")}));
  ev.add(ExportColumn::texts("amount", std::vector<std::string>{"300.00"}));
  const ImportedTable events = import(ev, "events");
  const AccountingBook b = read_book(costs, &events, nullptr, AmortisationPolicy{});
  EXPECT_TRUE(b.ids.text_line_ids);
  EXPECT_EQ(b.ids.line_ids, (std::vector<std::string>{"L-a", "L-b", "Zürich/7"}));  // byte order
  EXPECT_EQ(b.ids.people, (std::vector<std::string>{"ae-2", "ae-1"}));              // first appearance
  const AssetTable a = b.book->assets();
  ASSERT_EQ(a.line_id.size(), 3u);
  EXPECT_EQ(a.line_id, (std::vector<int64_t>{0, 1, 2}));
  // L-a 300.00 USD, L-b 1200.00 USD, Zürich/7 9 JPY (9.00 at scale 2 is exactly 9 yen).
  EXPECT_EQ(a.amount, (std::vector<int64_t>{30000, 120000, 9}));
  EXPECT_EQ(a.person, (std::vector<int64_t>{1, 0, 0}));
  // L-b: 1200.00 over 12 months = 100.00 a month; 300.00 clawed back in April (reduced).
  EXPECT_EQ(a.reduced[1], 30000);
  EXPECT_EQ(a.amortised[1] + a.reduced[1] + a.written_off[1], 120000);
}

TEST(AccountingArrow, EveryBadCellAndRuleIsListedWithOneBasedRows) {
  ExportTable t;
  t.add(ExportColumn::int64s("line_id", {1, 2, 2, 4, 5}));
  t.add(ExportColumn::texts("amount", std::vector<std::string>{"10.00", "12.345", "1.00", "-3.00", "1e3"}));
  t.add(ExportColumn::texts("currency", std::vector<std::string>{"USD", "USD", "ZZZ", "USD", "USD"}));
  t.add(ExportColumn::texts("incurred", std::vector<std::string>{"2026-01-01", "2026-01-01", "2026-01-01",
                                                                 "2026-02-30", "2026-01-01"}));
  t.add(ExportColumn::dates("contract_start", std::vector<int32_t>(5, day("2026-01-01"))));
  // 2^32 + 36 must not be read as 36.
  t.add(ExportColumn::texts("term_months", std::vector<std::string>{"12", "3", "3", "3", "4294967332"}));
  t.add(ExportColumn::texts("incremental", std::vector<std::string>{"true", "true", "yes", "true", "true"}));
  t.add(ExportColumn::texts("kind",
                            std::vector<std::string>{"initial", "initial", "initial", "upsell", "initial"}));
  const ImportedTable costs = import(t, "costs");
  ExportTable ev;
  ev.add(ExportColumn::int64s("line_id", {1, 99}));
  ev.add(ExportColumn::texts("kind", std::vector<std::string>{"extension", "termination"}));
  ev.add(ExportColumn::dates("date", {day("2026-02-01"), day("2026-02-01")}));
  const ImportedTable events = import(ev, "events");
  try {
    (void)read_book(costs, &events, nullptr, AmortisationPolicy{});
    FAIL() << "bad rows must be refused";
  } catch (const ValidationError& e) {
    EXPECT_EQ(e.id(), "SC-ACCT-INPUT");
    const std::set<std::pair<int64_t, std::string>> expected = {
        {5, "term_months"},    // 4294967332 is outside the 32-bit range
        {2, "amount"},         // three decimals for USD
        {3, "line_id"},        // duplicate of row 2 (the book's rule)
        {3, "currency"},       // not ISO 4217
        {3, "incremental"},    // "yes"
        {4, "amount"},         // negative (the book's rule)
        {4, "incurred"},       // no 30 February
        {4, "kind"},           // not a cost kind
        {5, "amount"},         // not a plain decimal
        {1, "event.months"},   // an extension needs months
        {2, "event.line_id"},  // no cost line 99 (the book's rule)
    };
    EXPECT_EQ(where(e), expected) << e.what();
    for (const Issue& i : e.issues()) {
      EXPECT_FALSE(i.rule.empty()) << i.field;
      if (i.field == "term_months") EXPECT_EQ(i.value, "4294967332");
      if (i.field == "line_id") EXPECT_NE(i.rule.find("first on row 2"), std::string::npos) << i.rule;
    }
    // Costs first, then events; rows ascending within each.
    EXPECT_EQ(e.issues().back().field.rfind("event.", 0), 0u);
  }
}

TEST(AccountingArrow, UnknownColumnsAreRefusedAndNamed) {
  ExportTable t = text_costs();
  t.add(ExportColumn::int64s("term_month", {1, 2, 3}));
  const ImportedTable costs = import(t, "costs.csv");
  try {
    (void)read_book(costs, nullptr, nullptr, AmortisationPolicy{});
    FAIL() << "an unknown column must be refused";
  } catch (const ValidationError& e) {
    EXPECT_EQ(e.id(), "SC-TABLE-COLUMNS");
    ASSERT_EQ(e.issues().size(), 1u);
    EXPECT_EQ(e.issues()[0].value, "term_month");
    EXPECT_EQ(e.issues()[0].source, "costs.csv");
    EXPECT_NE(e.issues()[0].rule.find("did you mean 'term_months'"), std::string::npos);
  }
  BookReadOptions lenient;
  lenient.ignore_extra_columns = true;
  EXPECT_EQ(read_book(costs, nullptr, nullptr, AmortisationPolicy{}, lenient).book->asset_count(), 3u);
}

TEST(AccountingArrow, IntegerIdsAndMinorUnitsAndRevenueWeights) {
  // 1000 cents over 3 months in proportion to revenue 1 : 2 : 7 -> 100, 200, 700.
  ExportTable t;
  t.add(ExportColumn::int64s("line_id", {7}));
  t.add(ExportColumn::int64s("amount_minor", {1000}));
  t.add(ExportColumn::texts("currency", std::vector<std::string>{"USD"}));
  t.add(ExportColumn::dates("incurred", {day("2026-01-01")}));
  t.add(ExportColumn::dates("contract_start", {day("2026-01-01")}));
  t.add(ExportColumn::int32s("term_months", {3}));
  t.add(ExportColumn::bools("incremental", {1}));
  t.add(ExportColumn::texts("pattern", std::vector<std::string>{"revenue_proportional"}));
  const ImportedTable costs = import(t, "costs");
  ExportTable r;
  r.add(ExportColumn::texts("line_id", std::vector<std::string>{"7", "7", "7"}));  // integer text
  r.add(ExportColumn::dates("month", {day("2026-01-01"), day("2026-02-10"), day("2026-03-31")}));
  r.add(ExportColumn::decimals("weight", {10, 20, 70}, 1));  // 1.0, 2.0, 7.0
  const ImportedTable revenue = import(r, "revenue");
  const AccountingBook b = read_book(costs, nullptr, &revenue, AmortisationPolicy{});
  EXPECT_FALSE(b.ids.text_line_ids);
  const AmortisationSchedule s = b.book->schedule();
  EXPECT_EQ(s.amortisation, (std::vector<int64_t>{100, 200, 700}));
}

}  // namespace
}  // namespace salescomp
