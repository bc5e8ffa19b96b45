// Worked examples for flat rates, tiers (every mode and edge rule),
// accelerators, decelerators, gates, caps, kickers and cumulative true-ups.
// Quota Q = 100,000.00 USD unless stated; arithmetic in the comments.
#include <gtest/gtest.h>

#include <random>
#include <salescomp/engine/measure_calculators.hpp>

#include "engine_test_support.hpp"

using namespace salescomp;
using namespace salescomp::testing_support;

namespace {
// [0, 0.5) 2%, [0.5, 1.0) 5%, [1.0, inf) 10%
std::vector<Tier> three_tiers() {
  return {attainment_tier("0", "0.5", "0.02"), attainment_tier("0.5", "1.0", "0.05"),
          attainment_tier("1.0", "", "0.10")};
}
Money pay(const RateComponent& c, const ComponentInput& in) { return calculate_rate_component(c, in).amount; }
}  // namespace

TEST(FlatRate, OneRoundingWithThePlanMode) {
  // 12,345.70 x 0.05 = 617.285 exactly: HalfEven -> 617.28, HalfUp -> 617.29.
  ComponentInput in = input("12345.70");
  EXPECT_EQ(pay(flat("0.05"), in), usd("617.28"));
  in.rounding = RoundingMode::HalfUp;
  const ComponentResult r = calculate_rate_component(flat("0.05"), in);
  EXPECT_EQ(r.amount, usd("617.29"));
  EXPECT_EQ(r.explanation.exact_value, "617.285");
  EXPECT_EQ(r.explanation.rounding, "HalfUp to 0.01: 617.285 -> 617.29");
  EXPECT_EQ(r.explanation.formula, "0.05 x 12345.70");
}

TEST(FlatRate, NegativeMeasureNetsRefunds) {
  // -1,000.00 x 0.10 = -100.00
  EXPECT_EQ(pay(flat("0.10"), input("-1000.00")), usd("-100.00"));
}

TEST(Tiers, Marginal) {
  // x = 120,000: 0.02 x 50,000 + 0.05 x 50,000 + 0.10 x 20,000 = 1,000 + 2,500 + 2,000 = 5,500
  const auto r =
      calculate_rate_component(tiered(TierMode::Marginal, three_tiers()), input("120000", "100000"));
  EXPECT_EQ(r.amount, usd("5500.00"));
  EXPECT_EQ(r.explanation.formula, "0.02 x 50000.00 + 0.05 x 50000.00 + 0.1 x 20000.00");
  EXPECT_EQ(r.explanation.attainment, rate("1.2"));
  EXPECT_EQ(r.explanation.band, "tier 3 of 3 [1.0, inf), marginal");
}

TEST(Tiers, Retroactive) {
  // x = 120,000 is in the 10% band: 0.10 x 120,000 = 12,000
  EXPECT_EQ(pay(tiered(TierMode::Retroactive, three_tiers()), input("120000", "100000")), usd("12000.00"));
  // x = 80,000 is in the 5% band: 0.05 x 80,000 = 4,000
  EXPECT_EQ(pay(tiered(TierMode::Retroactive, three_tiers()), input("80000", "100000")), usd("4000.00"));
}

TEST(Tiers, EdgeRuleDecidesExactly100Percent) {
  // x = 100,000 = Q exactly. Lower edge inclusive (default): the 10% band,
  // 0.10 x 100,000 = 10,000. Upper edge inclusive: the 5% band, 5,000.
  RateComponent c = tiered(TierMode::Retroactive, three_tiers());
  EXPECT_EQ(pay(c, input("100000", "100000")), usd("10000.00"));
  c.table->edge = BandEdge::UpperInclusive;
  EXPECT_EQ(pay(c, input("100000", "100000")), usd("5000.00"));
  // One cent below the edge is in the 5% band either way: 99,999.99 x 0.05 = 4,999.9995 -> 5,000.00
  EXPECT_EQ(pay(c, input("99999.99", "100000")), usd("5000.00"));
  c.table->edge = BandEdge::LowerInclusive;
  EXPECT_EQ(pay(c, input("99999.99", "100000")), usd("5000.00"));
  // A quota that makes the ratio repeat: Q = 300,000.03, x = 300,000.03 is
  // exactly 100% (no rounded ratio involved): 0.10 x 300,000.03 = 30,000.003 -> 30,000.00
  EXPECT_EQ(pay(c, input("300000.03", "300000.03")), usd("30000.00"));
}

