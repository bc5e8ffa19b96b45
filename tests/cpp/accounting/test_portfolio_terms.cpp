// Portfolio terms (credit-weighted average deal term per person and quarter): the
// same from crediting's own table as from its Arrow export, with hand-computed values.
#include <gtest/gtest.h>

#include <salescomp/accounting/portfolio_terms.hpp>
#include <salescomp/arrow/export_table.hpp>
#include <salescomp/arrow/money_columns.hpp>

namespace salescomp {
namespace {

int32_t day(const char* iso) { return Date::parse(iso).days(); }

struct Credit {
  int32_t person;
  int64_t deal;
  const char* date;
  int64_t minor;
  const char* currency;
};

CreditTable table_of(const std::vector<Credit>& credits) {
  CreditTable t;
  for (const Credit& c : credits) {
    t.person.push_back(c.person);
    t.deal.push_back(c.deal);
    t.date.push_back(Date::parse(c.date));
    t.amount.push_back(c.minor);
    t.currency.push_back(Currency::of(c.currency));
  }
  return t;
}

// What the credits' Arrow export hands the Arrow overload: ids, rows, dates, decimals.
arrow::ImportedTable exported(const CreditTable& t, const std::vector<std::string>& roster) {
  std::vector<std::string> ids;
  std::vector<int32_t> days;
  for (std::size_t k = 0; k < t.person.size(); ++k) {
    ids.push_back(roster[std::size_t(t.person[k])]);
    days.push_back(t.date[k].days());
  }
  arrow::ExportTable out;
  out.add(arrow::ExportColumn::texts("person_id", ids));
  out.add(arrow::ExportColumn::int64s("deal_row", t.deal));
  out.add(arrow::ExportColumn::dates("date", days));
  out.add(arrow::money_column("amount", t.amount, t.currency));
  ArrowArrayStream stream{};
  out.export_stream(&stream);
  return arrow::ImportedTable::from_stream(&stream, "credits");
}

TEST(PortfolioTerms, CreditingsTableGivesTheTermsOfItsExport) {
  // Roster: 0 = cro, 1 = a, 2 = b. Deal terms: 12, 36, 13, 7 months.
  // a, Q1: 100.00 USD on deal 0 and 100 JPY on deal 1. The export's common scale is 2, so
  //   100 JPY weighs 100.00: (12 + 36) / 2 = 24. (Minor units, 10000 vs 100, would give 12.)
  // a, Q2: -5.00 USD (not positive: ignored) and 0.03 USD on deal 3 -> 7.
  // b, Q1: 0.01 USD on deal 0 and 0.01 USD on deal 2: (12 + 13) / 2 = 12.5 -> 12 (half-even).
  // b, Q3: after the last quarter -> none. cro: not asked for.
  const CreditTable t = table_of({{1, 0, "2026-01-10", 10000, "USD"},
                                  {1, 1, "2026-02-10", 100, "JPY"},
                                  {1, 2, "2026-04-02", -500, "USD"},
                                  {1, 3, "2026-06-30", 3, "USD"},
                                  {2, 0, "2026-03-31", 1, "USD"},
                                  {2, 2, "2026-01-01", 1, "USD"},
                                  {2, 1, "2026-07-01", 900, "USD"},
                                  {0, 1, "2026-01-10", 500, "USD"}});
  const std::vector<int32_t> terms{12, 36, 13, 7};
  const std::vector<int32_t> ends{day("2026-03-31"), day("2026-06-30")};
  const std::vector<std::string> roster{"cro", "a", "b"};
  // Output rows: b, a, zz (no credits); the cro is not counted.
  const std::vector<std::string> asked{"b", "a", "zz"};
  const PortfolioTerms in_place = portfolio_terms(t, {-1, 1, 0}, asked.size(), terms, ends);
  ASSERT_EQ(in_place.quarters, 2u);
  EXPECT_EQ(in_place.at(0, 1), 12);
  EXPECT_EQ(in_place.at(0, 2), kNoPortfolioTerm);
  EXPECT_EQ(in_place.at(1, 1), 24);
  EXPECT_EQ(in_place.at(1, 2), 7);
  EXPECT_EQ(in_place.at(2, 1), kNoPortfolioTerm);
  const PortfolioTerms from_arrow = portfolio_terms(exported(t, roster), terms, ends, asked);
  EXPECT_EQ(from_arrow.term, in_place.term);
}

TEST(PortfolioTerms, CreditingsTableRefusesADealRowOutOfRange) {
  const CreditTable t = table_of({{0, 4, "2026-01-10", 100, "USD"}});
  try {
    (void)portfolio_terms(t, {0}, 1, {12, 12}, {day("2026-03-31")});
    FAIL() << "a deal row beyond the deals was accepted";
  } catch (const ValidationError& e) {
    EXPECT_NE(std::string(e.what()).find("no deal has this row (deals: 2)"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace salescomp
