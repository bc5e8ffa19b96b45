// Issue 17: the order of a roll-up's share and its FX conversion.
#include <gtest/gtest.h>

#include <salescomp/credit/crediting.hpp>

using namespace salescomp;

namespace {

Date on(const char* s) { return Date::parse(s); }

// boss <- rep; both paid in USD.
Organisation boss_and_rep() {
  Roster r;
  r.add("boss", Role::SalesManager, on("2020-01-01"), std::nullopt, Currency::of("USD"));
  r.add("rep", Role::AccountExecutive, on("2020-01-01"), std::nullopt, Currency::of("USD"));
  AssignmentColumns a;
  a.person_id.push_back("rep");
  a.field.push_back(AssignmentField::Manager);
  a.value.push_back("boss");
  a.from.push_back(on("2020-01-01"));
  a.to.push_back(std::nullopt);
  return Organisation(std::move(r), a);
}

DealTable one_deal(int64_t minor, const char* currency) {
  DealTable d;
  d.id.push_back(1);
  d.owner.push_back(1);
  d.close_date.push_back(on("2026-03-10"));
  d.invoice_date.emplace_back();
  d.collection_date.emplace_back();
  d.cancellation_date.emplace_back();
  d.amount.push_back(minor);
  d.currency.push_back(Currency::of(currency));
  d.type.push_back(DealType::NewBusiness);
  d.product.push_back(-1);
  d.customer.push_back(-1);
  d.source.push_back(DealSource::Sales);
  d.source_person.push_back(-1);
  d.term_months.push_back(12);
  return d;
}

}  // namespace

TEST(RollUpShare, AppliesToTheReportsConvertedCredit) {
  // EUR 0.03 at 1.5 USD/EUR, credited in the reporting currency USD: the
  // rep's credit is 0.045 -> 0.04 (HalfEven); a roll-up with share 0.5 is
  // 0.5 x 0.04 = 0.02 USD (50% of the report's credit), not the share first
  // (0.015 -> 0.02 EUR) converted (0.03 USD, 75% of it).
  FxTable fx;
  fx.add(Currency::of("EUR"), Currency::of("USD"), on("2026-01-01"), Rate::parse("1.5"));
  CreditingSources src;
  src.fx = &fx;
  CreditingSettings s;
  s.currency = CreditCurrency::Reporting;
  s.reporting_currency = Currency::of("USD");
  CreditRuleSet rules;
  rules.add(CreditRuleSet::defaults_for(CreditKind::Direct));
  CreditRule roll = CreditRuleSet::defaults_for(CreditKind::RollUp);
  roll.share = Rate::parse("0.5");
  rules.add(roll);
  const Organisation org = boss_and_rep();
  const CreditTable c = credit_deals(one_deal(3, "EUR"), org, rules, s, src);
  ASSERT_EQ(c.size(), 2u);
  // Rows are sorted by person: boss (roll-up) first.
  EXPECT_EQ(c.kind[0], CreditKind::RollUp);
  EXPECT_EQ(c.amount[0], 2);
  EXPECT_EQ(c.kind[1], CreditKind::Direct);
  EXPECT_EQ(c.amount[1], 4);
  // The lineage keeps the share of the deal amount: 0.5 x 0.03 = 0.015 -> 0.02 EUR.
  EXPECT_EQ(c.source_amount[0], 2);
}
