// A consumer of salescomp: proves the headers, the compiled library and the
// Boost dependency all reach a project that only knows the CMake target.
#include <iostream>
#include <salescomp/salescomp.hpp>
#include <vector>

int main() {
  using namespace salescomp;
  const Money deal = Money::parse("1000.00", "USD");
  const std::vector<int64_t> thirds = {1, 1, 1};
  const auto parts = allocate(deal, thirds);  // 333.34 + 333.33 + 333.33
  FxTable fx;
  fx.add(Currency::of("EUR"), Currency::of("USD"), Date::parse("2026-01-01"), Rate::parse("1.08"));
  const Money usd = fx.convert(Money::parse("250.00", "EUR"), Currency::of("USD"), Date::parse("2026-06-30"));
  const Money commission = multiply(deal, Rate::parse("0.075"), RoundingMode::HalfEven);
  const bool ok = parts[0].to_string() == "333.34" && parts[2].to_string() == "333.33" &&
                  usd.format() == "270.00 USD" && commission.format() == "75.00 USD";
  std::cout << "salescomp " << kVersion << " consumer: " << parts[0].format() << " " << usd.format() << " "
            << commission.format() << (ok ? " ok" : " MISMATCH") << "\n";
  return ok ? 0 : 1;
}
