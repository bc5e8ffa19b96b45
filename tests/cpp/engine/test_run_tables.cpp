// The run's tables from the Arrow C Data Interface (engine/run_tables.hpp):
// what a C++ program with Arrow C++ or nanoarrow hands over, read into the
// run's plain arrays; bad cells listed with their 1-based rows.
#include <gtest/gtest.h>

#include <salescomp/arrow/column_readers.hpp>
#include <salescomp/arrow/export_table.hpp>
#include <salescomp/engine/run_tables.hpp>
#include <salescomp/plan/plan_json.hpp>

namespace {

using namespace salescomp;
using arrow::ExportColumn;
using arrow::ExportTable;
using arrow::ImportedTable;

ImportedTable imported(const ExportTable& t, const char* source) {
  ArrowArrayStream stream{};
  t.export_stream(&stream);
  return ImportedTable::from_stream(&stream, source);
}

std::vector<Plan> plans() {
  return {plan_from_json(R"({"id": "ae", "currency": "USD", "period": "quarter", "measures": [{"id": "m"}],
      "components": [{"id": "c", "type": "flat_rate", "measure": "m", "rate": "0.1"}]})"),
          plan_from_json(R"({"id": "mgr", "currency": "USD", "period": "month", "measures": [{"id": "m"}],
      "components": [{"id": "c", "type": "flat_rate", "measure": "m", "rate": "0.1"}]})")};
}

const RunPeriod kQ1{Date::parse("2026-01-01"), Date::parse("2026-03-31"), Date::parse("2026-01-01"),
                    Date::parse("2026-01-01")};

TEST(RunTables, AssignmentsAndQuotasByTextIds) {
  const RunPeople people({"0055g00000AbCdEfGh", "ana-maría", "10"});
  ExportTable a;  // the organisation's assignments table: only its plan rows are read
  a.add(ExportColumn::texts("person_id", std::vector<std::string>{"10", "ana-maría", "10"}));
  a.add(ExportColumn::texts("field", std::vector<std::string>{"plan", "manager", "plan"}));
  a.add(ExportColumn::texts("value", std::vector<std::string>{"ae", "0055g00000AbCdEfGh", "mgr"}));
  a.add(ExportColumn::dates("from", {20454, 20454, 20499}));  // 2026-01-01, 2026-02-15
  a.add(ExportColumn::dates("to", {20498, arrow::kNoDay, arrow::kNoDay}));
  const auto assignments = read_plan_assignments(imported(a, "assignments"), plans(), people);
  ASSERT_EQ(assignments.size(), 2u);
  EXPECT_EQ(assignments[0].person, 2);
  EXPECT_EQ(assignments[0].plan, 0u);
  ASSERT_TRUE(assignments[0].to.has_value());
  EXPECT_TRUE(*assignments[0].to == Date::parse("2026-02-14"));
  EXPECT_EQ(assignments[1].plan, 1u);
  EXPECT_FALSE(assignments[1].to.has_value());

  // Person "10" has a quarterly and a monthly plan: the quarter's and the months' quotas are
  // read, the year's is not; a team row and a row of Q2 are skipped.
  ExportTable q;
  q.add(ExportColumn::texts("subject", std::vector<std::string>{"10", "10", "10", "west", "10"}));
  q.add(ExportColumn::texts("subject_kind",
                            std::vector<std::string>{"person", "person", "person", "team", "person"}));
  q.add(ExportColumn::texts("measure", std::vector<std::string>{"m", "m", "m", "m", "m"}));
  q.add(ExportColumn::texts("period_kind",
                            std::vector<std::string>{"quarter", "month", "year", "quarter", "quarter"}));
  q.add(ExportColumn::dates("period_start", {20454, 20485, 20454, 20454, 20544}));
  q.add(ExportColumn::decimals("quota", {100000, 40000, 999900, 1, 5}, 2));
  q.add(ExportColumn::texts("currency", std::vector<std::string>{"USD", "USD", "USD", "USD", "USD"}));
  const auto quotas = read_effective_quotas(imported(q, "quotas"), kQ1, plans(), assignments, people);
  ASSERT_EQ(quotas.size(), 2u);
  EXPECT_EQ(quotas[0].amount.minor_units(), 100000);  // 1,000.00
  EXPECT_TRUE(quotas[1].period_start == Date::parse("2026-02-01"));
}

TEST(RunTables, DealsAreRangeCheckedAndEveryBadCellListed) {
  ExportTable d;
  d.add(ExportColumn::texts("deal_id", std::vector<std::string>{"0065g00000AbCdEfGh", "Δ-42", "7"}));
  d.add(ExportColumn::dates("close_date", {20454, arrow::kNoDay, 20460}));
  d.add(ExportColumn::int64s("term_months", {36, 4294967332, 12}));  // 2^32 + 36: never read as 36
  d.add(ExportColumn::int64s("product", {1, -1, 2}));
  try {
    read_run_deals(imported(d, "deals.csv"));
    FAIL() << "bad deals were read";
  } catch (const ValidationError& e) {
    ASSERT_EQ(e.issues().size(), 2u);
    EXPECT_EQ(e.issues()[0].row.value(), 2);
    EXPECT_EQ(e.issues()[0].field, "close_date");
    EXPECT_EQ(e.issues()[1].field, "term_months");
    EXPECT_EQ(e.issues()[1].value, "4294967332");
  }
  ExportTable ok;
  ok.add(ExportColumn::texts("deal_id", std::vector<std::string>{"0065g00000AbCdEfGh"}));
  ok.add(ExportColumn::dates("close_date", {20454}));
  ok.add(ExportColumn::dates("cancellation_date", {20480}));
  ok.add(ExportColumn::int64s("term_months", {24}));
  const DealTable deals = read_run_deals(imported(ok, "deals"));
  EXPECT_EQ(deal_label(deals, 0), "0065g00000AbCdEfGh");
  EXPECT_EQ(deals.term_months[0], 24);
  EXPECT_EQ(deals.product[0], -1);
  ASSERT_TRUE(deals.cancellation_date[0].has_value());
  EXPECT_TRUE(*deals.cancellation_date[0] == Date::parse("2026-01-27"));
}

TEST(RunTables, UnknownColumnsAndPeopleAreNamed) {
  ExportTable d;
  d.add(ExportColumn::dates("close_date", {20454}));
  d.add(ExportColumn::dates("cancelation_date", {20480}));
  EXPECT_THROW(
      {
        try {
          read_run_deals(imported(d, "deals"));
        } catch (const ValidationError& e) {
          EXPECT_NE(std::string(e.what()).find("cancelation_date"), std::string::npos);
          EXPECT_NE(std::string(e.what()).find("cancellation_date"), std::string::npos);
          throw;
        }
      },
      ValidationError);
  const RunPeople people({"a"});
  ExportTable a;
  a.add(ExportColumn::texts("person_id", std::vector<std::string>{"b"}));
  a.add(ExportColumn::texts("plan_id", std::vector<std::string>{"ae"}));
  a.add(ExportColumn::dates("from", {20454}));
  EXPECT_THROW(read_plan_assignments(imported(a, "assignments"), plans(), people), ValidationError);
  EXPECT_THROW(RunPeople({"a", "a"}), ValidationError);
}

}  // namespace
