// The period run on hand-built inputs: a worked quarter, the next quarter's
// clawback and cumulative true-up, restatement, what-if, and determinism.
#include <gtest/gtest.h>

#include <random>
#include <salescomp/engine/period_run.hpp>
#include <salescomp/plan/plan_json.hpp>

#include "engine_test_support.hpp"

using namespace salescomp;
using namespace salescomp::testing_support;

namespace {

const char* kAePlan = R"({"id": "ae", "currency": "USD", "period": "quarter",
  "measures": [{"id": "bookings", "deal_types": ["new_business"], "credit_kinds": ["direct"]}],
  "components": [
    {"id": "commission", "type": "tiered", "measure": "bookings",
     "tiers": [{"from": "0", "to": "1", "rate": "0.05"}, {"from": "1", "rate": "0.10"}]},
    {"id": "spif", "type": "spif", "deal_types": ["new_business"], "from": "2026-02-01", "to": "2026-03-31",
     "amount_per_deal": "500"},
    {"id": "clawback", "type": "clawback", "window_days": 90},
    {"id": "draw", "type": "draw", "kind": "recoverable_draw", "amount": "1000", "term_periods": 2}]})";

const char* kSdrPlan = R"({"id": "sdr", "currency": "USD", "period": "quarter",
  "measures": [{"id": "meetings", "aggregation": "count", "credit_kinds": ["sdr_sourced"]}],
  "components": [{"id": "meetings", "type": "per_unit", "measure": "meetings", "amount_per_unit": "50"}]})";

const char* kYtdPlan = R"({"id": "ytd", "currency": "USD", "period": "quarter",
  "measures": [{"id": "bookings"}],
  "components": [{"id": "commission", "type": "tiered", "measure": "bookings", "accumulation": "year_to_date",
     "tiers": [{"from": "0", "to": "1", "rate": "0.05"}, {"from": "1", "rate": "0.10"}]}]})";

RunInput q1_input(const World& w) {
  RunInput in;
  in.plans = {plan_from_json(kAePlan), plan_from_json(kSdrPlan), plan_from_json(kYtdPlan)};
  in.assignments = {{0, 0, day("2026-01-01"), std::nullopt},
                    {1, 1, day("2026-01-01"), std::nullopt},
                    {3, 2, day("2026-01-01"), std::nullopt}};
  in.credits = &w.credits;
  in.deals = &w.deals;
  for (const char* q : {"2026-01-01", "2026-04-01"}) {
    in.quotas.push_back({0, "bookings", day(q), usd("100000")});
    in.quotas.push_back({3, "bookings", day(q), usd("100000")});
  }
  in.period = RunPeriod{day("2026-01-01"), day("2026-03-31"), day("2026-01-01"), day("2026-01-01")};
  return in;
}

// World: person 0 (AE) closes deal 0 (60,000, Jan 10, cancelled Apr 5) and
// deal 1 (50,000, Feb 20); person 1 (SDR) sources 3 meetings; person 2 has
// no plan; person 3 (YTD plan) books 110,000 in Q1 and 90,000 in Q2.
World world() {
  World w;
  const int64_t d0 = w.deal("2026-01-10", "60000", "2026-04-05");
  const int64_t d1 = w.deal("2026-02-20", "50000");
  w.credit(0, d0, "60000");
  w.credit(0, d1, "50000");
  for (int i = 0; i < 3; ++i) w.credit(1, w.deal("2026-03-01", "1"), "1", CreditKind::SdrSourced);
  w.credit(2, w.deal("2026-03-01", "999"), "999");
  w.credit(3, w.deal("2026-02-01", "110000"), "110000");
  w.credit(3, w.deal("2026-05-01", "90000"), "90000");
  return w;
}

Money sum_of(const RunResult& r, int32_t person, const std::string& component) {
  Money s = usd("0");
  for (const PayoutLine& l : r.lines)
    if (l.person == person && l.component == component) s += l.amount;
  return s;
}

std::string render(const RunResult& r) {
  std::string s;
  for (const PayoutLine& l : r.lines)
    s += std::to_string(l.person) + "|" + l.period_start.to_string() + "|" + l.component + "|" +
         std::to_string(l.deal) + "|" + l.amount.format() + "\n" + r.explanations[l.explanation].to_text();
  for (const Statement& st : r.statements)
    s += std::to_string(st.person) + " total " + st.total.format() + "\n";
  return s;
}

}  // namespace

