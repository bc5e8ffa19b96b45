// Run features beyond one plan in one currency: payout timing and holdbacks
// carried across periods, clawbacks of deferred commission, credits and
// statements in other currencies, mid-period plan changes (both split
// settings), and explanations computed on demand.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include <salescomp/engine/period_run.hpp>
#include <salescomp/plan/plan_json.hpp>

#include "engine_test_support.hpp"

using namespace salescomp;
using namespace salescomp::testing_support;

namespace {

// A flat 10% on bookings with the given payout timing (JSON) and an
// optional clawback.
Plan timed_plan(const std::string& timing, const std::string& extra_components = "") {
  return plan_from_json(R"({"id": "ae", "currency": "USD", "period": "quarter",
    "payout_timing": )" +
                        timing + R"(,
    "measures": [{"id": "bookings"}],
    "components": [{"id": "commission", "type": "flat_rate", "measure": "bookings", "rate": "0.10"})" +
                        extra_components + "]}");
}

const RunPeriod kQ1{day("2026-01-01"), day("2026-03-31"), day("2026-01-01"), day("2026-01-01")};
const RunPeriod kQ2{day("2026-04-01"), day("2026-06-30"), day("2026-04-01"), day("2026-01-01")};

RunInput one_person(const World& w, Plan plan, RunPeriod period = kQ1) {
  RunInput in;
  in.plans = {std::move(plan)};
  in.assignments = {{0, 0, day("2026-01-01"), std::nullopt}};
  in.credits = &w.credits;
  in.deals = &w.deals;
  in.period = period;
  return in;
}

Money line_of(const RunResult& r, const std::string& component, int64_t deal = -1) {
  Money s = usd("0");
  for (const PayoutLine& l : r.lines)
    if (l.component == component && l.deal == deal) s += l.amount;
  return s;
}

// Every line's explanation is about that line: same amount.
void expect_explanations_match(const RunResult& r) {
  for (const PayoutLine& l : r.lines) {
    ASSERT_NE(l.explanation, kNoExplanation);
    EXPECT_EQ(r.explanations[l.explanation].amount, l.amount) << l.component;
  }
}

}  // namespace

TEST(PayoutTiming, HoldbackIsReleasedAfterItsDays) {
  World w;
  w.credit(0, w.deal("2026-01-10", "10000"), "10000");
  w.credit(0, w.deal("2026-03-20", "5000"), "5000");
  RunInput in = one_person(
      w, timed_plan(R"({"basis": "booking", "holdback": {"share": "0.2", "release_after_days": 90}})"));
  const RunResult q1 = run_period(in, {});
  // Earned 0.10 x 15,000 = 1,500, attributed 1,000 / 500 to the deals. Both
  // releases (Jan 10 + 90 = Apr 10, Mar 20 + 90 = Jun 18) are after Mar 31:
  // payable 1,000 x 0.8 = 800 and 500 x 0.8 = 400, so -200 and -100 held back.
  EXPECT_EQ(line_of(q1, "commission"), usd("1500"));
  EXPECT_EQ(line_of(q1, "payout_timing", 0), usd("-200"));
  EXPECT_EQ(line_of(q1, "payout_timing", 1), usd("-100"));
  EXPECT_EQ(q1.statements[0].total, usd("1200"));
  expect_explanations_match(q1);
  // Q2, no new bookings: both holdbacks are released (Apr 10 and Jun 18 <= Jun 30).
  in.period = kQ2;
  const RunResult q2 = run_period(in, q1.next_state);
  EXPECT_EQ(line_of(q2, "payout_timing", 0), usd("200"));
  EXPECT_EQ(line_of(q2, "payout_timing", 1), usd("100"));
  EXPECT_EQ(q2.statements[0].total, usd("300"));
  // Fully paid and no clawback: nothing per deal is carried any more.
  EXPECT_TRUE(q2.next_state.at(0).earned_on_deal.empty());
  EXPECT_TRUE(q2.next_state.at(0).paid_on_deal.empty());
  // A third run of Q2 on the Q2 state pays nothing more (released once).
  EXPECT_EQ(run_period(in, q2.next_state).statements[0].total, usd("0"));
}

