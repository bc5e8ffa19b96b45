#pragma once
// Money: an exact count of a currency's minor units. Arithmetic is checked
// (overflow throws, never wraps) and only within one currency.
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "salescomp/core/currency.hpp"
#include "salescomp/core/decimal_text.hpp"
#include "salescomp/core/error.hpp"
#include "salescomp/core/rounding.hpp"
#include "salescomp/detail/int128.hpp"

namespace salescomp {

class Money {
 public:
  // Zero of no currency: a placeholder for containers, not a usable amount.
  constexpr Money() noexcept = default;

  static constexpr Money from_minor(int64_t minor_units, Currency currency) noexcept {
    return Money(minor_units, currency);
  }
  static constexpr Money zero(Currency currency) noexcept { return Money(0, currency); }
  // "1234.50" in `currency`. More decimals than the currency has need a
  // rounding mode; see parse_scaled for the accepted form.
  static Money parse(std::string_view text, Currency currency,
                     std::optional<RoundingMode> mode = std::nullopt) {
    return Money(parse_scaled(text, currency.exponent(), mode, "amount"), currency);
  }
  static Money parse(std::string_view text, std::string_view currency_code,
                     std::optional<RoundingMode> mode = std::nullopt) {
    return parse(text, Currency::of(currency_code), mode);
  }

  constexpr int64_t minor_units() const noexcept { return minor_; }
  constexpr Currency currency() const noexcept { return currency_; }

  // "1234.50": exactly the currency's decimals.
  std::string to_string() const { return format_scaled(minor_, currency_.exponent()); }
  // "1234.50 USD"
  std::string format() const { return to_string() + " " + std::string(currency_.code()); }

  constexpr bool is_zero() const noexcept { return minor_ == 0; }
  constexpr bool is_negative() const noexcept { return minor_ < 0; }
  constexpr int sign() const noexcept { return (minor_ > 0) - (minor_ < 0); }

  Money operator-() const { return Money(narrow(-detail::int128(minor_), "negation"), currency_); }
  Money& operator+=(const Money& o) {
    require_same_currency(o, "add");
    minor_ = narrow(detail::int128(minor_) + o.minor_, "sum");
    return *this;
  }
  Money& operator-=(const Money& o) {
    require_same_currency(o, "subtract");
    minor_ = narrow(detail::int128(minor_) - o.minor_, "difference");
    return *this;
  }
  friend Money operator+(Money a, const Money& b) { return a += b; }
  friend Money operator-(Money a, const Money& b) { return a -= b; }
  // Integer multiple (units x per-unit amount); exact or OverflowError.
  friend Money operator*(const Money& a, int64_t k) {
    return Money(narrow(detail::int128(a.minor_) * k, "product"), a.currency_);
  }

  // Equal means same currency and same amount; never throws.
  friend constexpr bool operator==(const Money& a, const Money& b) noexcept {
    return a.minor_ == b.minor_ && a.currency_ == b.currency_;
  }
  // Ordering across currencies is meaningless and throws.
  friend std::strong_ordering operator<=>(const Money& a, const Money& b) {
    a.require_same_currency(b, "compare");
    return a.minor_ <=> b.minor_;
  }

  void require_same_currency(const Money& o, const char* op) const {
    if (!(currency_ == o.currency_))
      throw CurrencyMismatchError("SC-CCY-MISMATCH", std::string("cannot ") + op + " " + format() + " and " +
                                                         o.format() + ": different currencies");
  }

 private:
  constexpr Money(int64_t minor, Currency currency) noexcept : minor_(minor), currency_(currency) {}
  static int64_t narrow(detail::int128 v, const char* what) {
    if (!detail::fits_int64(v))
      throw OverflowError("SC-OVERFLOW", std::string("money ") + what + " of " + detail::to_string(v) +
                                             " minor units does not fit in 64 bits");
    return int64_t(v);
  }
  int64_t minor_ = 0;
  Currency currency_{};
};

}  // namespace salescomp