TEST(PeriodRun, WorkedQuarter) {
  const World w = world();
  const RunResult q1 = run_period(q1_input(w), {});
  // Person 0: bookings 110,000 of 100,000: 0.05 x 100,000 + 0.10 x 10,000 = 6,000;
  // SPIF on deal 1 (Feb 20, in the window): 500; earnings 6,500; recoverable
  // draw 1,000 paid on top (nothing to recover yet). Total 7,500.
  EXPECT_EQ(sum_of(q1, 0, "commission"), usd("6000"));
  EXPECT_EQ(sum_of(q1, 0, "spif"), usd("500"));
  EXPECT_EQ(sum_of(q1, 0, "draw"), usd("1000"));
  // Person 1: 3 meetings x 50 = 150. Person 2 has no plan; person 3:
  // YTD 110,000 of 100,000: 5,000 + 1,000 = 6,000.
  EXPECT_EQ(sum_of(q1, 1, "meetings"), usd("150"));
  EXPECT_EQ(sum_of(q1, 3, "commission"), usd("6000"));
  ASSERT_EQ(q1.statements.size(), 3u);
  EXPECT_EQ(q1.statements[0].total, usd("7500"));
  EXPECT_EQ(q1.statements[0].recoverable_balance, usd("1000"));
  EXPECT_EQ(q1.statements[2].person, 3);
  // Commission 6,000 attributed to the deals pro rata to credit:
  // 6,000 x 60/110 = 3,272.7272... and 2,727.2727...; largest remainder gives
  // the extra cent to deal 0: 3,272.73 + 2,727.27 = 6,000.00. Deal 1 also got the 500 SPIF.
  EXPECT_EQ(q1.next_state.at(0).paid_on_deal.at(0), usd("3272.73"));
  EXPECT_EQ(q1.next_state.at(0).paid_on_deal.at(1), usd("3227.27"));
}

TEST(PeriodRun, NextQuarterClawbackDrawAndTrueUp) {
  const World w = world();
  RunInput in = q1_input(w);
  const RunResult q1 = run_period(in, {});
  in.period = RunPeriod{day("2026-04-01"), day("2026-06-30"), day("2026-04-01"), day("2026-01-01")};
  const RunResult q2 = run_period(in, q1.next_state);
  // Deal 0 cancelled Apr 5, 85 days after close (in the 90-day window): claw
  // back the 3,272.73 actually paid on it, in Q2.
  EXPECT_EQ(sum_of(q2, 0, "clawback"), usd("-3272.73"));
  EXPECT_EQ(sum_of(q2, 0, "commission"), usd("0"));  // no Q2 bookings
  // Earnings -3,272.73: nothing to recover from; draw 1,000 (period 2 of 2), balance 2,000.
  EXPECT_EQ(sum_of(q2, 0, "draw"), usd("1000"));
  EXPECT_EQ(q2.statements[0].recoverable_balance, usd("2000"));
  EXPECT_EQ(q2.statements[0].total, usd("-2272.73"));
  // Person 3, YTD: 200,000 of 200,000 -> 0.05 x 200,000 = 10,000 earned, 6,000 paid in Q1: true-up 4,000.
  EXPECT_EQ(sum_of(q2, 3, "commission"), usd("4000"));
  const Explanation& ex = q2.explanations[q2.lines[q2.statements[2].lines[0]].explanation];
  EXPECT_EQ(ex.prior_paid, usd("6000"));
}

TEST(PeriodRun, StatementTotalsAreExactSumsOfLines) {
  const World w = world();
  const RunResult r = run_period(q1_input(w), {});
  for (const Statement& s : r.statements) {
    Money sum = usd("0");
    for (std::size_t i : s.lines) sum += r.lines[i].amount;
    EXPECT_EQ(sum, s.total);
    Money subtotals = usd("0");
    for (const auto& [component, amount] : s.subtotals) subtotals += amount;
    EXPECT_EQ(subtotals, s.total);
  }
}