TEST(PayoutTiming, CollectionPaysProRataToCashAndInvoiceOnInvoice) {
  World w;
  const int64_t d = w.deal("2026-01-10", "10000");
  w.credit(0, d, "10000");
  RunInput in = one_person(w, timed_plan(R"({"basis": "collection"})"));
  in.collections = {{d, day("2026-02-01"), usd("4000").minor_units()},
                    {d, day("2026-05-05"), usd("6000").minor_units()}};
  // Q1: earned 1,000; collected 4,000 of 10,000 -> payable 400: line -600.
  const RunResult q1 = run_period(in, {});
  EXPECT_EQ(line_of(q1, "payout_timing", d), usd("-600"));
  EXPECT_EQ(q1.statements[0].total, usd("400"));
  // Q2: fully collected -> 1,000 - 400 paid = 600.
  in.period = kQ2;
  EXPECT_EQ(run_period(in, q1.next_state).statements[0].total, usd("600"));

  // Invoice basis: invoiced Apr 2, so Q1 pays nothing and Q2 pays 1,000.
  World v = w;
  v.deals.invoice_date[std::size_t(d)] = day("2026-04-02");
  RunInput inv = one_person(v, timed_plan(R"({"basis": "invoice"})"));
  const RunResult i1 = run_period(inv, {});
  EXPECT_EQ(i1.statements[0].total, usd("0"));
  inv.period = kQ2;
  EXPECT_EQ(run_period(inv, i1.next_state).statements[0].total, usd("1000"));
}

TEST(PayoutTiming, ClawbackTakesWhatWasPaidAndForfeitsWhatWasHeld) {
  World w;
  w.credit(0, w.deal("2026-01-10", "10000", "2026-05-01"), "10000");
  w.credit(0, w.deal("2026-03-20", "5000"), "5000");
  RunInput in = one_person(
      w, timed_plan(R"({"basis": "booking", "holdback": {"share": "0.2", "release_after_days": 90}})",
                    R"(, {"id": "clawback", "type": "clawback", "window_days": 180})"));
  const RunResult q1 = run_period(in, {});
  EXPECT_EQ(q1.statements[0].total, usd("1200"));
  in.period = kQ2;
  const RunResult q2 = run_period(in, q1.next_state);
  // Deal 0 cancelled May 1 (111 days after close, inside 180): the 800 paid
  // is clawed back; its 200 held back is forfeited (no release). Deal 1's
  // 100 is released. Q2 total -800 + 100 = -700.
  EXPECT_EQ(line_of(q2, "clawback", 0), usd("-800"));
  EXPECT_EQ(line_of(q2, "payout_timing", 0), usd("0"));
  EXPECT_EQ(line_of(q2, "payout_timing", 1), usd("100"));
  EXPECT_EQ(q2.statements[0].total, usd("-700"));
  expect_explanations_match(q2);
}

