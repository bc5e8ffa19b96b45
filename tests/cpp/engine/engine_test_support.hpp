#pragma once
// Small helpers for the calculator tests: USD amounts and inputs.
#include <optional>
#include <ostream>
#include <salescomp/credit/credit_table.hpp>
#include <salescomp/data/deal_table.hpp>
#include <salescomp/engine/component_input.hpp>
#include <salescomp/plan/plan_builder.hpp>

namespace salescomp {
// gtest prints amounts as text ("1500.00 USD") instead of bytes.
inline void PrintTo(const Money& m, std::ostream* os) { *os << m.to_string(); }
}  // namespace salescomp

namespace salescomp::testing_support {

inline Money usd(std::string_view amount) { return Money::parse(amount, "USD"); }
inline Rate rate(std::string_view text) { return Rate::parse(text); }
inline Date day(const char* iso) { return Date::parse(iso); }

inline ComponentInput input(std::string_view measure, std::optional<std::string_view> quota = std::nullopt) {
  ComponentInput in;
  in.component_id = "c";
  in.measure = usd(measure);
  if (quota) in.quota = usd(*quota);
  in.paid_before = usd("0");
  in.paid_in_year = usd("0");
  return in;
}

inline RateComponent flat(std::string_view r) {
  RateComponent c;
  c.measure = "m";
  c.rate = rate(r);
  return c;
}

inline RateComponent tiered(TierMode mode, std::vector<Tier> tiers, TierBasis basis = TierBasis::Attainment) {
  RateComponent c;
  c.measure = "m";
  TierTable t;
  t.basis = basis;
  t.mode = mode;
  t.tiers = std::move(tiers);
  c.table = t;
  return c;
}

// Deals and credits built by hand for the period-run tests (USD unless a
// credit says otherwise).
struct World {
  DealTable deals;
  CreditTable credits;

  int64_t deal(const char* close, const char* amount, std::optional<const char*> cancelled = std::nullopt) {
    const int64_t row = int64_t(deals.size());
    deals.id.push_back(1000 + row);
    deals.owner.push_back(0);
    deals.close_date.push_back(day(close));
    deals.invoice_date.push_back(std::nullopt);
    deals.collection_date.push_back(std::nullopt);
    deals.cancellation_date.push_back(cancelled ? std::optional<Date>(day(*cancelled)) : std::nullopt);
    deals.amount.push_back(usd(amount).minor_units());
    deals.currency.push_back(Currency::of("USD"));
    deals.type.push_back(DealType::NewBusiness);
    deals.product.push_back(-1);
    deals.customer.push_back(-1);
    deals.source.push_back(DealSource::None);
    deals.source_person.push_back(-1);
    deals.term_months.push_back(12);
    return row;
  }
  void credit(int32_t person, int64_t deal_row, const char* amount, CreditKind kind = CreditKind::Direct) {
    credits.person.push_back(person);
    credits.deal.push_back(deal_row);
    credits.date.push_back(deals.close_date[std::size_t(deal_row)]);
    credits.amount.push_back(usd(amount).minor_units());
    credits.currency.push_back(Currency::of("USD"));
    credits.kind.push_back(kind);
    credits.deal_type.push_back(DealType::NewBusiness);
    credits.rule.push_back(0);
    credits.depth.push_back(0);
  }
  // A direct credit in another currency than USD.
  void credit_in(int32_t person, int64_t deal_row, const Money& amount) {
    credit(person, deal_row, "0");
    credits.amount.back() = amount.minor_units();
    credits.currency.back() = amount.currency();
  }
};

}  // namespace salescomp::testing_support