TEST(PeriodRun, RestatementYieldsDeltasOnlyWhenInputsChange) {
  World w = world();
  const RunResult closed = run_period(q1_input(w), {});
  // Re-running the closed period with the same inputs changes nothing.
  EXPECT_TRUE(restatement_adjustments(closed, run_period(q1_input(w), {}), day("2026-04-01")).empty());
  // A late Q1 deal of 10,000 for person 0 (Mar 30): commission 110,000 -> 120,000
  // adds 0.10 x 10,000 = 1,000; the SPIF adds 500 on the new deal; the draw is unchanged.
  const int64_t late = w.deal("2026-03-30", "10000");
  w.credit(0, late, "10000");
  const auto adjustments = restatement_adjustments(closed, run_period(q1_input(w), {}), day("2026-04-01"));
  ASSERT_EQ(adjustments.size(), 2u);
  EXPECT_EQ(adjustments[0].component, "commission");
  EXPECT_EQ(adjustments[0].amount, usd("1000"));
  EXPECT_EQ(adjustments[1].component, "spif");
  EXPECT_EQ(adjustments[1].deal, late);
  EXPECT_EQ(adjustments[1].amount, usd("500"));
  EXPECT_TRUE(adjustments[1].adjustment);
  EXPECT_EQ(adjustments[1].period_start, day("2026-04-01"));
}

TEST(PeriodRun, WhatIfIsTheMarginalEarning) {
  const World w = world();
  // 10,000 more in February: +0.10 x 10,000 (above quota) + 500 SPIF = 1,500.
  const WhatIf r = what_if(q1_input(w), {}, 0, day("2026-02-15"), usd("10000").minor_units(),
                           DealType::NewBusiness, CreditKind::Direct);
  EXPECT_EQ(r.without, usd("7500"));
  EXPECT_EQ(r.marginal, usd("1500"));
  // A renewal does not count toward bookings: nothing.
  EXPECT_EQ(
      what_if(q1_input(w), {}, 0, day("2026-02-15"), 1000000, DealType::Renewal, CreditKind::Direct).marginal,
      usd("0"));
}

TEST(PeriodRun, SameBytesForAnyThreadCountAndInputOrder) {
  World w = world();
  std::mt19937_64 rng(7);
  // More people: persons 10..209 on the AE plan with random deals.
  RunInput base = q1_input(w);
  for (int32_t p = 10; p < 210; ++p) {
    for (int k = 0; k < 5; ++k) {
      const int64_t d = w.deal(k % 2 ? "2026-02-11" : "2026-03-07", "1", std::nullopt);
      w.credit(p, d, Money::from_minor(int64_t(rng() % 5'000'000), Currency::of("USD")).to_string().c_str());
    }
  }
  RunInput in = q1_input(w);
  for (int32_t p = 10; p < 210; ++p) {
    in.assignments.push_back({p, 0, day("2025-12-01"), std::nullopt});
    in.quotas.push_back({p, "bookings", day("2026-01-01"), usd("10000")});
  }
  const std::string one = render(run_period(in, {}, 1));
  EXPECT_EQ(render(run_period(in, {}, 2)), one);
  EXPECT_EQ(render(run_period(in, {}, 7)), one);
  // Shuffle the credit rows and the assignment/quota order.
  World shuffled = w;
  std::vector<std::size_t> order(w.credits.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), rng);
  CreditTable& c = shuffled.credits;
  const CreditTable& o = w.credits;
  for (std::size_t i = 0; i < order.size(); ++i) {
    c.person[i] = o.person[order[i]];
    c.deal[i] = o.deal[order[i]];
    c.date[i] = o.date[order[i]];
    c.amount[i] = o.amount[order[i]];
    c.currency[i] = o.currency[order[i]];
    c.kind[i] = o.kind[order[i]];
    c.deal_type[i] = o.deal_type[order[i]];
    c.rule[i] = o.rule[order[i]];
    c.depth[i] = o.depth[order[i]];
  }
  RunInput in2 = in;
  in2.credits = &shuffled.credits;
  in2.deals = &shuffled.deals;
  std::shuffle(in2.assignments.begin(), in2.assignments.end(), rng);
  std::shuffle(in2.quotas.begin(), in2.quotas.end(), rng);
  EXPECT_EQ(render(run_period(in2, {}, 2)), one);
}

TEST(PeriodRun, ReportsEveryBadPerson) {
  World w = world();
  RunInput in = q1_input(w);
  in.quotas.clear();  // persons 0 and 3 need quotas for attainment tiers
  try {
    run_period(in, {}, 2);
    FAIL();
  } catch (const ValidationError& e) {
    ASSERT_EQ(e.issues().size(), 2u);
    EXPECT_EQ(e.issues()[0].row, 0);
    EXPECT_EQ(e.issues()[1].row, 3);
  }
}

