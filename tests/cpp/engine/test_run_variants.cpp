// run_variants: a hand-computed roster of three under four variants, each
// variant equal to its own run_period, thread count, curve inputs and errors.
#include <gtest/gtest.h>

#include <salescomp/engine/period_run.hpp>
#include <salescomp/engine/run_variants.hpp>
#include <salescomp/plan/plan_json.hpp>

#include "engine_test_support.hpp"

using namespace salescomp;
using namespace salescomp::testing_support;

namespace {

std::string tiered_plan(const char* id, const char* top, const char* cap = nullptr) {
  std::string caps = cap ? std::string(R"(, "caps": {"per_period": ")") + cap + "\"}" : "";
  return std::string(R"({"id": ")") + id + R"(", "currency": "USD", "period": "quarter",
    "measures": [{"id": "bookings"}],
    "components": [{"id": "commission", "type": "tiered", "measure": "bookings", "mode": "marginal",
      "tiers": [{"from": "0", "to": "1", "rate": "0.05"}, {"from": "1", "rate": ")" +
         top + "\"}]" + caps + "}]}";
}

// Person 0: 7,000 + 5,000 = 12,000 on a 10,000 quota (plan ae); person 1:
// 5,000 on 10,000 (plan ae); person 2: 30,000 on 20,000 (plan big), plus a
// credit dated in April (outside the period, not counted anywhere).
struct Roster {
  World w;
  RunInput in;
  Roster() {
    w.credit(0, w.deal("2026-01-15", "7000"), "7000");
    w.credit(0, w.deal("2026-02-10", "5000"), "5000");
    w.credit(1, w.deal("2026-03-01", "5000"), "5000");
    w.credit(2, w.deal("2026-02-01", "30000"), "30000");
    w.credit(2, w.deal("2026-04-02", "1000"), "1000");
    in.plans = {plan_from_json(tiered_plan("ae", "0.10")), plan_from_json(tiered_plan("big", "0.08"))};
    in.assignments = {{0, 0, day("2026-01-01"), std::nullopt},
                      {1, 0, day("2026-01-01"), std::nullopt},
                      {2, 1, day("2026-01-01"), std::nullopt}};
    in.credits = &w.credits;
    in.deals = &w.deals;
    in.quotas = {{0, "bookings", day("2026-01-01"), usd("10000")},
                 {1, "bookings", day("2026-01-01"), usd("10000")},
                 {2, "bookings", day("2026-01-01"), usd("20000")}};
    in.period = RunPeriod{day("2026-01-01"), day("2026-03-31"), day("2026-01-01"), day("2026-01-01")};
  }
};

std::vector<PlanVariant> four_variants() {
  return {
      PlanVariant{"base", {}, std::nullopt},
      PlanVariant{"rich", {plan_from_json(tiered_plan("ae", "0.15"))}, std::nullopt},
      PlanVariant{"quota", {}, Rate::parse("1.2")},
      PlanVariant{"capped", {plan_from_json(tiered_plan("big", "0.08", "1000"))}, std::nullopt},
  };
}

int64_t cents(const char* amount) { return usd(amount).minor_units(); }

TEST(RunVariants, HandComputedTotals) {
  Roster r;
  const VariantsResult got = run_variants(r.in, four_variants(), RunState{});
  ASSERT_EQ(got.people, (std::vector<int32_t>{0, 1, 2}));
  ASSERT_EQ(got.variants.size(), 4u);
  // base:   p0 = 10,000 x 5% + 2,000 x 10% = 700.00; p1 = 5,000 x 5% = 250.00;
  //         p2 = 20,000 x 5% + 10,000 x 8% = 1,800.00; total 2,750.00
  // rich:   ae's top rate 15%: p0 = 500 + 300 = 800.00; p1 = 250.00; p2 = 1,800.00
  // quota:  quotas x 1.2 (12,000, 12,000, 24,000): p0 = 12,000 x 5% = 600.00;
  //         p1 = 250.00; p2 = 24,000 x 5% + 6,000 x 8% = 1,680.00
  // capped: big capped at 1,000 per period: p2 = 1,000.00
  const std::vector<std::vector<const char*>> expected = {
      {"700", "250", "1800"}, {"800", "250", "1800"}, {"600", "250", "1680"}, {"700", "250", "1000"}};
  const std::vector<const char*> totals = {"2750", "2850", "2530", "1950"};
  for (std::size_t v = 0; v < 4; ++v) {
    const VariantPayouts& p = got.variants[v];
    EXPECT_EQ(p.name, four_variants()[v].name);
    for (std::size_t k = 0; k < 3; ++k) {
      EXPECT_EQ(p.total[k], cents(expected[v][k])) << p.name << " person " << k;
      EXPECT_EQ(p.currency[k], Currency::of("USD"));
    }
    ASSERT_EQ(p.totals.size(), 1u);
    EXPECT_EQ(p.totals[0], usd(totals[v])) << p.name;
  }
  // Curve inputs: the first quota row and the credits dated in the period.
  EXPECT_EQ(got.quota, (std::vector<int64_t>{cents("10000"), cents("10000"), cents("20000")}));
  EXPECT_EQ(got.credited, (std::vector<int64_t>{cents("12000"), cents("5000"), cents("30000")}));
  EXPECT_EQ(got.quota_currency[2], Currency::of("USD"));
}

TEST(RunVariants, EveryVariantEqualsItsOwnRunPeriod) {
  Roster r;
  const auto variants = four_variants();
  for (int threads : {1, 2, 3}) {
    const VariantsResult got = run_variants(r.in, variants, RunState{}, threads);
    for (std::size_t v = 0; v < variants.size(); ++v) {
      RunInput one = r.in;
      for (const Plan& p : variants[v].plans)
        for (Plan& b : one.plans)
          if (b.id == p.id) b = p;
      if (variants[v].quota_factor)
        for (QuotaEntry& q : one.quotas) q.amount = multiply(q.amount, *variants[v].quota_factor);
      const RunResult run = run_period(one, RunState{}, RunOptions{1, false});
      ASSERT_EQ(run.statements.size(), got.people.size());
      for (std::size_t k = 0; k < got.people.size(); ++k) {
        EXPECT_EQ(run.statements[k].person, got.people[k]);
        EXPECT_EQ(run.statements[k].total.minor_units(), got.variants[v].total[k])
            << variants[v].name << " person " << got.people[k] << " threads " << threads;
      }
    }
  }
}

TEST(RunVariants, VariantsWithTheSameFactorShareTheirQuotas) {
  // Factor 1.25: quotas 12,500, 12,500, 25,000. p0 = 12,000 x 5% = 600.00;
  // p1 = 5,000 x 5% = 250.00; p2 = 25,000 x 5% + 5,000 x 8% = 1,650.00. The
  // second variant (same factor, richer ae) sees the same quotas: p0 600.00.
  Roster r;
  const VariantsResult got =
      run_variants(r.in,
                   {PlanVariant{"a", {}, Rate::parse("1.25")},
                    PlanVariant{"b", {plan_from_json(tiered_plan("ae", "0.15"))}, Rate::parse("1.25")},
                    PlanVariant{"c", {}, Rate::parse("1")}},
                   RunState{});
  EXPECT_EQ(got.variants[0].total, (std::vector<int64_t>{cents("600"), cents("250"), cents("1650")}));
  EXPECT_EQ(got.variants[1].total, (std::vector<int64_t>{cents("600"), cents("250"), cents("1650")}));
  EXPECT_EQ(got.variants[2].total, (std::vector<int64_t>{cents("700"), cents("250"), cents("1800")}));
  // The curve inputs are the base quotas whatever the variants.
  EXPECT_EQ(got.quota[2], cents("20000"));
}

TEST(RunVariants, BadVariantsAreNamed) {
  Roster r;
  EXPECT_THROW(
      run_variants(r.in, {PlanVariant{"x", {plan_from_json(tiered_plan("other", "0.1"))}, std::nullopt}},
                   RunState{}),
      ValidationError);
  EXPECT_THROW(run_variants(r.in, {PlanVariant{"x", {}, std::nullopt}, PlanVariant{"x", {}, std::nullopt}},
                            RunState{}),
               ValidationError);
  EXPECT_THROW(run_variants(r.in, {PlanVariant{"x", {}, Rate::parse("-1")}}, RunState{}), ValidationError);
  try {
    run_variants(r.in, {PlanVariant{"x", {plan_from_json(tiered_plan("other", "0.1"))}, std::nullopt}},
                 RunState{});
  } catch (const ValidationError& e) {
    ASSERT_EQ(e.issues().size(), 1u);
    EXPECT_EQ(e.issues()[0].value, "other");
    EXPECT_EQ(e.issues()[0].field, "variants[x].plans[0].id");
  }
}

}  // namespace