TEST(MultiCurrency, CreditsConvertAtTheirDateAndStatementsPayInThePayCurrency) {
  const Currency eur = Currency::of("EUR");
  FxTable fx;
  fx.add(eur, Currency::of("USD"), day("2026-01-01"), rate("1.10"));
  fx.add(eur, Currency::of("USD"), day("2026-02-01"), rate("1.20"));
  World w;
  w.credit_in(0, w.deal("2026-01-15", "1000"), Money::parse("1000", eur));
  w.credit_in(0, w.deal("2026-02-15", "1000"), Money::parse("1000", eur));
  RunInput in = one_person(w, timed_plan(R"({"basis": "booking"})"));
  // No FX table: an error naming the credit row and its currency.
  try {
    (void)run_period(in, {});
    FAIL() << "expected a ValidationError";
  } catch (const ValidationError& e) {
    ASSERT_EQ(e.issues().size(), 1u);
    EXPECT_EQ(e.issues()[0].row, 0);
    EXPECT_EQ(e.issues()[0].field, "credits.currency");
    EXPECT_EQ(e.issues()[0].value, "EUR");
  }
  in.fx = &fx;
  // At the credit dates: 1,000 x 1.10 + 1,000 x 1.20 = 2,300 USD; 10% = 230.00.
  EXPECT_EQ(run_period(in, {}).statements[0].total, usd("230"));
  // At the period end (1.20): 2,400 USD -> 240.00.
  in.fx_date = FxDateBasis::PeriodEnd;
  EXPECT_EQ(run_period(in, {}).statements[0].total, usd("240"));
  // Paid in EUR at the period end: 240 / 1.20 = 200.00 EUR (inverse quote, exact).
  in.pay_currencies = {{0, eur}};
  const RunResult r = run_period(in, {});
  EXPECT_EQ(r.statements[0].total, usd("240"));
  EXPECT_EQ(r.statements[0].pay_total, Money::parse("200", eur));
  EXPECT_EQ(r.lines[0].pay_amount, Money::parse("200", eur));
  // Credit date again, paid in EUR: 230 / 1.20 = 191.666... -> 191.67 (HalfEven).
  in.fx_date = FxDateBasis::CreditDate;
  EXPECT_EQ(run_period(in, {}).statements[0].pay_total, Money::parse("191.67", eur));
}

namespace {

// Person 0 on plan "a" (flat 5%) until Feb 14, then "b" (retroactive tiers on
// attainment: below 100% 5%, from 100% 10%) from Feb 15. Q1 has 90 days;
// each segment 45. Credits: 10,000 on Jan 20 and 20,000 on Mar 1.
struct PlanChange {
  World w;
  RunInput in;
  PlanChange() {
    w.credit(0, w.deal("2026-01-20", "10000"), "10000");
    w.credit(0, w.deal("2026-03-01", "20000"), "20000");
    in.plans = {plan_from_json(
                    R"({"id": "a", "currency": "USD", "period": "quarter", "measures": [{"id": "bookings"}],
        "components": [{"id": "commission", "type": "flat_rate", "measure": "bookings", "rate": "0.05"}]})"),
                plan_from_json(
                    R"({"id": "b", "currency": "USD", "period": "quarter", "measures": [{"id": "bookings"}],
        "components": [{"id": "commission", "type": "tiered", "measure": "bookings", "mode": "retroactive",
          "tiers": [{"from": "0", "to": "1", "rate": "0.05"}, {"from": "1", "rate": "0.10"}]}]})")};
    in.assignments = {{0, 0, day("2026-01-01"), day("2026-02-14")}, {0, 1, day("2026-02-15"), std::nullopt}};
    in.quotas = {{0, "bookings", day("2026-01-01"), usd("40000")}};
    in.credits = &w.credits;
    in.deals = &w.deals;
    in.period = kQ1;
  }
};

}  // namespace

TEST(PlanChangeSplit, CreditsByDateProratesTheQuota) {
  PlanChange pc;
  const RunResult r = run_period(pc.in, {});
  // a: 0.05 x 10,000 (Jan 20) = 500. b: quota 40,000 x 45/90 = 20,000;
  // 20,000 (Mar 1) / 20,000 = 100% -> retroactive 10% = 2,000. Total 2,500.
  ASSERT_EQ(r.lines.size(), 2u);
  EXPECT_EQ(r.lines[0].amount, usd("500"));
  EXPECT_EQ(r.lines[1].amount, usd("2000"));
  EXPECT_EQ(r.statements[0].plan, "a -> b");
  EXPECT_EQ(r.statements[0].total, usd("2500"));
  EXPECT_EQ(*r.explanations[r.lines[1].explanation].quota, usd("20000"));
}