TEST(PeriodRun, MeasureFiltersMultipliersAndAttainmentReversal) {
  World w;
  const int64_t multi_year = w.deal("2026-01-15", "10000");
  w.deals.term_months[std::size_t(multi_year)] = 36;
  w.deals.product[std::size_t(multi_year)] = 7;
  const int64_t other_product = w.deal("2026-01-20", "10000");
  w.deals.product[std::size_t(other_product)] = 8;
  const int64_t cancelled = w.deal("2026-02-01", "5000", "2026-03-15");
  w.deals.product[std::size_t(cancelled)] = 7;
  w.credit(0, multi_year, "10000");
  w.credit(0, other_product, "10000");
  w.credit(0, cancelled, "5000");
  RunInput in;
  in.plans = {plan_from_json(R"({"id": "p", "currency": "USD", "period": "quarter",
    "measures": [{"id": "m", "products": [7], "multipliers": [{"min_term_months": 24, "factor": "1.2"}]}],
    "components": [{"id": "c", "type": "flat_rate", "measure": "m", "rate": "0.10"},
                   {"id": "cb", "type": "clawback", "window_days": 90, "reverse_attainment": true}]})")};
  in.assignments = {{0, 0, day("2026-01-01"), std::nullopt}};
  in.credits = &w.credits;
  in.deals = &w.deals;
  in.period = RunPeriod{day("2026-01-01"), day("2026-03-31"), day("2026-01-01"), day("2026-01-01")};
  // Product 7 only: the 36-month deal counts 1.2 x 10,000 = 12,000; the
  // cancelled deal (product 7) is reversed out of the measure; product 8
  // does not count. 0.10 x 12,000 = 1,200.
  const RunResult r = run_period(in, {});
  EXPECT_EQ(sum_of(r, 0, "c"), usd("1200"));
  // Without reversal the cancelled 5,000 counts: 0.10 x 17,000 = 1,700.
  std::get<ClawbackComponent>(in.plans[0].components[1].spec).reverse_attainment = false;
  EXPECT_EQ(sum_of(run_period(in, {}), 0, "c"), usd("1700"));
}

// Property: for plans without decelerators, adding a credit never lowers the
// period payout (what-if marginal >= 0), whatever the credit and the person.
TEST(PeriodRun, AddingACreditNeverLowersPayout) {
  World w;
  std::mt19937_64 rng(99);
  RunInput in;
  in.plans = {plan_from_json(R"({"id": "p", "currency": "USD", "period": "quarter",
    "measures": [{"id": "m"}],
    "components": [
      {"id": "t", "type": "tiered", "measure": "m", "mode": "retroactive",
       "tiers": [{"from": "0", "to": "0.5", "rate": "0.02"}, {"from": "0.5", "to": "1", "rate": "0.05"}, {"from": "1", "rate": "0.09"}],
       "adjustments": [{"direction": "above", "level": "1.2", "multiplier": "1.5"}],
       "gate": {"basis": "attainment", "level": "0.3"}, "caps": {"per_period": "20000"}},
      {"id": "ti", "type": "target_incentive", "measure": "m", "target": "5000",
       "curve": {"points": [{"attainment": "0", "factor": "0"}, {"attainment": "1", "factor": "1"}, {"attainment": "2", "factor": "3"}]}},
      {"id": "bonus", "type": "milestone_bonus", "measure": "m", "milestones": [{"id": "m1", "attainment": "1", "amount": "1000"}]}]})")};
  for (int32_t p = 0; p < 20; ++p) {
    in.assignments.push_back({p, 0, day("2026-01-01"), std::nullopt});
    in.quotas.push_back({p, "m", day("2026-01-01"), usd("100000")});
    for (int k = 0; k < int(rng() % 6); ++k)
      w.credit(p, w.deal("2026-02-01", "1"),
               Money::from_minor(int64_t(rng() % 6'000'000), Currency::of("USD")).to_string().c_str());
  }
  in.credits = &w.credits;
  in.deals = &w.deals;
  in.period = RunPeriod{day("2026-01-01"), day("2026-03-31"), day("2026-01-01"), day("2026-01-01")};
  for (int trial = 0; trial < 200; ++trial) {
    const int32_t person = int32_t(rng() % 20);
    const int64_t amount = int64_t(rng() % 8'000'000);
    const WhatIf r =
        what_if(in, {}, person, day("2026-03-01"), amount, DealType::NewBusiness, CreditKind::Direct);
    ASSERT_GE(r.marginal, usd("0")) << "person " << person << " credit " << amount;
  }
}

