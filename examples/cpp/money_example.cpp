// Exact money in salescomp: a commission on a split deal, converted to the
// rep's pay currency, to the cent and with every rounding named.
#include <iostream>
#include <salescomp/salescomp.hpp>
#include <vector>

int main() {
  using namespace salescomp;
  const Currency usd = Currency::of("USD"), eur = Currency::of("EUR");

  // A 100,000.01 USD deal split 60/40 between two AEs: the cent goes to the
  // larger remainder, so the parts still sum to the deal.
  const Money deal = Money::parse("100000.01", usd);
  const std::vector<Rate> split = {Rate::parse("0.6"), Rate::parse("0.4")};
  const auto credits = allocate(deal, split);

  // Each AE earns 7.5% of their credit, rounded once, half to even.
  const Rate rate = Rate::parse("0.075");
  FxTable fx;
  fx.add(usd, eur, Date::parse("2026-01-01"), Rate::parse("0.92"));
  fx.add(usd, eur, Date::parse("2026-07-01"), Rate::parse("0.9"));

  for (std::size_t i = 0; i < credits.size(); ++i) {
    const Money commission = multiply(credits[i], rate, RoundingMode::HalfEven);
    const Money in_eur = fx.convert(commission, eur, Date::parse("2026-06-30"), RoundingMode::HalfEven);
    std::cout << "AE " << i + 1 << ": credit " << credits[i].format() << ", commission "
              << commission.format() << " = " << in_eur.format() << " (rate of 2026-01-01 carried forward)\n";
  }
  // Tier decisions are exact: 99,999.99 of a 100,000.00 quota is not 100%.
  const int at_quota =
      compare_scaled(Money::parse("99999.99", usd), Rate::from_int(1), Money::parse("100000.00", usd));
  std::cout << "99999.99 vs 100% of 100000.00: " << (at_quota < 0 ? "below" : "at or above") << " quota\n";
  return 0;
}
