// Hand-computed examples for every rule-based model and convention.
#include <gtest/gtest.h>

#include <salescomp/attribution/rule_attribution.hpp>
#include <salescomp/data/touchpoint_table.hpp>

#include "attribution_fixtures.hpp"

using namespace salescomp;
using namespace attribution_test;

namespace {
constexpr int32_t kSearch = 0, kEmail = 1, kDirect = 2, kSocial = 3;
constexpr int64_t kDay = 86400;

std::vector<int64_t> values(const PathTable& p, RuleOptions o) {
  return value_by_channel(attribute_rule(p, o), p.channel_count);
}
std::vector<int64_t> conversions(const PathTable& p, RuleOptions o) {
  return conversions_by_channel(attribute_rule(p, o), p.channel_count);
}
RuleOptions with(RuleModel m) {
  RuleOptions o;
  o.model = m;
  return o;
}
using V = std::vector<int64_t>;
}  // namespace

TEST(RuleModels, FirstLastAndLastNonDirect) {
  // search > email > direct, one conversion worth 100.00.
  const PathTable p = table(4, {{{kSearch, kEmail, kDirect}, 1, 0, 10000}});
  EXPECT_EQ(values(p, with(RuleModel::FirstTouch)), (V{10000, 0, 0, 0}));
  EXPECT_EQ(values(p, with(RuleModel::LastTouch)), (V{0, 0, 10000, 0}));
  RuleOptions lnd = with(RuleModel::LastNonDirect);
  lnd.direct_channels = {kDirect};
  EXPECT_EQ(values(p, lnd), (V{0, 10000, 0, 0}));
  // Every touch direct: the last (direct) touch keeps the credit.
  EXPECT_EQ(values(table(4, {{{kDirect, kDirect}, 1, 0, 500}}), lnd), (V{0, 0, 500, 0}));
  EXPECT_EQ(conversions(p, with(RuleModel::FirstTouch)), (V{kConversionScale, 0, 0, 0}));
}

TEST(RuleModels, LinearPerTouchAndPerChannel) {
  // search > email > search, 100.00: per touch search 2/3, email 1/3.
  // 10000 * 2/3 = 6666.67, 10000 / 3 = 3333.33 -> floors 6666 + 3333 = 9999,
  // the leftover cent to the larger remainder (.67): search 6667, email 3333.
  const PathTable p = table(4, {{{kSearch, kEmail, kSearch}, 1, 0, 10000}});
  EXPECT_EQ(values(p, with(RuleModel::LinearPerTouch)), (V{6667, 3333, 0, 0}));
  // Conversions: 10^9 * 2/3 = 666666666.67 -> 666666667 and 333333333.
  EXPECT_EQ(conversions(p, with(RuleModel::LinearPerTouch)), (V{666666667, 333333333, 0, 0}));
  // Per distinct channel: 1/2 each.
  EXPECT_EQ(values(p, with(RuleModel::LinearPerChannel)), (V{5000, 5000, 0, 0}));
  // A cent split three ways (1.00 / 3): 33.33.. each, the leftover to the
  // channel touched first (email here, although its code is larger).
  const PathTable q = table(4, {{{kEmail, kSocial, kSearch}, 1, 0, 100}});
  EXPECT_EQ(values(q, with(RuleModel::LinearPerTouch)), (V{33, 34, 0, 33}));
}