TEST(PeriodRun, UnnecessaryPerStatementAsksOnlyTheTotalToBeExact) {
  // Issue 17: with per_statement a line's rounding is provisional, so
  // Unnecessary refuses only an inexact statement total. Two lines of
  // 0.05 x 12,345.70 = 617.285 sum to 1,234.57 exactly: paid 617.29 + 617.28
  // (the cent to the earlier line on the tie). Three lines sum to 1,851.855,
  // which is inexact: an error.
  World w;
  w.credit(0, w.deal("2026-02-01", "12345.70"), "12345.70");
  auto run_with = [&](int lines) {
    std::string components;
    for (int i = 0; i < lines; ++i)
      components += std::string(i ? ", " : "") + R"({"id": "c)" + std::to_string(i) +
                    R"(", "type": "flat_rate", "measure": "m", "rate": "0.05"})";
    RunInput in;
    in.plans = {plan_from_json(
        R"({"id": "p", "currency": "USD", "period": "quarter",
            "rounding": {"mode": "Unnecessary", "scope": "per_statement"}, "measures": [{"id": "m"}],
            "components": [)" +
        components + "]}")};
    in.assignments = {{0, 0, day("2026-01-01"), std::nullopt}};
    in.credits = &w.credits;
    in.deals = &w.deals;
    in.period = RunPeriod{day("2026-01-01"), day("2026-03-31"), day("2026-01-01"), day("2026-01-01")};
    return run_period(in, {});
  };
  const RunResult two = run_with(2);
  ASSERT_EQ(two.lines.size(), 2u);
  EXPECT_EQ(two.lines[0].amount, usd("617.29"));
  EXPECT_EQ(two.lines[1].amount, usd("617.28"));
  EXPECT_EQ(two.statements[0].total, usd("1234.57"));
  EXPECT_THROW(run_with(3), ValidationError);  // the run names the person: SC-ROUND-INEXACT
}

TEST(PeriodRun, PerStatementRoundsOnceAndAllocatesTheCents) {
  World w;
  w.credit(0, w.deal("2026-02-01", "12345.70"), "12345.70");
  const char* plan = R"({"id": "p", "currency": "USD", "period": "quarter", "rounding": {"scope": "%s"},
    "measures": [{"id": "m"}],
    "components": [{"id": "a", "type": "flat_rate", "measure": "m", "rate": "0.05"},
                   {"id": "b", "type": "flat_rate", "measure": "m", "rate": "0.05"},
                   {"id": "c", "type": "flat_rate", "measure": "m", "rate": "0.05"}]})";
  auto run_with = [&](const char* scope) {
    char text[1024];
    std::snprintf(text, sizeof text, plan, scope);
    RunInput in;
    in.plans = {plan_from_json(text)};
    in.assignments = {{0, 0, day("2026-01-01"), std::nullopt}};
    in.credits = &w.credits;
    in.deals = &w.deals;
    in.period = RunPeriod{day("2026-01-01"), day("2026-03-31"), day("2026-01-01"), day("2026-01-01")};
    return run_period(in, {});
  };
  // Each line is 0.05 x 12,345.70 = 617.285 exactly.
  // per_line: HalfEven per line 617.28 x 3 = 1,851.84.
  const RunResult per_line = run_with("per_line");
  EXPECT_EQ(per_line.statements[0].total, usd("1851.84"));
  // per_statement: 3 x 617.285 = 1,851.855 -> HalfEven 1,851.86 once; floors
  // 617.28 x 3 = 1,851.84, the 2 missing cents go to the lines with the
  // largest fractions (all .5: the first two) -> 617.29 + 617.29 + 617.28.
  const RunResult per_statement = run_with("per_statement");
  ASSERT_EQ(per_statement.lines.size(), 3u);
  EXPECT_EQ(per_statement.lines[0].amount, usd("617.29"));
  EXPECT_EQ(per_statement.lines[1].amount, usd("617.29"));
  EXPECT_EQ(per_statement.lines[2].amount, usd("617.28"));
  EXPECT_EQ(per_statement.statements[0].total, usd("1851.86"));
  EXPECT_NE(per_statement.explanations[0].rounding.find("per statement"), std::string::npos);
}
