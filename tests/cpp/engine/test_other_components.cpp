// Worked examples for target-incentive curves, per-unit rates, milestone
// bonuses, SPIFs, MBOs, manager overrides, draws, clawbacks and payout
// timing; arithmetic in the comments.
#include <gtest/gtest.h>

#include <salescomp/engine/bonus_calculators.hpp>
#include <salescomp/engine/clawback_calculator.hpp>
#include <salescomp/engine/draw_calculator.hpp>
#include <salescomp/engine/measure_calculators.hpp>
#include <salescomp/engine/payout_timing_calculator.hpp>

#include "engine_test_support.hpp"

using namespace salescomp;
using namespace salescomp::testing_support;

namespace {
// f: slope 1 to 100%, slope 1.5 to 130% (f(1.3) = 1 + 1.5 x 0.3 = 1.45)
PayCurve curve(CurveBeyond beyond) {
  return PayCurve{{{rate("0"), rate("0")}, {rate("1"), rate("1")}, {rate("1.3"), rate("1.45")}}, beyond};
}
}  // namespace

TEST(TargetIncentive, PiecewiseLinearCurve) {
  TargetIncentiveComponent t{"m", usd("10000"), curve(CurveBeyond::Flat), Accumulation::Period, std::nullopt,
                             {}};
  // A = 1.15: f = 1 + 1.5 x 0.15 = 1.225 -> 10,000 x 1.225 = 12,250
  EXPECT_EQ(calculate_target_incentive(t, input("115000", "100000")).amount, usd("12250.00"));
  // A = 0.5: f = 0.5 -> 5,000
  EXPECT_EQ(calculate_target_incentive(t, input("50000", "100000")).amount, usd("5000.00"));
  // A = 1.5 beyond the last point: flat f = 1.45 -> 14,500; extended f = 1.45 + 1.5 x 0.2 = 1.75 -> 17,500
  EXPECT_EQ(calculate_target_incentive(t, input("150000", "100000")).amount, usd("14500.00"));
  t.curve.beyond = CurveBeyond::Extend;
  EXPECT_EQ(calculate_target_incentive(t, input("150000", "100000")).amount, usd("17500.00"));
  // A gate with no_accelerator keeps A at 1 while closed: 10,000 x 1 = 10,000
  t.gate = Gate{"", GateBasis::Amount, usd("200000").minor_units(), Accumulation::Period,
                GateEffect::NoAccelerator};
  EXPECT_EQ(calculate_target_incentive(t, input("150000", "100000")).amount, usd("10000.00"));
}

TEST(PerUnit, CountTimesAmountThenCaps) {
  PerUnitComponent u{"meetings", usd("50"), {}};
  ComponentInput in = input("0");
  in.count = 37;
  // 37 x 50.00 = 1,850.00; with a 1,500.00 period cap: 1,500.00
  EXPECT_EQ(calculate_per_unit(u, in).amount, usd("1850.00"));
  u.caps.per_period = usd("1500");
  EXPECT_EQ(calculate_per_unit(u, in).amount, usd("1500.00"));
}

TEST(Milestones, PaidOnce) {
  MilestoneComponent m{"bookings",
                       Accumulation::YearToDate,
                       {{"q100", rate("1.0"), usd("2000")}, {"q150", rate("1.5"), usd("3000")}}};
  // YTD 160,000 of 100,000 = 160%: both reached, q100 was paid earlier -> only q150, 3,000
  const MilestoneResult r = calculate_milestones(m, "bonus", usd("160000"), usd("100000"), {"q100"});
  ASSERT_EQ(r.lines.size(), 1u);
  EXPECT_EQ(r.lines[0].amount, usd("3000"));
  EXPECT_EQ(r.newly_paid, std::vector<std::string>{"q150"});
  // Exactly 100% reaches q100 (and nothing pays twice once both are paid).
  EXPECT_EQ(calculate_milestones(m, "bonus", usd("100000"), usd("100000"), {}).newly_paid,
            std::vector<std::string>{"q100"});
  EXPECT_TRUE(calculate_milestones(m, "bonus", usd("200000"), usd("100000"), {"q100", "q150"}).lines.empty());
}

