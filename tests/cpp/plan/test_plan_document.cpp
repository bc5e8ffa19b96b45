#include <gtest/gtest.h>

#include <salescomp/detail/json_parser.hpp>
#include <salescomp/plan/plan_builder.hpp>
#include <salescomp/plan/plan_json.hpp>

using namespace salescomp;

namespace {

std::vector<Issue> issues_of(std::string_view json) {
  try {
    plan_from_json(json);
  } catch (const ValidationError& e) {
    return e.issues();
  }
  return {};
}

bool has_issue(const std::vector<Issue>& issues, std::string_view path, std::string_view rule_part) {
  for (const Issue& i : issues)
    if (i.field == path && i.rule.find(rule_part) != std::string::npos) return true;
  return false;
}

std::string dump(const std::vector<Issue>& issues) {
  std::string s;
  for (const Issue& i : issues) s += i.describe() + "\n";
  return s;
}

constexpr const char* kAePlan = R"({
  "id": "ae-2026",
  "currency": "USD",
  "period": "quarter",
  "rounding": {"mode": "HalfUp", "scope": "per_statement"},
  "measures": [
    {"id": "bookings", "deal_types": ["new_business", "upsell"], "credit_kinds": ["direct", "revenue_split"]},
    {"id": "meetings", "aggregation": "count", "credit_kinds": ["sdr_sourced"]}
  ],
  "components": [
    {"id": "commission", "type": "tiered", "measure": "bookings", "basis": "attainment", "mode": "marginal",
     "tiers": [{"from": "0", "to": "1.0", "rate": "0.08"}, {"from": "1.0", "rate": "0.12"}],
     "adjustments": [{"direction": "above", "level": "1.5", "multiplier": "1.25", "scope": "band"}],
     "gate": {"basis": "attainment", "level": "0.5", "effect": "no_payout"},
     "caps": {"per_period": "100000.00"}},
    {"id": "sdr", "type": "per_unit", "measure": "meetings", "amount_per_unit": 50}
  ]
})";

}  // namespace

TEST(JsonParser, ReportsLineAndColumn) {
  try {
    detail::parse_json("{\n  \"a\": [1, 2,]\n}");
    FAIL();
  } catch (const ParseError& e) {
    EXPECT_EQ(e.issues().at(0).value, "line 2 column 14");  // the ] after the trailing comma
  }
}

TEST(JsonParser, RefusesDuplicatesCommentsAndNaN) {
  EXPECT_THROW(detail::parse_json(R"({"a": 1, "a": 2})"), ParseError);
  EXPECT_THROW(detail::parse_json("{} // c"), ParseError);
  EXPECT_THROW(detail::parse_json("[NaN]"), ParseError);
  EXPECT_THROW(detail::parse_json("[01]"), ParseError);
  EXPECT_THROW(detail::parse_json("\"\\ud800\""), ParseError);
  const auto v = detail::parse_json(R"(["\u00e9\ud83d\ude00", -0.50])");
  EXPECT_EQ(v.items[0].text, "\xC3\xA9\xF0\x9F\x98\x80");
  EXPECT_EQ(v.items[1].text, "-0.50");
  EXPECT_THROW(detail::parse_json("[1e3]"), ParseError);  // exponents are refused by the reader
}

TEST(PlanDocument, ReadsTheModel) {
  const Plan p = plan_from_json(kAePlan);
  EXPECT_EQ(p.id, "ae-2026");
  EXPECT_EQ(p.currency.code(), "USD");
  EXPECT_EQ(p.period, PlanPeriod::Quarter);
  EXPECT_EQ(p.rounding.mode, RoundingMode::HalfUp);
  EXPECT_EQ(p.rounding.scope, RoundingScope::PerStatement);
  ASSERT_EQ(p.measures.size(), 2u);
  EXPECT_EQ(p.measures[1].aggregation, MeasureAggregation::Count);
  ASSERT_EQ(p.components.size(), 2u);
  const auto& r = std::get<RateComponent>(p.components[0].spec);
  ASSERT_TRUE(r.table.has_value());
  EXPECT_EQ(r.table->tiers[1].from, Rate::from_int(1).raw());
  EXPECT_FALSE(r.table->tiers[1].to.has_value());
  EXPECT_EQ(r.caps.per_period, Money::parse("100000.00", "USD"));
  EXPECT_EQ(std::get<PerUnitComponent>(p.components[1].spec).amount_per_unit, Money::parse("50", "USD"));
}