TEST(Tiers, Hybrid) {
  RateComponent c = tiered(TierMode::Hybrid, three_tiers());
  c.table->hybrid_threshold = Rate::parse("1.0").raw();
  // Above the threshold: [0, 100,000) at the 5% band reached, marginal above:
  // 0.05 x 100,000 + 0.10 x 20,000 = 5,000 + 2,000 = 7,000
  EXPECT_EQ(pay(c, input("120000", "100000")), usd("7000.00"));
  // Below it: retroactive, 0.05 x 80,000 = 4,000; 0.02 x 40,000 = 800
  EXPECT_EQ(pay(c, input("80000", "100000")), usd("4000.00"));
  EXPECT_EQ(pay(c, input("40000", "100000")), usd("800.00"));
}

TEST(Tiers, Interpolated) {
  // [0, 0.5) 2% -> 4%, [0.5, 1.0) 4% -> 8%, [1.0, inf) 10%
  RateComponent c = tiered(TierMode::Interpolated, {attainment_tier("0", "0.5", "0.02", "0.04"),
                                                    attainment_tier("0.5", "1.0", "0.04", "0.08"),
                                                    attainment_tier("1.0", "", "0.10")});
  // x = 75,000: r = 0.04 + 0.04 x (75,000 - 50,000) / 50,000 = 0.06; 0.06 x 75,000 = 4,500
  const auto r = calculate_rate_component(c, input("75000", "100000"));
  EXPECT_EQ(r.amount, usd("4500.00"));
  EXPECT_EQ(r.explanation.rate, rate("0.06"));
  // x = 10,000: r = 0.02 + 0.02 x 10,000 / 50,000 = 0.024; 0.024 x 10,000 = 240
  EXPECT_EQ(pay(c, input("10000", "100000")), usd("240.00"));
  // x = 33,333.33: r = 0.02 + 0.02 x 33,333.33 / 50,000 = 0.0333333332,
  // 0.0333333332 x 33,333.33 = 1,111.110988888... -> 1,111.11
  EXPECT_EQ(pay(c, input("33333.33", "100000")), usd("1111.11"));
  // x = 150,000 in the unbounded band: 0.10 x 150,000 = 15,000
  EXPECT_EQ(pay(c, input("150000", "100000")), usd("15000.00"));
}

TEST(Tiers, OnAmountNeedNoQuota) {
  // [0, 50,000.00) 5%, [50,000.00, inf) 8%, marginal: 0.05 x 50,000 + 0.08 x 30,000 = 2,500 + 2,400 = 4,900
  const Currency u = Currency::of("USD");
  RateComponent c =
      tiered(TierMode::Marginal, {amount_tier("0", "50000", "0.05", u), amount_tier("50000", "", "0.08", u)},
             TierBasis::Amount);
  EXPECT_EQ(pay(c, input("80000")), usd("4900.00"));
  // Attainment tiers without a quota are an error, not a guess.
  EXPECT_THROW(pay(tiered(TierMode::Marginal, three_tiers()), input("80000")), ValidationError);
}

TEST(Accelerators, BandAndWhole) {
  RateComponent c = flat("0.10");
  c.adjustments = {
      RateAdjustment{AdjustmentDirection::Above, rate("1.0"), rate("1.5"), AdjustmentScope::Band}};
  // Band: 0.10 x 100,000 + 0.15 x 20,000 = 10,000 + 3,000 = 13,000
  EXPECT_EQ(pay(c, input("120000", "100000")), usd("13000.00"));
  c.adjustments[0].scope = AdjustmentScope::Whole;
  // Whole: 0.10 x 120,000 x 1.5 = 18,000; below the level: 0.10 x 90,000 = 9,000
  EXPECT_EQ(pay(c, input("120000", "100000")), usd("18000.00"));
  EXPECT_EQ(pay(c, input("90000", "100000")), usd("9000.00"));
}