TEST(RuleModels, PositionBasedDefaultsAndConventions) {
  // 4 touches at 40/20/40: first 40, two middles 10 each, last 40 of 100.00.
  const PathTable four = table(4, {{{kSearch, kEmail, kSocial, kDirect}, 1, 0, 10000}});
  EXPECT_EQ(values(four, with(RuleModel::PositionBased)), (V{4000, 1000, 4000, 1000}));
  // 2 touches at 40/20/40: split the middle evenly -> 50/50; renormalise
  // 40:40 -> 50/50 too.
  const PathTable two = table(4, {{{kSearch, kEmail}, 1, 0, 10000}});
  EXPECT_EQ(values(two, with(RuleModel::PositionBased)), (V{5000, 5000, 0, 0}));
  // Asymmetric 40/20/30 shows the difference.
  RuleOptions o = with(RuleModel::PositionBased);
  o.last_share = Rate::parse("0.3");
  EXPECT_THROW(attribute_rule(two, o), ValidationError);  // 0.9 in all: refused unless asked to scale
  o.normalise_shares = true;
  // SplitMiddleEvenly: 0.5 : 0.4 = 5/9, 4/9 -> 5555.56, 4444.44 -> floors
  // 5555 + 4444 = 9999, leftover to .56: 5556, 4444.
  EXPECT_EQ(values(two, o), (V{5556, 4444, 0, 0}));
  // Renormalise: 0.4 : 0.3 = 4/7, 3/7 -> 5714.29, 4285.71 -> 5714 + 4285,
  // leftover to .71: 5714, 4286.
  o.two_touch = TwoTouchConvention::Renormalise;
  EXPECT_EQ(values(two, o), (V{5714, 4286, 0, 0}));
  // One touch: everything to it, or an error when asked.
  const PathTable one = table(4, {{{kSocial}, 1, 0, 700}});
  EXPECT_EQ(values(one, with(RuleModel::PositionBased)), (V{0, 0, 0, 700}));
  RuleOptions reject = with(RuleModel::PositionBased);
  reject.one_touch = OneTouchConvention::Reject;
  EXPECT_THROW(attribute_rule(one, reject), ValidationError);
}

TEST(RuleModels, WShapedAndFullPath) {
  using F = uint8_t;
  // 5 touches: first (search), lead (email), other (social), opportunity
  // (direct), other (social): 30/30/30 and 10 over the two others (5 + 5).
  const PathTable w = table(4, {{{kSearch, kEmail, kSocial, kDirect, kSocial},
                                 1,
                                 0,
                                 10000,
                                 {},
                                 {F(0), F(kLeadCreated), F(0), F(kOpportunityCreated), F(0)}}});
  EXPECT_EQ(values(w, with(RuleModel::WShaped)), (V{3000, 3000, 3000, 1000}));
  // Coincident: the first touch also created the lead -> 0.3 + 0.3 = 0.6;
  // opportunity 0.3; one other touch takes the 0.1: 60 / 10 / 30.
  const PathTable co = table(
      4, {{{kSearch, kEmail, kDirect}, 1, 0, 10000, {}, {F(kLeadCreated), F(0), F(kOpportunityCreated)}}});
  EXPECT_EQ(values(co, with(RuleModel::WShaped)), (V{6000, 1000, 3000, 0}));
  // No other touches: the rest share drops out, 0.6 : 0.3 -> 2/3, 1/3:
  // 6666.67, 3333.33 -> 6667, 3333.
  const PathTable none =
      table(4, {{{kSearch, kDirect}, 1, 0, 10000, {}, {F(kLeadCreated), F(kOpportunityCreated)}}});
  EXPECT_EQ(values(none, with(RuleModel::WShaped)), (V{6667, 0, 3333, 0}));
  // Missing opportunity milestone: 0.3, 0.3, 0.1 -> 3/7, 3/7, 1/7 of 100.00
  // = 4285.71, 4285.71, 1428.57 -> floors sum 9998, leftovers to the two .71s.
  const PathTable missing =
      table(4, {{{kSearch, kEmail, kSocial}, 1, 0, 10000, {}, {F(0), F(kLeadCreated), F(0)}}});
  EXPECT_EQ(values(missing, with(RuleModel::WShaped)), (V{4286, 4286, 0, 1428}));
  // Full path, 6 touches: first, lead, other, opportunity, other, won:
  // 22.5 x 4 + 10 over two others (5 + 5). Channels: search, email, social,
  // direct, social, search -> search 45, email 22.5, social 10, direct 22.5.
  const PathTable full =
      table(4, {{{kSearch, kEmail, kSocial, kDirect, kSocial, kSearch},
                 1,
                 0,
                 10000,
                 {},
                 {F(0), F(kLeadCreated), F(0), F(kOpportunityCreated), F(0), F(kClosedWon)}}});
  EXPECT_EQ(values(full, with(RuleModel::FullPath)), (V{4500, 2250, 2250, 1000}));
  // Without milestone flags the model cannot run.
  EXPECT_THROW(attribute_rule(table(4, {{{kSearch, kEmail}, 1, 0, 100}}), with(RuleModel::WShaped)),
               ValidationError);
}

