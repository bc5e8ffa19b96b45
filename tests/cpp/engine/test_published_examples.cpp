// Published examples, recomputed. Where a source's own arithmetic is wrong
// the formula wins (DOMAIN.md) and the test says so.
#include <gtest/gtest.h>

#include <salescomp/engine/clawback_calculator.hpp>
#include <salescomp/engine/draw_calculator.hpp>
#include <salescomp/engine/measure_calculators.hpp>

#include "engine_test_support.hpp"

using namespace salescomp;
using namespace salescomp::testing_support;

// Sparrowgenie, "Non-Retroactive Commission" (marginal tiers on amount),
// https://www.sparrowgenie.com/sales-commission-models/non-retroactive-commission :
// 3% on the first 300,000, 5% from 300,000 to 500,000, 7% above; 600,000 of
// sales pays 9,000 + 10,000 + 7,000 = 26,000.
TEST(Published, SparrowgenieMarginalTiers) {
  const Currency u = Currency::of("USD");
  const RateComponent c =
      tiered(TierMode::Marginal,
             {amount_tier("0", "300000", "0.03", u), amount_tier("300000", "500000", "0.05", u),
              amount_tier("500000", "", "0.07", u)},
             TierBasis::Amount);
  const auto r = calculate_rate_component(c, input("600000"));
  EXPECT_EQ(r.amount, usd("26000"));
  EXPECT_EQ(r.explanation.formula, "0.03 x 300000.00 + 0.05 x 200000.00 + 0.07 x 100000.00");
}

// MyTime, "Tiered Commission by Revenue Amount (Above Earned Breakdown)",
// https://help.mytime.com/hc/en-us/articles/360046956372 : 25% up to 500,
// 30% to 3,000, 40% above, marginal. The page's 4th cycle (5,000 -> 1,675.00)
// agrees with the formula: 0.25 x 500 + 0.30 x 2,500 + 0.40 x 2,000 = 1,675.
// Its 3rd cycle (1,500) prints 424.98, but its own terms give
// 499.99 x 25% + 1,000.01 x 30% = 124.9975 + 300.003 = 425.0005, and with
// contiguous bands 0.25 x 500 + 0.30 x 1,000 = 425.00: the page is wrong.
TEST(Published, MyTimeMarginalTiersAndItsArithmeticSlip) {
  const Currency u = Currency::of("USD");
  const RateComponent c = tiered(TierMode::Marginal,
                                 {amount_tier("0", "500", "0.25", u), amount_tier("500", "3000", "0.30", u),
                                  amount_tier("3000", "", "0.40", u)},
                                 TierBasis::Amount);
  EXPECT_EQ(calculate_rate_component(c, input("5000")).amount, usd("1675.00"));
  EXPECT_EQ(calculate_rate_component(c, input("1500")).amount, usd("425.00"));
  EXPECT_EQ(calculate_rate_component(c, input("400")).amount, usd("100.00"));  // first cycle: 400 x 25%
}

// Xactly, "The Non-Recoverable Draw Against Commission",
// https://www.xactlycorp.com/blog/non-recoverable-draw/ : a 1,500 draw;
// August earns 500 and is paid 1,500 (1,000 from the draw, carried as a
// balance when recoverable); September earns 3,000 and takes home 2,000
// after repaying the 1,000. Non-recoverable: September takes home 3,000.
// In salescomp terms this is a guarantee (the draw tops earnings up to D).
TEST(Published, XactlyRecoverableVersusNonRecoverable) {
  DrawComponent d{DrawKind::RecoverableGuarantee, usd("1500"), 12, false};
  const DrawResult august = calculate_draw(d, "draw", usd("500"), DrawState{usd("0"), usd("0"), 0});
  EXPECT_EQ(usd("500") + august.paid + august.recovered, usd("1500"));
  EXPECT_EQ(august.next.guarantee_balance, usd("1000"));
  const DrawResult september = calculate_draw(d, "draw", usd("3000"), august.next);
  EXPECT_EQ(usd("3000") + september.paid + september.recovered, usd("2000"));
  EXPECT_EQ(september.next.guarantee_balance, usd("0"));

  d.kind = DrawKind::NonRecoverableGuarantee;
  const DrawResult aug_nr = calculate_draw(d, "draw", usd("500"), DrawState{usd("0"), usd("0"), 0});
  const DrawResult sep_nr = calculate_draw(d, "draw", usd("3000"), aug_nr.next);
  EXPECT_EQ(usd("500") + aug_nr.paid, usd("1500"));
  EXPECT_EQ(usd("3000") + sep_nr.paid + sep_nr.recovered, usd("3000"));
}

// Zepys, "How to handle refunds and clawbacks with agents",
// https://staging.zepys.com/learn/how-to-handle-refunds-and-clawbacks-with-agents : "if a
// customer on a 12 month contract cancels after 6 months, you might claw back 50% of the
// commission". Pro rata on the unserved term, in days: a 12-month term from 2027-03-01 ends
// 2028-03-01 (366 days, 2028 is a leap year); cancelled 2027-08-31, 183 days in: unserved
// 183 / 366 = exactly 0.5 of the 1,000.00 paid -> -500.00.
TEST(Published, ZepysProRataClawbackHalfTheTerm) {
  ClawbackComponent k;
  k.window_days = 365;
  k.method = ClawbackMethod::ProRataUnservedTerm;
  const auto r = calculate_clawback(k, "clawback", day("2027-03-01"), day("2027-08-31"), 12, usd("1000"),
                                    RoundingMode::HalfEven);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->amount, usd("-500"));
}

// Core8 docs, "Clawbacks and early exit",
// https://docs.core8.co/commission-plan-patterns/clawbacks-and-early-exit : "Earned
// commission: $10,000; early termination triggers 50% clawback; post a CLAWBACK adjustment of
// -5,000 in the clawback period". A stepped schedule claws back 50% within the first year.
TEST(Published, Core8FiftyPercentEarlyTerminationClawback) {
  ClawbackComponent k;
  k.window_days = 365;
  k.method = ClawbackMethod::Stepped;
  k.steps = {{90, rate("1")}, {365, rate("0.5")}};
  const auto r = calculate_clawback(k, "clawback", day("2026-01-15"), day("2026-07-01"), 12, usd("10000"),
                                    RoundingMode::HalfEven);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->amount, usd("-5000"));  // 167 days after close: the 50% step
}