TEST(Decelerators, BandAndWhole) {
  RateComponent c = flat("0.10");
  c.adjustments = {
      RateAdjustment{AdjustmentDirection::Below, rate("0.5"), rate("0.5"), AdjustmentScope::Band}};
  // Band: the part below 50,000 at 0.05: 0.05 x 50,000 + 0.10 x 10,000 = 2,500 + 1,000 = 3,500
  EXPECT_EQ(pay(c, input("60000", "100000")), usd("3500.00"));
  c.adjustments[0].scope = AdjustmentScope::Whole;
  // Whole: at 60% (not below 50%): 0.10 x 60,000 = 6,000; at 40%: 0.10 x 40,000 x 0.5 = 2,000
  EXPECT_EQ(pay(c, input("60000", "100000")), usd("6000.00"));
  EXPECT_EQ(pay(c, input("40000", "100000")), usd("2000.00"));
}

TEST(Decelerators, BandScopeAppliesToARefund) {
  // Issue 17: the payout is the integral of the piecewise rate over [0, x];
  // for x < 0 every point of [x, 0) lies below the level, so a band
  // decelerator reduces the refund exactly as the whole-scope one does.
  // Flat 5%, below 0.5 x 0.5, quota 300,000, measure -300,000:
  // 0.025 x -300,000 = -7,500.00 (not -15,000.00).
  RateComponent c = flat("0.05");
  c.adjustments = {
      RateAdjustment{AdjustmentDirection::Below, rate("0.5"), rate("0.5"), AdjustmentScope::Band}};
  EXPECT_EQ(pay(c, input("-300000", "300000")), usd("-7500.00"));
  c.adjustments[0].scope = AdjustmentScope::Whole;
  EXPECT_EQ(pay(c, input("-300000", "300000")), usd("-7500.00"));
  // The two scopes agree everywhere from 0 to the level: 0.025 x 100,000.
  EXPECT_EQ(pay(c, input("100000", "300000")), usd("2500.00"));
  c.adjustments[0].scope = AdjustmentScope::Band;
  EXPECT_EQ(pay(c, input("100000", "300000")), usd("2500.00"));
  // A decelerator at level 0 covers every point below 0: 0.025 x -1,000 = -25.00.
  c.adjustments[0].level = rate("0");
  EXPECT_EQ(pay(c, input("-1000", "300000")), usd("-25.00"));
  EXPECT_EQ(pay(c, input("1000", "300000")), usd("50.00"));
  // An accelerator never reaches a refund: 0.05 x -1,000 = -50.00.
  c.adjustments = {RateAdjustment{AdjustmentDirection::Above, rate("0"), rate("2"), AdjustmentScope::Band}};
  EXPECT_EQ(pay(c, input("-1000", "300000")), usd("-50.00"));
}

TEST(Decelerators, SaleThenRefundNetsToZero) {
  // +10,000 in January and -10,000 in February at 10% with a band
  // decelerator x0.5 below 50% of a 100,000 quota: 0.05 x 10,000 = 500.00,
  // then 0.05 x -10,000 = -500.00; nothing is charged on zero net sales.
  RateComponent c = flat("0.10");
  c.adjustments = {
      RateAdjustment{AdjustmentDirection::Below, rate("0.5"), rate("0.5"), AdjustmentScope::Band}};
  const Money january = pay(c, input("10000", "100000"));
  const Money february = pay(c, input("-10000", "100000"));
  EXPECT_EQ(january, usd("500.00"));
  EXPECT_EQ(february, usd("-500.00"));
  EXPECT_EQ(january + february, usd("0.00"));
}