TEST(PlanDocument, BuilderMakesTheSamePlan) {
  const Currency usd = Currency::of("USD");
  TierTable table;
  table.tiers = {attainment_tier("0", "1.0", "0.08"), attainment_tier("1.0", "", "0.12")};
  RateComponent tiers;
  tiers.measure = "bookings";
  tiers.table = table;
  tiers.adjustments = {RateAdjustment{AdjustmentDirection::Above, Rate::parse("1.5"), Rate::parse("1.25"),
                                      AdjustmentScope::Band}};
  tiers.gate =
      Gate{"", GateBasis::Attainment, Rate::parse("0.5").raw(), Accumulation::Period, GateEffect::NoPayout};
  tiers.caps.per_period = Money::parse("100000", usd);
  const Plan built = PlanBuilder("ae-2026", "USD", PlanPeriod::Quarter)
                         .rounding(RoundingMode::HalfUp, RoundingScope::PerStatement)
                         .sum_measure("bookings", {DealType::NewBusiness, DealType::Upsell},
                                      {CreditKind::Direct, CreditKind::RevenueSplit})
                         .count_measure("meetings", {}, {CreditKind::SdrSourced})
                         .component("commission", tiers)
                         .component("sdr", PerUnitComponent{"meetings", Money::parse("50", usd), {}})
                         .build();
  const std::string canonical = plan_to_json(built);
  EXPECT_EQ(canonical, plan_to_json(plan_from_json(kAePlan)));
  // The canonical text reads back to the same plan.
  EXPECT_EQ(plan_to_json(plan_from_json(canonical)), canonical);
}

TEST(PlanDocument, BuilderValidates) {
  EXPECT_THROW(PlanBuilder("p", "USD", PlanPeriod::Month).flat_rate("c", "nope", "0.1").build(),
               ValidationError);
  EXPECT_THROW(PlanBuilder("p", "usd", PlanPeriod::Month), UnknownCurrencyError);
}

TEST(PlanValidation, ReportsEveryProblemWithItsPath) {
  const auto issues = issues_of(R"({
    "id": "bad", "period": "fortnight", "colour": "red",
    "measures": [{"id": "m"}, {"id": "m", "aggregation": "avg"}],
    "components": [
      {"id": "a", "type": "flat_rate", "measure": "m", "rate": "1.5"},
      {"id": "b", "type": "tiered", "measure": "unknown", "mode": "retroactive",
       "tiers": [{"from": "0", "to": "0.5", "rate": "0.01"}, {"from": "0.4", "to": "1.0", "rate": "0.02"},
                 {"from": "1.2", "rate": "0.03"}]},
      {"id": "c", "type": "tiered", "measure": "m",
       "tiers": [{"from": "0.5", "to": "1.0", "rate": "0.01"}, {"from": "0", "to": "0.5", "rate": "0.02"}]},
      {"id": "d", "type": "bogus"},
      {"id": "e", "type": "flat_rate", "measure": "m", "rate": "1e-2", "extra": 1}
    ]})");
  EXPECT_TRUE(has_issue(issues, "$.currency", "required")) << dump(issues);
  EXPECT_TRUE(has_issue(issues, "$.period", "expected one of month")) << dump(issues);
  EXPECT_TRUE(has_issue(issues, "$.colour", "unknown key")) << dump(issues);
  EXPECT_TRUE(has_issue(issues, "$.measures[1].id", "duplicate")) << dump(issues);
  EXPECT_TRUE(has_issue(issues, "$.measures[1].aggregation", "expected one of sum")) << dump(issues);
  EXPECT_TRUE(has_issue(issues, "$.components[0].rate", "between 0 and 1")) << dump(issues);
  EXPECT_TRUE(has_issue(issues, "$.components[1].measure", "unknown measure")) << dump(issues);
  EXPECT_TRUE(has_issue(issues, "$.components[1].tiers[1].from", "overlaps")) << dump(issues);
  EXPECT_TRUE(has_issue(issues, "$.components[1].tiers[2].from", "gap")) << dump(issues);
  EXPECT_TRUE(has_issue(issues, "$.components[2].tiers[0].from", "must start at 0")) << dump(issues);
  EXPECT_TRUE(has_issue(issues, "$.components[2].tiers[1].from", "out of order")) << dump(issues);
  EXPECT_TRUE(has_issue(issues, "$.components[3].type", "unknown component type")) << dump(issues);
  EXPECT_TRUE(has_issue(issues, "$.components[4].rate", "")) << dump(issues);
  EXPECT_TRUE(has_issue(issues, "$.components[4].extra", "unknown key")) << dump(issues);
  EXPECT_EQ(issues.size(), 14u) << dump(issues);
}