TEST(RuleModels, WShapedReadsAllFiveShares) {
  // Issue 17: journey a (t=0) then b (t=10, closed won), 100.00, W-shaped
  // shares 0.2 / 0.2 / 0.2 / 0.3 / 0.1. First touch a 0.2, closed won b 0.3;
  // lead and opportunity are missing and the rest has no touch, so they drop
  // out: 0.2 : 0.3 = 40.00 / 60.00.
  using F = uint8_t;
  const PathTable won = table(4, {{{kSearch, kEmail}, 1, 0, 10000, {}, {F(0), F(kClosedWon)}}});
  RuleOptions o = with(RuleModel::WShaped);
  o.w_shaped = MilestoneShares{Rate::parse("0.2"), Rate::parse("0.2"), Rate::parse("0.2"), Rate::parse("0.3"),
                               Rate::parse("0.1")};
  EXPECT_EQ(values(won, o), (V{4000, 6000, 0, 0}));
  // With the default W shares (closed won 0) the closing touch is not a
  // milestone: it is one of the rest, 0.3 : 0.1 = 75.00 / 25.00.
  EXPECT_EQ(values(won, with(RuleModel::WShaped)), (V{7500, 2500, 0, 0}));
  // A first-touch share of 0 makes the first touch one of the rest too:
  // shares 0 / 0.5 / 0 / 0 / 0.5 on a, b (lead), c: b 0.5, a and c 0.25 each.
  const PathTable lead =
      table(4, {{{kSearch, kEmail, kSocial}, 1, 0, 10000, {}, {F(0), F(kLeadCreated), F(0)}}});
  o.w_shaped = MilestoneShares{Rate::parse("0"), Rate::parse("0.5"), Rate::parse("0"), Rate::parse("0"),
                               Rate::parse("0.5")};
  EXPECT_EQ(values(lead, o), (V{2500, 5000, 0, 2500}));
}

TEST(RuleModels, TimeDecayWeightsAreSnappedOnce) {
  // Whole half-lives are exact: 1, 0.5, 0.25.
  EXPECT_EQ(time_decay_weight(0, 7 * kDay).raw(), Rate::kOne);
  EXPECT_EQ(time_decay_weight(7 * kDay, 7 * kDay).raw(), 500000000000);
  EXPECT_EQ(time_decay_weight(14 * kDay, 7 * kDay).raw(), 250000000000);
  // Half a half-life: 2^-0.5 = 0.70710678118654752... -> 0.707106781187.
  EXPECT_EQ(time_decay_weight(7 * kDay / 2, 7 * kDay).raw(), 707106781187);
  // 2^(-1/3) = 0.79370052598409973... -> 0.793700525984.
  EXPECT_EQ(time_decay_weight(1, 3).raw(), 793700525984);
  // Touches at days 0, 7, 14 with a 7-day half-life: weights 0.25, 0.5, 1
  // -> 1/7, 2/7, 4/7 of 70.00 = 10, 20, 40.
  const PathTable p = table(4, {{{kSearch, kEmail, kDirect}, 1, 0, 7000, {0, 7 * kDay, 14 * kDay}}});
  EXPECT_EQ(values(p, with(RuleModel::TimeDecay)), (V{1000, 2000, 4000, 0}));
}