TEST(ModifierOrder, WholeAdjustmentsAndKickersSeeTheCappedAttainment) {
  // Issue 17: the attainment cap comes first, so measure above it counts for
  // nothing, including the whole-scope adjustments' and the kicker's levels.
  // Flat 5%, attainment cap 1, kicker at 1.25 x 1.5, 3,000,000 on a quota of
  // 2,000,000: x is counted up to 2,000,000 (A = 1 < 1.25): 0.05 x 2,000,000
  // = 100,000.00 (not 150,000.00).
  RateComponent c = flat("0.05");
  c.caps.attainment = rate("1");
  c.kicker = Kicker{rate("1.25"), rate("1.5")};
  EXPECT_EQ(pay(c, input("3000000", "2000000")), usd("100000.00"));
  c.kicker.reset();
  c.adjustments = {
      RateAdjustment{AdjustmentDirection::Above, rate("1.25"), rate("1.5"), AdjustmentScope::Whole}};
  EXPECT_EQ(pay(c, input("3000000", "2000000")), usd("100000.00"));
  // A whole decelerator below 1.25 applies: 100,000 x 0.5 = 50,000.00.
  c.adjustments[0] =
      RateAdjustment{AdjustmentDirection::Below, rate("1.25"), rate("0.5"), AdjustmentScope::Whole};
  EXPECT_EQ(pay(c, input("3000000", "2000000")), usd("50000.00"));
}

TEST(Refunds, TiersPayTheFirstRateAndCurvesStayAtTheirFirstPoint) {
  // A negative measure is paid at the first band's rate (the rate at 0) in
  // every mode; interpolated tiers take the first band's `rate`:
  // [0, 0.5) 2%->4%, [0.5, 1) 4%->8%, [1, inf) 10%: x = -10,000 -> -200.00.
  RateComponent t = tiered(TierMode::Interpolated, {attainment_tier("0", "0.5", "0.02", "0.04"),
                                                    attainment_tier("0.5", "1.0", "0.04", "0.08"),
                                                    attainment_tier("1.0", "", "0.10")});
  EXPECT_EQ(pay(t, input("-10000", "100000")), usd("-200.00"));
  t.table->mode = TierMode::Retroactive;
  for (Tier& tier : t.table->tiers) tier.rate_to.reset();
  EXPECT_EQ(pay(t, input("-10000", "100000")), usd("-200.00"));
  // A target-incentive curve is flat below its first point (attainment 0):
  // target 10,000, f(0) = 0.1 -> 1,000.00 for any negative attainment.
  TargetIncentiveComponent ti;
  ti.measure = "m";
  ti.target = usd("10000");
  ti.curve.points = {CurvePoint{rate("0"), rate("0.1")}, CurvePoint{rate("1"), rate("1")}};
  EXPECT_EQ(calculate_target_incentive(ti, input("-50000", "100000")).amount, usd("1000.00"));
  EXPECT_EQ(calculate_target_incentive(ti, input("50000", "100000")).amount, usd("5500.00"));
}

TEST(Caps, PerDealCapOnDealsThatNetToZero) {
  // Issue 17: each deal's commission is its credit x the effective rate,
  // then capped, whatever the sign of the net measure. 10%, cap 15.00, deals
  // +200.00 and -200.00 (net 0; the rate just above 0 is 10%):
  // min(20, 15) + (-20) = -5.00; net +0.01 gives the same -5.00 (continuity):
  // 15 + 0.1 x -199.99 = -4.999 -> -5.00.
  RateComponent c = flat("0.10");
  c.caps.per_deal = usd("15");
  ComponentInput in = input("0");
  in.deal_credits = {usd("200"), usd("-200")};
  EXPECT_EQ(pay(c, in), usd("-5.00"));
  in = input("0.01");
  in.deal_credits = {usd("200"), usd("-199.99")};
  EXPECT_EQ(pay(c, in), usd("-5.00"));
  // A decelerator x0.5 below 50% of 1,000: the rate just above 0 is 5%:
  // min(10, 15) - 10 = 0.00 at net 0.
  c.adjustments = {
      RateAdjustment{AdjustmentDirection::Below, rate("0.5"), rate("0.5"), AdjustmentScope::Band}};
  in = input("0", "1000");
  in.deal_credits = {usd("200"), usd("-200")};
  EXPECT_EQ(pay(c, in), usd("0.00"));
}

TEST(Cumulative, PaidBeforeIsRefusedOnAPeriodComponent) {
  // A period component pays each period on its own: there is nothing to net.
  ComponentInput in = input("1000");
  in.paid_before = usd("10");
  EXPECT_THROW(pay(flat("0.10"), in), ValidationError);
  RateComponent ytd = flat("0.10");
  ytd.accumulation = Accumulation::YearToDate;
  EXPECT_EQ(pay(ytd, in), usd("90.00"));  // 0.10 x 1,000 - 10
}

