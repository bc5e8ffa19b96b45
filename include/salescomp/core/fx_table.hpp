#pragma once
// Dated exchange rates and exact conversion.
//
// A quote (from, to, effective, rate) means: from `effective` on, one unit of
// `from` buys `rate` units of `to`, until the next quote for the pair. A
// conversion on date d uses the latest quote effective on or before d (the
// last rate carries forward); a date before the first quote is a LookupError.
// When only the opposite pair is quoted, the amount is divided by that rate
// exactly (one rounding), never multiplied by a rounded inverse.
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "salescomp/core/currency.hpp"
#include "salescomp/core/date.hpp"
#include "salescomp/core/money.hpp"
#include "salescomp/core/rate.hpp"
#include "salescomp/core/rounding.hpp"

namespace salescomp {

class FxTable {
 public:
  struct Quote {
    Currency from;
    Currency to;
    Date effective;
    Rate rate;
  };

  // Adds a quote. Non-positive rates, same-currency pairs and a second,
  // different rate for the same pair and date are ValidationErrors.
  void add(Currency from, Currency to, Date effective, Rate rate);

  // The quote in force for from->to on `on`, looking at the direct pair only.
  std::optional<Quote> find(Currency from, Currency to, Date on) const;

  // `amount` in `to` as of `on`, rounded once with `mode`.
  Money convert(const Money& amount, Currency to, Date on, RoundingMode mode = RoundingMode::HalfEven) const;

  // Number of quotes held.
  std::size_t size() const noexcept;

 private:
  using Pair = std::pair<Currency, Currency>;
  struct PairLess {
    bool operator()(const Pair& a, const Pair& b) const noexcept {
      if (!(a.first == b.first)) return a.first < b.first;
      return a.second < b.second;
    }
  };
  // Per pair: quotes sorted by effective date.
  std::map<Pair, std::vector<std::pair<Date, Rate>>, PairLess> quotes_;
};

}  // namespace salescomp