TEST(Spif, PerMatchingDealInTheWindow) {
  SpifComponent s;
  s.deal_types = {DealType::NewBusiness};
  s.from = day("2026-03-01");
  s.to = day("2026-03-31");
  s.min_credit = usd("1000");
  s.amount_per_deal = usd("500");
  s.rate = rate("0.01");
  const std::vector<SpifCredit> credits = {
      {1, day("2026-03-31"), DealType::NewBusiness, 7, usd("20000")},   // 500 + 0.01 x 20,000 = 700
      {2, day("2026-04-01"), DealType::NewBusiness, 7, usd("20000")},   // after the window
      {3, day("2026-02-28"), DealType::NewBusiness, 7, usd("20000")},   // before it
      {4, day("2026-03-15"), DealType::Renewal, 7, usd("20000")},       // wrong type
      {5, day("2026-03-15"), DealType::NewBusiness, 7, usd("999.99")},  // below min_credit
      {6, day("2026-03-01"), DealType::NewBusiness, 7,
       usd("1000.50")},  // 500 + 10.005 = 510.005 -> 510.00 (HalfEven)
  };
  const auto lines = calculate_spif(s, "spif", credits, RoundingMode::HalfEven);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].first, 1);
  EXPECT_EQ(lines[0].second.amount, usd("700"));
  EXPECT_EQ(lines[1].first, 6);
  EXPECT_EQ(lines[1].second.amount, usd("510.00"));
}

// The amount-only path (explain off, 128-bit integers) and the explained path
// (rationals) agree on every amount, exact value and rounding mode, including
// ties: 500 + 0.015 x credit for odd and even cent results and negatives.
TEST(Spif, AmountOnlyPathMatchesTheExplainedOne) {
  SpifComponent s;
  s.from = day("2026-01-01");
  s.to = day("2026-12-31");
  s.amount_per_deal = usd("500");
  s.rate = rate("0.015");
  std::vector<SpifCredit> credits;
  for (const char* a : {"1000.50", "1000.30", "333.33", "-333.33", "0.01", "99999999.99", "1.00", "0.33"})
    credits.push_back({int64_t(credits.size()), day("2026-06-01"), DealType::NewBusiness, -1, usd(a)});
  for (RoundingMode mode :
       {RoundingMode::HalfEven, RoundingMode::HalfUp, RoundingMode::HalfDown, RoundingMode::Floor,
        RoundingMode::Ceiling, RoundingMode::Down, RoundingMode::Up}) {
    const auto explained = calculate_spif(s, "spif", credits, mode, true);
    const auto lean = calculate_spif(s, "spif", credits, mode, false);
    ASSERT_EQ(explained.size(), lean.size());
    for (std::size_t i = 0; i < lean.size(); ++i) {
      EXPECT_EQ(lean[i].second.amount, explained[i].second.amount) << to_string(mode) << " " << i;
      EXPECT_EQ(lean[i].second.exact.numerator * explained[i].second.exact.denominator,
                explained[i].second.exact.numerator * lean[i].second.exact.denominator);
    }
  }
  // 500 + 0.015 x 1,000.50 = 515.0075 -> 515.01 (HalfEven), with the text only when asked.
  EXPECT_EQ(calculate_spif(s, "spif", credits, RoundingMode::HalfEven, false)[0].second.amount,
            usd("515.01"));
  EXPECT_TRUE(calculate_spif(s, "spif", credits, RoundingMode::HalfEven, false)[0]
                  .second.explanation.formula.empty());
}

TEST(Mbo, WeightedAchievementCapped) {
  MboComponent m{usd("5000"), {{"pipeline", rate("0.6")}, {"enablement", rate("0.4")}}, rate("1")};
  // 5,000 x (0.6 x min(1.2, 1) + 0.4 x 0.5) = 5,000 x 0.8 = 4,000
  EXPECT_EQ(calculate_mbo(m, "mbo", {{"pipeline", rate("1.2")}, {"enablement", rate("0.5")}},
                          RoundingMode::HalfEven)
                .amount,
            usd("4000"));
  // With max 1.5: 5,000 x (0.72 + 0.2) = 4,600
  m.max_achievement = rate("1.5");
  EXPECT_EQ(calculate_mbo(m, "mbo", {{"pipeline", rate("1.2")}, {"enablement", rate("0.5")}},
                          RoundingMode::HalfEven)
                .amount,
            usd("4600"));
  EXPECT_THROW(calculate_mbo(m, "mbo", {{"pipeline", rate("1")}}, RoundingMode::HalfEven), ValidationError);
  EXPECT_THROW(calculate_mbo(m, "mbo", {{"pipeline", rate("1")}, {"enablement", rate("1")}, {"x", rate("1")}},
                             RoundingMode::HalfEven),
               ValidationError);
}