TEST(Gates, NoPayoutUntilReached) {
  RateComponent c = flat("0.10");
  c.gate = Gate{"", GateBasis::Attainment, rate("0.5").raw(), Accumulation::Period, GateEffect::NoPayout};
  // 40% < 50%: nothing. Exactly 50% opens the gate (lower edge inclusive): 0.10 x 50,000 = 5,000
  const auto closed = calculate_rate_component(c, input("40000", "100000"));
  EXPECT_EQ(closed.amount, usd("0.00"));
  EXPECT_NE(closed.explanation.applied.at(0).find("not reached: no payout"), std::string::npos);
  EXPECT_EQ(pay(c, input("50000", "100000")), usd("5000.00"));
  // Gate on another measure: 30,000 of a 50,000 quota = 60% >= 50%, so
  // 0.10 x 20,000 = 2,000 even though this measure is at 20%.
  c.gate->measure = "other";
  ComponentInput in = input("20000", "100000");
  in.gate_measure = usd("30000");
  in.gate_quota = usd("50000");
  EXPECT_EQ(pay(c, in), usd("2000.00"));
}

TEST(Gates, NoAcceleratorOnCumulativeAmount) {
  RateComponent c = flat("0.10");
  c.adjustments = {RateAdjustment{AdjustmentDirection::Above, rate("1.0"), rate("2"), AdjustmentScope::Band}};
  c.gate = Gate{"ytd", GateBasis::Amount, usd("200000").minor_units(), Accumulation::YearToDate,
                GateEffect::NoAccelerator};
  ComponentInput in = input("120000", "100000");
  in.gate_measure = usd("150000");
  // YTD 150,000 < 200,000: no accelerator, 0.10 x 120,000 = 12,000
  EXPECT_EQ(pay(c, in), usd("12000.00"));
  in.gate_measure = usd("200000");
  // Open: 0.10 x 100,000 + 0.20 x 20,000 = 14,000
  EXPECT_EQ(pay(c, in), usd("14000.00"));
}

TEST(Caps, PeriodYearAttainmentSoftAndPerDeal) {
  RateComponent c = flat("0.10");
  c.caps.per_period = usd("5000");
  // 0.10 x 80,000 = 8,000 capped at 5,000
  EXPECT_EQ(pay(c, input("80000")), usd("5000.00"));
  c.caps = Caps{};
  c.caps.per_year = usd("20000");
  ComponentInput in = input("80000");
  in.paid_in_year = usd("18000");
  // min(8,000, 20,000 - 18,000) = 2,000
  EXPECT_EQ(pay(c, in), usd("2000.00"));
  in.paid_in_year = usd("21000");
  EXPECT_EQ(pay(c, in), usd("0.00"));  // already over: nothing more, never negative

  c.caps = Caps{};
  c.caps.attainment = rate("1.2");
  // x = 150,000 counted up to 120% of 100,000: 0.10 x 120,000 = 12,000
  EXPECT_EQ(pay(c, input("150000", "100000")), usd("12000.00"));

  c.caps = Caps{};
  c.caps.soft = SoftCap{rate("1.0"), rate("0.5")};
  // 0.10 x 100,000 + 0.05 x 50,000 = 10,000 + 2,500 = 12,500
  EXPECT_EQ(pay(c, input("150000", "100000")), usd("12500.00"));

  c.caps = Caps{};
  c.caps.per_deal = usd("3000");
  in = input("80000");
  in.deal_credits = {usd("50000"), usd("20000"), usd("10000")};
  // min(5,000, 3,000) + 2,000 + 1,000 = 6,000
  EXPECT_EQ(pay(c, in), usd("6000.00"));
  in.deal_credits.pop_back();  // credits no longer sum to the measure
  EXPECT_THROW(pay(c, in), ValidationError);
}

TEST(Kicker, MultipliesThePayoutAtTheLevel) {
  RateComponent c = flat("0.10");
  c.kicker = Kicker{rate("1.0"), rate("1.1")};
  // 0.10 x 100,000 x 1.1 = 11,000; at 99,999.99: 9,999.999 -> 10,000.00 (no kicker)
  EXPECT_EQ(pay(c, input("100000", "100000")), usd("11000.00"));
  EXPECT_EQ(pay(c, input("99999.99", "100000")), usd("10000.00"));
}