TEST(PlanValidation, ComponentRules) {
  const auto issues = issues_of(R"({
    "id": "p", "currency": "EUR", "period": "month",
    "payout_timing": {"basis": "collection", "holdback": {"share": "1", "release_after_days": 90}},
    "measures": [{"id": "m"}, {"id": "n", "aggregation": "count"}],
    "components": [
      {"id": "a", "type": "per_unit", "measure": "m", "amount_per_unit": "1.005"},
      {"id": "b", "type": "mbo", "target": "1000", "objectives": [{"id": "x", "weight": "0.5"}, {"id": "y", "weight": "0.4"}]},
      {"id": "c", "type": "draw", "kind": "recoverable_draw", "amount": "0", "term_periods": 0},
      {"id": "d", "type": "clawback", "window_days": 90, "method": "stepped", "steps": [{"within_days": 60, "share": "1"}, {"within_days": 30, "share": "0.5"}]},
      {"id": "e", "type": "target_incentive", "measure": "m", "target": "5000", "curve": {"points": [{"attainment": "0.1", "factor": "0"}]}},
      {"id": "f", "type": "tiered", "measure": "m", "mode": "interpolated", "tiers": [{"from": "0", "to": "1", "rate": "0.01"}]},
      {"id": "g", "type": "manager_override", "measure": "m", "basis": "above_threshold", "rate": "0.01"},
      {"id": "h", "type": "spif", "from": "2026-03-31", "to": "2026-03-01"},
      {"id": "a", "type": "flat_rate", "measure": "m", "rate": "0.1", "caps": {"per_deal": "-5"},
       "adjustments": [{"direction": "above", "level": "1", "multiplier": "0.5"}]}
    ]})");
  EXPECT_TRUE(has_issue(issues, "$.payout_timing.holdback.share", "strictly between")) << dump(issues);
  EXPECT_TRUE(has_issue(issues, "$.components[0].measure", "count measure")) << dump(issues);
  EXPECT_TRUE(has_issue(issues, "$.components[0].amount_per_unit", "")) << dump(issues);
  EXPECT_TRUE(has_issue(issues, "$.components[1].objectives", "sum to exactly 1")) << dump(issues);
  EXPECT_TRUE(has_issue(issues, "$.components[2].amount", "positive")) << dump(issues);
  EXPECT_TRUE(has_issue(issues, "$.components[2].term_periods", "at least 1")) << dump(issues);
  EXPECT_TRUE(has_issue(issues, "$.components[3].steps[1].within_days", "increasing")) << dump(issues);
  EXPECT_TRUE(has_issue(issues, "$.components[4].curve.points", "two points")) << dump(issues);
  EXPECT_TRUE(has_issue(issues, "$.components[4].curve.points[0].attainment", "at attainment 0"))
      << dump(issues);
  EXPECT_TRUE(has_issue(issues, "$.components[5].tiers[0].rate_to", "need rate_to")) << dump(issues);
  EXPECT_TRUE(has_issue(issues, "$.components[6].threshold", "needs threshold")) << dump(issues);
  EXPECT_TRUE(has_issue(issues, "$.components[7].to", "ends before")) << dump(issues);
  EXPECT_TRUE(has_issue(issues, "$.components[7]", "amount_per_deal, rate or both")) << dump(issues);
  EXPECT_TRUE(has_issue(issues, "$.components[8].id", "duplicate")) << dump(issues);
  EXPECT_TRUE(has_issue(issues, "$.components[8].caps.per_deal", "positive")) << dump(issues);
  EXPECT_TRUE(has_issue(issues, "$.components[8].adjustments[0].multiplier", "between 1 and 10"))
      << dump(issues);
}

TEST(PlanValidation, JsonSyntaxErrorsNameTheLine) {
  try {
    plan_from_json("{\"id\": \"p\",\n \"currency\": USD}");
    FAIL();
  } catch (const ParseError& e) {
    EXPECT_EQ(e.id(), "SC-JSON-SYNTAX");
    EXPECT_EQ(e.issues().at(0).value, "line 2 column 14");
  }
}