TEST(Override, FirstDollarThresholdAndTeamAttainment) {
  OverrideComponent o;
  o.measure = "team";
  o.rate = rate("0.01");
  // 0.01 x 1,234,567.89 = 12,345.6789 -> 12,345.68
  EXPECT_EQ(calculate_override(o, input("1234567.89")).amount, usd("12345.68"));
  o.basis = OverrideBasis::AboveThreshold;
  o.rate = rate("0.02");
  o.threshold = usd("1000000");
  // 0.02 x (1,234,567.89 - 1,000,000) = 0.02 x 234,567.89 = 4,691.3578 -> 4,691.36
  EXPECT_EQ(calculate_override(o, input("1234567.89")).amount, usd("4691.36"));
  EXPECT_EQ(calculate_override(o, input("900000")).amount, usd("0"));
  o.basis = OverrideBasis::TeamAttainment;
  o.rate.reset();
  o.threshold.reset();
  o.target = usd("20000");
  o.curve = curve(CurveBeyond::Flat);
  // team 900,000 of 1,000,000 = 0.9 -> f = 0.9 -> 18,000
  EXPECT_EQ(calculate_override(o, input("900000", "1000000")).amount, usd("18000"));
}

TEST(Draws, NonRecoverableGuarantee) {
  DrawComponent d{DrawKind::NonRecoverableGuarantee, usd("5000"), 3, false};
  DrawState s{usd("0"), usd("0"), 0};
  // E = 3,000: top-up 5,000 - 3,000 = 2,000, nothing owed back
  DrawResult r = calculate_draw(d, "draw", usd("3000"), s);
  EXPECT_EQ(r.paid, usd("2000"));
  EXPECT_EQ(r.next.guarantee_balance, usd("0"));
  // E = 6,000: no top-up
  EXPECT_EQ(calculate_draw(d, "draw", usd("6000"), r.next).paid, usd("0"));
}

TEST(Draws, RecoverableGuaranteeRecoveredThenForgiven) {
  DrawComponent d{DrawKind::RecoverableGuarantee, usd("5000"), 3, true};
  // P1: E = 3,000 -> top-up 2,000, guarantee balance 2,000
  DrawResult p1 = calculate_draw(d, "draw", usd("3000"), DrawState{usd("0"), usd("0"), 0});
  EXPECT_EQ(p1.paid, usd("2000"));
  EXPECT_EQ(p1.next.guarantee_balance, usd("2000"));
  // P2: E = 6,000 -> earnings above 5,000 = 1,000 recovered, balance 1,000
  DrawResult p2 = calculate_draw(d, "draw", usd("6000"), p1.next);
  EXPECT_EQ(p2.paid, usd("0"));
  EXPECT_EQ(p2.recovered, usd("-1000"));
  EXPECT_EQ(p2.next.guarantee_balance, usd("1000"));
  // P3 (last of the term): E = 5,500 -> 500 recovered, remaining 500 forgiven
  DrawResult p3 = calculate_draw(d, "draw", usd("5500"), p2.next);
  EXPECT_EQ(p3.recovered, usd("-500"));
  EXPECT_EQ(p3.forgiven, usd("500"));
  EXPECT_EQ(p3.next.guarantee_balance, usd("0"));
}

TEST(Draws, RecoverableDrawPaidOnTopAndRecoveredLater) {
  DrawComponent d{DrawKind::RecoverableDraw, usd("2000"), 2, false};
  // P1: E = 500, nothing to recover yet; draw 2,000, balance 2,000
  DrawResult p1 = calculate_draw(d, "draw", usd("500"), DrawState{usd("0"), usd("0"), 0});
  EXPECT_EQ(p1.paid, usd("2000"));
  EXPECT_EQ(p1.recovered, usd("0"));
  // P2: E = 1,500 recovers 1,500 (balance 500), then draw 2,000 (balance 2,500)
  DrawResult p2 = calculate_draw(d, "draw", usd("1500"), p1.next);
  EXPECT_EQ(p2.recovered, usd("-1500"));
  EXPECT_EQ(p2.next.recoverable_balance, usd("2500"));
  // P3, term over: E = 4,000 recovers 2,500; no draw; balance 0 (no forgiveness)
  DrawResult p3 = calculate_draw(d, "draw", usd("4000"), p2.next);
  EXPECT_EQ(p3.paid, usd("0"));
  EXPECT_EQ(p3.recovered, usd("-2500"));
  EXPECT_EQ(p3.next.recoverable_balance, usd("0"));
}