TEST(Cumulative, TrueUpNetsWhatWasPaid) {
  // YTD marginal [0, 1.0) 5%, [1.0, inf) 10%. Q1 paid 5,000. At the end of Q2
  // YTD measure 250,000 against YTD quota 200,000:
  // earned = 0.05 x 200,000 + 0.10 x 50,000 = 15,000; true-up = 15,000 - 5,000 = 10,000
  RateComponent c =
      tiered(TierMode::Marginal, {attainment_tier("0", "1.0", "0.05"), attainment_tier("1.0", "", "0.10")});
  c.accumulation = Accumulation::YearToDate;
  ComponentInput in = input("250000", "200000");
  in.paid_before = usd("5000");
  const auto r = calculate_rate_component(c, in);
  EXPECT_EQ(r.amount, usd("10000.00"));
  EXPECT_EQ(r.explanation.prior_paid, usd("5000"));
  // A later reversal: YTD down to 80,000 -> earned 4,000; paid 15,000 -> -11,000
  in = input("80000", "200000");
  in.paid_before = usd("15000");
  EXPECT_EQ(pay(c, in), usd("-11000.00"));
}

TEST(Explanation, TextShowsTheChain) {
  RateComponent c = tiered(TierMode::Marginal, three_tiers());
  c.caps.per_period = usd("5000");
  const auto r = calculate_rate_component(c, input("120000", "100000"));
  const std::string text = r.explanation.to_text();
  EXPECT_NE(text.find("c (tiered): 5000.00 USD"), std::string::npos) << text;
  EXPECT_NE(text.find("attainment  1.2"), std::string::npos) << text;
  EXPECT_NE(text.find("per_period cap 5000.00 (uncapped 5500.00)"), std::string::npos) << text;
  EXPECT_NE(text.find("rounding    HalfEven to 0.01: 5000.00 -> 5000.00"), std::string::npos) << text;
}

// Property: without decelerators (rates non-decreasing across bands, no
// Below adjustments, no soft cap) the payout never decreases as credit is added.
TEST(Properties, PayoutMonotoneInTheMeasure) {
  std::mt19937_64 rng(20261127);
  const TierMode modes[] = {TierMode::Marginal, TierMode::Retroactive, TierMode::Hybrid,
                            TierMode::Interpolated};
  for (int plan = 0; plan < 200; ++plan) {
    const TierMode mode = modes[plan % 4];
    std::vector<Tier> tiers;
    int64_t from = 0;
    int64_t r = int64_t(rng() % 50) * 1'000'000'000;  // 0 .. 0.049
    const int n = 2 + int(rng() % 3);
    for (int i = 0; i < n; ++i) {
      Tier t;
      t.from = from;
      t.rate = Rate::from_raw(r);
      if (i + 1 < n) {
        from += int64_t(1 + rng() % 60) * 10'000'000'000;  // 0.01 .. 0.60 wide
        t.to = from;
        if (mode == TierMode::Interpolated) {
          r += int64_t(rng() % 20) * 1'000'000'000;
          t.rate_to = Rate::from_raw(r);
        }
      }
      r += int64_t(rng() % 20) * 1'000'000'000;
      tiers.push_back(t);
    }
    RateComponent c = tiered(mode, tiers);
    if (mode == TierMode::Hybrid) c.table->hybrid_threshold = tiers[1].from;
    if (plan % 3 == 0)
      c.adjustments = {RateAdjustment{AdjustmentDirection::Above, rate("1.0"), rate("1.5"),
                                      plan % 2 ? AdjustmentScope::Band : AdjustmentScope::Whole}};
    if (plan % 5 == 0) c.caps.per_period = usd("9000");
    Money previous = usd("-1");
    for (int64_t cents = 0; cents <= 20'000'000; cents += 1 + int64_t(rng() % 400'000)) {
      const Money now = pay(c, input(Money::from_minor(cents, Currency::of("USD")).to_string(), "100000"));
      ASSERT_GE(now, previous) << "plan " << plan << " at " << cents << " cents";
      previous = now;
    }
  }
}
