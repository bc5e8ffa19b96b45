#include "salescomp/core/fx_table.hpp"

#include <algorithm>
#include <string>

#include "salescomp/detail/int256.hpp"

namespace salescomp {

void FxTable::add(Currency from, Currency to, Date effective, Rate rate) {
  const std::string pair = std::string(from.code()) + "/" + std::string(to.code());
  if (from == to)
    throw ValidationError("SC-FX-SAME-PAIR",
                          Issue{std::nullopt, "pair", pair, "a quote needs two different currencies"});
  if (rate.raw() <= 0)
    throw ValidationError("SC-FX-RATE", Issue{std::nullopt, "rate", rate.to_string(),
                                              "exchange rates must be positive (" + pair + " on " +
                                                  effective.to_string() + ")"});
  auto& series = quotes_[{from, to}];
  auto it = std::lower_bound(series.begin(), series.end(), effective,
                             [](const auto& q, Date d) { return q.first < d; });
  if (it != series.end() && it->first == effective) {
    if (it->second == rate) return;  // the same quote twice is harmless
    throw ValidationError("SC-FX-DUPLICATE", Issue{std::nullopt, "rate", rate.to_string(),
                                                   pair + " on " + effective.to_string() +
                                                       " is already quoted at " + it->second.to_string()});
  }
  series.insert(it, {effective, rate});
}

std::optional<FxTable::Quote> FxTable::find(Currency from, Currency to, Date on) const {
  const auto found = quotes_.find({from, to});
  if (found == quotes_.end()) return std::nullopt;
  const auto& series = found->second;
  auto it =
      std::upper_bound(series.begin(), series.end(), on, [](Date d, const auto& q) { return d < q.first; });
  if (it == series.begin()) return std::nullopt;
  --it;
  return Quote{from, to, it->first, it->second};
}

Money FxTable::convert(const Money& amount, Currency to, Date on, RoundingMode mode) const {
  const Currency from = amount.currency();
  if (from == to) return amount;
  using detail::int256;
  // Scale between minor units: to_minor = from_minor * rate * 10^(e_to - e_from).
  const int shift = to.exponent() - from.exponent();
  const int256 up = detail::pow10_256(shift > 0 ? shift : 0);
  const int256 down = detail::pow10_256(shift < 0 ? -shift : 0);
  int256 num, den;
  if (auto q = find(from, to, on)) {
    num = int256(amount.minor_units()) * q->rate.raw() * up;
    den = int256(Rate::kOne) * down;
  } else if (auto inv = find(to, from, on)) {
    num = int256(amount.minor_units()) * Rate::kOne * up;
    den = int256(inv->rate.raw()) * down;
  } else {
    throw LookupError("SC-FX-MISSING", "no exchange rate " + std::string(from.code()) + "/" +
                                           std::string(to.code()) + " (or its inverse) on or before " +
                                           on.to_string());
  }
  return Money::from_minor(detail::narrow_int64(divide_rounded<int256>(num, den, mode), "converted amount"),
                           to);
}

std::size_t FxTable::size() const noexcept {
  std::size_t n = 0;
  for (const auto& [pair, series] : quotes_) n += series.size();
  return n;
}

}  // namespace salescomp