TEST(Draws, RecoverableBalanceIsRecoveredBeforeGuaranteeBalance) {
  DrawComponent d{DrawKind::RecoverableGuarantee, usd("5000"), 6, false};
  // E = 6,500: 1,500 above the guarantee -> 1,000 clears the recoverable
  // balance first, the other 500 goes to the guarantee balance (1,000 -> 500)
  DrawResult r = calculate_draw(d, "draw", usd("6500"), DrawState{usd("1000"), usd("1000"), 2});
  EXPECT_EQ(r.recovered, usd("-1500"));
  EXPECT_EQ(r.next.recoverable_balance, usd("0"));
  EXPECT_EQ(r.next.guarantee_balance, usd("500"));
}

TEST(Clawbacks, WindowInclusivityAndMethods) {
  ClawbackComponent k{90, WindowEnd::Inclusive, ClawbackMethod::Full, {}, false};
  // 2026-01-01 -> 2026-04-01 is 90 days (31 + 28 + 31): inside an inclusive 90-day window
  const auto full = calculate_clawback(k, "cb", day("2026-01-01"), day("2026-04-01"), 12, usd("1000"),
                                       RoundingMode::HalfEven);
  ASSERT_TRUE(full.has_value());
  EXPECT_EQ(full->amount, usd("-1000"));
  k.window_end = WindowEnd::Exclusive;
  EXPECT_FALSE(calculate_clawback(k, "cb", day("2026-01-01"), day("2026-04-01"), 12, usd("1000"),
                                  RoundingMode::HalfEven));
  k.window_end = WindowEnd::Inclusive;
  k.method = ClawbackMethod::ProRataUnservedTerm;
  // Term 12 months ends 2027-01-01: 365 days, 275 unserved: 1,000 x 275 / 365 = 753.4246... -> -753.42
  EXPECT_EQ(calculate_clawback(k, "cb", day("2026-01-01"), day("2026-04-01"), 12, usd("1000"),
                               RoundingMode::HalfEven)
                ->amount,
            usd("-753.42"));
  k.method = ClawbackMethod::Stepped;
  k.steps = {{30, rate("1")}, {60, rate("0.5")}, {90, rate("0.25")}};
  // 45 days: the "within 60" step, 0.5 x 1,000 = 500
  EXPECT_EQ(calculate_clawback(k, "cb", day("2026-01-01"), day("2026-02-15"), 12, usd("1000"),
                               RoundingMode::HalfEven)
                ->amount,
            usd("-500"));
  // exactly 30 days is within the inclusive 30-day step: full 1,000
  EXPECT_EQ(calculate_clawback(k, "cb", day("2026-01-01"), day("2026-01-31"), 12, usd("1000"),
                               RoundingMode::HalfEven)
                ->amount,
            usd("-1000"));
  // 91 days: outside the window
  EXPECT_FALSE(calculate_clawback(k, "cb", day("2026-01-01"), day("2026-04-02"), 12, usd("1000"),
                                  RoundingMode::HalfEven));
  EXPECT_EQ(add_months(day("2026-01-31"), 1), day("2026-02-28"));
}

TEST(PayoutTiming, CollectionAndHoldback) {
  DealPaymentEvents deal{day("2026-01-15"), std::nullopt, usd("10000"), usd("2500")};
  PayoutTiming t{PayoutBasis::Collection, std::nullopt};
  // 25% collected: 1,000 x 0.25 = 250, 100 already paid -> 150
  EXPECT_EQ(
      calculate_payable(t, "c", usd("1000"), deal, day("2026-03-31"), usd("100"), RoundingMode::HalfEven)
          .amount,
      usd("150"));
  t = PayoutTiming{PayoutBasis::Booking, Holdback{rate("0.2"), 90}};
  // Held back 20% until 2026-04-15: 800 by 2026-03-31; the remaining 200 by 2026-06-30
  EXPECT_EQ(calculate_payable(t, "c", usd("1000"), deal, day("2026-03-31"), usd("0"), RoundingMode::HalfEven)
                .amount,
            usd("800"));
  EXPECT_EQ(
      calculate_payable(t, "c", usd("1000"), deal, day("2026-06-30"), usd("800"), RoundingMode::HalfEven)
          .amount,
      usd("200"));
  t = PayoutTiming{PayoutBasis::Invoice, std::nullopt};
  EXPECT_EQ(calculate_payable(t, "c", usd("1000"), deal, day("2026-03-31"), usd("0"), RoundingMode::HalfEven)
                .amount,
            usd("0"));  // not invoiced yet
  deal.invoice = day("2026-02-01");
  EXPECT_EQ(calculate_payable(t, "c", usd("1000"), deal, day("2026-03-31"), usd("0"), RoundingMode::HalfEven)
                .amount,
            usd("1000"));
}