TEST(PlanChangeSplit, ProratedTargetsBlendsBothPlansByDays) {
  PlanChange pc;
  pc.in.plan_change = PlanChangeSplit::ProratedTargets;
  const RunResult r = run_period(pc.in, {});
  // a on all 30,000: 1,500 x 45/90 = 750. b on all 30,000 against the full
  // 40,000 quota: 75% -> 5% = 1,500 x 45/90 = 750. Total 1,500.
  ASSERT_EQ(r.lines.size(), 2u);
  EXPECT_EQ(r.lines[0].amount, usd("750"));
  EXPECT_EQ(r.lines[1].amount, usd("750"));
  EXPECT_EQ(r.statements[0].total, usd("1500"));
  expect_explanations_match(r);
}

TEST(PlanChangeSplit, OnePlanFromAMidPeriodStartIsNotASplit) {
  PlanChange pc;
  pc.in.assignments = {{0, 1, day("2026-02-15"), std::nullopt}};
  // New hire on plan b from Feb 15: b pays the whole period against the
  // quota as given: 30,000 / 40,000 = 75% -> 5% = 1,500.
  const RunResult r = run_period(pc.in, {});
  EXPECT_EQ(r.statements[0].plan, "b");
  EXPECT_EQ(r.statements[0].total, usd("1500"));
}