TEST(RuleModels, StepDecay) {
  EXPECT_EQ(step_decay_weight(Rate::parse("0.5"), 3).raw(), 125000000000);
  // 0.9^3 = 0.729 exactly.
  EXPECT_EQ(step_decay_weight(Rate::parse("0.9"), 3).raw(), 729000000000);
  // Conversion at the last touch (day 13); touches at days 0, 6, 13 are
  // floor(13/7) = 1, floor(7/7) = 1, 0 steps back: 0.5, 0.5, 1 -> 25, 25, 50.
  const PathTable p = table(4, {{{kSearch, kEmail, kDirect}, 1, 0, 10000, {0, 6 * kDay, 13 * kDay}}});
  EXPECT_EQ(values(p, with(RuleModel::StepDecay)), (V{2500, 2500, 5000, 0}));
  // With the conversion at day 14: 2, 1, 0 steps: 0.25, 0.5, 1 -> 1/7, 2/7, 4/7 of 70.00.
  PathTable q = table(4, {{{kSearch, kEmail, kDirect}, 1, 0, 7000, {0, 6 * kDay, 13 * kDay}}});
  q.conversion_time = {14 * kDay};
  EXPECT_EQ(values(q, with(RuleModel::StepDecay)), (V{1000, 2000, 4000, 0}));
  // A touch after the conversion is an error naming the row.
  q.conversion_time = {5 * kDay};
  EXPECT_THROW(attribute_rule(q, with(RuleModel::StepDecay)), ValidationError);
}

TEST(RuleModels, CustomPositions) {
  // from start [0.5], from end [0.3], others 0.2: 4 touches -> 0.5, 0.2,
  // 0.2, 0.3 (sum 1.2) of 120.00 -> 50, 20, 20, 30.
  RuleOptions o = with(RuleModel::CustomPositions);
  o.weights_from_start = {Rate::parse("0.5")};
  o.weights_from_end = {Rate::parse("0.3")};
  o.other_weight = Rate::parse("0.2");
  const PathTable p = table(4, {{{kSearch, kEmail, kSocial, kDirect}, 1, 0, 12000}});
  EXPECT_EQ(values(p, o), (V{5000, 2000, 3000, 2000}));
  // All-zero weights are an error, not a silent drop.
  RuleOptions zero = with(RuleModel::CustomPositions);
  EXPECT_THROW(attribute_rule(p, zero), ValidationError);
}

TEST(RuleModels, PerJourneyCreditsReconcile) {
  // Two identical journeys of 1.00 and 2.00 over three channels (linear):
  // the merged row splits 3.00 -> 1.00 each; journey credits split it again
  // so each journey sums to its own value and each channel to its total.
  PathTable p = table(3, {{{0, 1, 2}, 1, 0, 100}, {{0, 1, 2}, 1, 0, 200}});
  p.row_id = {11, 10};
  RuleOptions o = with(RuleModel::LinearPerTouch);
  o.per_journey = true;
  const AttributionResult r = attribute_rule(p, o);
  EXPECT_EQ(value_by_channel(r, 3), (V{100, 100, 100}));
  ASSERT_EQ(r.journeys.size(), 6u);
  EXPECT_EQ(r.journeys.row_id.front(), 10);  // ordered by row id
  int64_t j10 = 0, j11 = 0;
  V per_channel(3, 0);
  for (std::size_t i = 0; i < r.journeys.size(); ++i) {
    (r.journeys.row_id[i] == 10 ? j10 : j11) += r.journeys.value[i];
    per_channel[std::size_t(r.journeys.channel[i])] += r.journeys.value[i];
  }
  EXPECT_EQ(j10, 200);
  EXPECT_EQ(j11, 100);
  EXPECT_EQ(per_channel, (V{100, 100, 100}));
}
