// Inputs: path text, touchpoint journeys, and every kind of bad input.
#include <gtest/gtest.h>

#include <salescomp/attribution/rule_attribution.hpp>
#include <salescomp/data/journey_paths.hpp>
#include <salescomp/data/path_text.hpp>

#include "attribution_fixtures.hpp"

using namespace salescomp;
using namespace attribution_test;

namespace {
std::vector<Issue> issues_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ValidationError& e) {
    return e.issues();
  }
  ADD_FAILURE() << "no ValidationError";
  return {};
}
}  // namespace

TEST(PathText, ParsesAndEncodesInFirstSeenOrder) {
  const PathTable p = parse_path_texts({"search > email > direct", " email>search ", "direct"});
  EXPECT_EQ(p.channel_names, (std::vector<std::string>{"search", "email", "direct"}));
  EXPECT_EQ(p.channel, (std::vector<int32_t>{0, 1, 2, 1, 0, 2}));
  EXPECT_EQ(p.offsets, (std::vector<int64_t>{0, 3, 5, 6}));
  PathTextOptions o;
  o.separator = "|";
  o.channel_names = {"direct"};
  const PathTable q = parse_path_texts({"search | direct"}, o);
  EXPECT_EQ(q.channel_names, (std::vector<std::string>{"direct", "search"}));
  EXPECT_EQ(q.channel, (std::vector<int32_t>{1, 0}));
}

TEST(PathText, BadTextListsEveryRow) {
  const auto issues = issues_of([] { parse_path_texts({"a > b", "", "a >> b", "a > ", "a | b", "c"}); });
  ASSERT_EQ(issues.size(), 4u);
  EXPECT_EQ(*issues[0].row, 1);  // empty
  EXPECT_EQ(*issues[1].row, 2);  // doubled separator
  EXPECT_EQ(*issues[2].row, 3);  // trailing separator
  EXPECT_EQ(*issues[3].row, 4);  // another separator in the data
  EXPECT_NE(issues[3].rule.find("separator"), std::string::npos);
  PathTextOptions empty_sep;
  empty_sep.separator = " ";
  EXPECT_THROW(parse_path_texts({"a b"}, empty_sep), ValidationError);
}

TEST(PathTable, BadRowsAreAllReported) {
  PathTable p = table(2, {{{0}, 1, 0, 100},
                          {{0, 5}, 1, 0, 0},
                          {{1}, -1, 0, 0},
                          {{1}, 0, -2, 0},
                          {{1}, 0, 1, 500},
                          {{0}, 0, 0, 0},
                          {{0}, 1, 0, -5}});
  p.offsets.push_back(p.offsets.back());  // an empty path
  p.conversions.push_back(1);
  p.nulls.push_back(0);
  p.value.push_back(0);
  p.row_id.push_back(7);
  const auto issues = issues_of([&] { validate_path_table(p); });
  ASSERT_EQ(issues.size(), 7u);
  EXPECT_EQ(issues[0].field, "channel");                   // row 1: code 5 out of range
  EXPECT_EQ(issues[1].field, "conversions");               // row 2: negative
  EXPECT_EQ(issues[2].field, "nulls");                     // row 3: negative
  EXPECT_EQ(issues[3].rule, "value without conversions");  // row 4
  EXPECT_EQ(*issues[4].row, 5);                            // row 5: no journeys
  EXPECT_EQ(issues[5].field, "value");                     // row 6: negative value
  EXPECT_EQ(*issues[6].row, 7);                            // row 7: empty path
}

TEST(Touchpoints, JourneysAreSortedByTimeAndJoinedToOutcomes) {
  TouchpointTable t;
  // Journey 20: direct at t=5, search at t=1 (input out of order); journey 10: email.
  t.journey = {20, 10, 20};
  t.timestamp = {5, 3, 1};
  t.channel = {2, 1, 0};
  JourneyOutcomeTable o;
  o.journey = {20};
  o.converted = {1};
  o.value = {1234};
  o.currency = Currency::of("EUR");
  const PathTable p = paths_from_touchpoints(t, o, 3);
  ASSERT_EQ(p.rows(), 2u);
  EXPECT_EQ(p.row_id, (std::vector<int64_t>{10, 20}));
  EXPECT_EQ(p.channel, (std::vector<int32_t>{1, 0, 2}));
  EXPECT_EQ(p.conversions, (std::vector<int64_t>{0, 1}));
  EXPECT_EQ(p.nulls, (std::vector<int64_t>{1, 0}));
  EXPECT_EQ(p.value, (std::vector<int64_t>{0, 1234}));
  RuleOptions first;
  first.model = RuleModel::FirstTouch;
  const AttributionResult r = attribute_rule(p, first);
  EXPECT_EQ(r.channels.value, (std::vector<int64_t>{1234, 0, 0}));
  EXPECT_EQ(r.channels.currency, Currency::of("EUR"));
}

TEST(Touchpoints, BadOutcomesAreAllReported) {
  TouchpointTable t;
  t.journey = {1, 2};
  t.timestamp = {0, 0};
  t.channel = {0, 7};
  JourneyOutcomeTable o;
  o.journey = {1, 1, 3, 2};
  o.converted = {0, 1, 1, 2};
  o.value = {500, 0, 0, -1};
  o.currency = Currency::of("USD");
  const auto issues = issues_of([&] { paths_from_touchpoints(t, o, 3); });
  // channel 7 out of range; value without conversion (row 0); duplicate
  // outcome (row 1); no touches for journey 3 (row 2); converted 2 and
  // negative value (row 3).
  ASSERT_EQ(issues.size(), 6u);
  EXPECT_EQ(issues[0].field, "channel");
  EXPECT_EQ(issues[1].rule, "value without conversion");
  EXPECT_NE(issues[2].rule.find("duplicate"), std::string::npos);
  EXPECT_NE(issues[3].rule.find("no touches"), std::string::npos);
}