TEST(ExplainOnDemand, SameAmountsAndTheSameExplanationsRecomputed) {
  World w;
  w.credit(0, w.deal("2026-01-10", "10000", "2026-02-01"), "10000");
  w.credit(0, w.deal("2026-03-20", "5000"), "5000");
  RunInput in = one_person(
      w, timed_plan(R"({"basis": "booking", "holdback": {"share": "0.2", "release_after_days": 90}})",
                    R"(, {"id": "clawback", "type": "clawback", "window_days": 180},
                                            {"id": "draw", "type": "draw", "kind": "recoverable_draw", "amount": "300", "term_periods": 1})"));
  const RunResult full = run_period(in, {}, RunOptions{1, true});
  const RunResult lean = run_period(in, {}, RunOptions{2, false});
  ASSERT_EQ(full.lines.size(), lean.lines.size());
  EXPECT_TRUE(lean.explanations.empty());
  for (std::size_t i = 0; i < full.lines.size(); ++i) {
    EXPECT_EQ(lean.lines[i].amount, full.lines[i].amount);
    EXPECT_EQ(lean.lines[i].explanation, kNoExplanation);
    EXPECT_EQ(explain_line(in, {}, lean, i).to_text(),
              full.explanations[full.lines[i].explanation].to_text());
  }
  // Inputs changed since the run: the recomputation does not match, and says so.
  World changed = w;
  changed.credits.amount[1] += 100;
  RunInput other = in;
  other.credits = &changed.credits;
  EXPECT_THROW((void)explain_line(other, {}, lean, 0), LookupError);
}

// The properties of the run hold with every feature on at once: 60 people on
// a holdback + clawback plan, a plan change mid-quarter, EUR credits
// converted by FX and EUR pay for some; two quarters chained. The same bytes
// for 1 and 3 threads, shuffled credit rows, and explanations on or off;
// every statement is the exact sum of its lines in both currencies.
TEST(RunProperties, DeterministicWithTimingSplitsAndCurrencies) {
  const Currency eur = Currency::of("EUR");
  FxTable fx;
  fx.add(eur, Currency::of("USD"), day("2026-01-01"), rate("1.0831"));
  fx.add(eur, Currency::of("USD"), day("2026-03-01"), rate("1.0917"));
  World w;
  std::mt19937_64 rng(7);
  for (int32_t p = 0; p < 60; ++p)
    for (int k = 0; k < 8; ++k) {
      const Date close = day("2026-01-01").plus_days(int32_t(rng() % 180));
      const bool cancelled = rng() % 5 == 0;
      const std::string amount = std::to_string(1000 + rng() % 90000) + "." + std::to_string(10 + rng() % 90);
      const int64_t d = w.deal(close.to_string().c_str(), amount.c_str(),
                               cancelled ? std::optional<const char*>("2026-05-15") : std::nullopt);
      if (p % 4 == 3)
        w.credit_in(p, d, Money::parse(amount, eur));
      else
        w.credit(p, d, amount.c_str());
    }
  RunInput in;
  in.plans = {
      timed_plan(
          R"({"basis": "booking", "holdback": {"share": "0.25", "release_after_days": 60}})",
          R"(, {"id": "clawback", "type": "clawback", "window_days": 120, "method": "pro_rata_unserved_term"})"),
      plan_from_json(R"({"id": "b", "currency": "USD", "period": "quarter", "measures": [{"id": "bookings"}],
                "components": [{"id": "commission", "type": "tiered", "measure": "bookings", "mode": "marginal",
                  "tiers": [{"from": "0", "to": "1", "rate": "0.04"}, {"from": "1", "rate": "0.09"}]}]})")};
  for (int32_t p = 0; p < 60; ++p) {
    if (p % 3 == 0) {
      in.assignments.push_back({p, 0, day("2026-01-01"), day("2026-02-10")});
      in.assignments.push_back({p, 1, day("2026-02-11"), std::nullopt});
    } else {
      in.assignments.push_back({p, std::size_t(p % 2), day("2026-01-01"), std::nullopt});
    }
    in.quotas.push_back({p, "bookings", day("2026-01-01"), usd("150000")});
    in.quotas.push_back({p, "bookings", day("2026-04-01"), usd("150000")});
    if (p % 5 == 0) in.pay_currencies.push_back({p, eur});
  }
  in.credits = &w.credits;
  in.deals = &w.deals;
  in.fx = &fx;
  auto render = [](const RunResult& r) {
    std::string s;
    for (const PayoutLine& l : r.lines)
      s += std::to_string(l.person) + "|" + l.component + "|" + std::to_string(l.deal) + "|" +
           l.amount.format() + "|" + l.pay_amount.format() + "\n";
    for (const Statement& st : r.statements) {
      Money sum = st.total - st.total, pay_sum = st.pay_total - st.pay_total;
      for (std::size_t i : st.lines) {
        sum += r.lines[i].amount;
        pay_sum += r.lines[i].pay_amount;
      }
      EXPECT_EQ(sum, st.total);
      EXPECT_EQ(pay_sum, st.pay_total);
      s += st.plan + " " + st.total.format() + " " + st.pay_total.format() + "\n";
    }
    return s;
  };
  auto two_quarters = [&](const RunInput& input, int threads, bool explain) {
    RunInput q = input;
    q.period = kQ1;
    const RunResult q1 = run_period(q, {}, RunOptions{threads, explain});
    q.period = kQ2;
    const RunResult q2 = run_period(q, q1.next_state, RunOptions{threads, explain});
    return render(q1) + "--\n" + render(q2);
  };
  const std::string reference = two_quarters(in, 1, true);
  EXPECT_NE(reference.find("payout_timing"), std::string::npos);
  EXPECT_NE(reference.find("clawback"), std::string::npos);
  EXPECT_NE(reference.find("ae -> b"), std::string::npos);
  EXPECT_EQ(two_quarters(in, 3, false), reference);
  // Shuffle the credit rows (the deal rows they point at stay).
  World shuffled = w;
  std::vector<std::size_t> order(w.credits.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), rng);
  auto permute = [&](auto& column, const auto& source) {
    for (std::size_t i = 0; i < order.size(); ++i) column[i] = source[order[i]];
  };
  permute(shuffled.credits.person, w.credits.person);
  permute(shuffled.credits.deal, w.credits.deal);
  permute(shuffled.credits.date, w.credits.date);
  permute(shuffled.credits.amount, w.credits.amount);
  permute(shuffled.credits.currency, w.credits.currency);
  RunInput shuffled_in = in;
  shuffled_in.credits = &shuffled.credits;
  EXPECT_EQ(two_quarters(shuffled_in, 2, true), reference);
}
