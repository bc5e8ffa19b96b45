#pragma once
// ISO 4217 currencies and their minor-unit exponents.
//
// Table: ISO 4217 list one as in force on 2025-07-01 (after amendment 179:
// XCG replaces ANG; ZWG added, ZWL/HRK/SLL withdrawn). Codes whose minor unit
// is "N.A." (precious metals, SDR, XSU, XUA, XTS, XXX) are not money here and
// are rejected. Exponent: JPY 0, USD 2, KWD 3, CLF/UYW 4.
#include <algorithm>
#include <array>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>

#include "salescomp/core/error.hpp"

namespace salescomp {

namespace detail {
struct CurrencyEntry {
  char code[4];
  int8_t exponent;
};

// Sorted by code: Currency::of binary-searches it.
inline constexpr CurrencyEntry kIso4217[] = {
    {"AED", 2}, {"AFN", 2}, {"ALL", 2}, {"AMD", 2}, {"AOA", 2}, {"ARS", 2}, {"AUD", 2}, {"AWG", 2},
    {"AZN", 2}, {"BAM", 2}, {"BBD", 2}, {"BDT", 2}, {"BHD", 3}, {"BIF", 0}, {"BMD", 2}, {"BND", 2},
    {"BOB", 2}, {"BOV", 2}, {"BRL", 2}, {"BSD", 2}, {"BTN", 2}, {"BWP", 2}, {"BYN", 2}, {"BZD", 2},
    {"CAD", 2}, {"CDF", 2}, {"CHE", 2}, {"CHF", 2}, {"CHW", 2}, {"CLF", 4}, {"CLP", 0}, {"CNY", 2},
    {"COP", 2}, {"COU", 2}, {"CRC", 2}, {"CUP", 2}, {"CVE", 2}, {"CZK", 2}, {"DJF", 0}, {"DKK", 2},
    {"DOP", 2}, {"DZD", 2}, {"EGP", 2}, {"ERN", 2}, {"ETB", 2}, {"EUR", 2}, {"FJD", 2}, {"FKP", 2},
    {"GBP", 2}, {"GEL", 2}, {"GHS", 2}, {"GIP", 2}, {"GMD", 2}, {"GNF", 0}, {"GTQ", 2}, {"GYD", 2},
    {"HKD", 2}, {"HNL", 2}, {"HTG", 2}, {"HUF", 2}, {"IDR", 2}, {"ILS", 2}, {"INR", 2}, {"IQD", 3},
    {"IRR", 2}, {"ISK", 0}, {"JMD", 2}, {"JOD", 3}, {"JPY", 0}, {"KES", 2}, {"KGS", 2}, {"KHR", 2},
    {"KMF", 0}, {"KPW", 2}, {"KRW", 0}, {"KWD", 3}, {"KYD", 2}, {"KZT", 2}, {"LAK", 2}, {"LBP", 2},
    {"LKR", 2}, {"LRD", 2}, {"LSL", 2}, {"LYD", 3}, {"MAD", 2}, {"MDL", 2}, {"MGA", 2}, {"MKD", 2},
    {"MMK", 2}, {"MNT", 2}, {"MOP", 2}, {"MRU", 2}, {"MUR", 2}, {"MVR", 2}, {"MWK", 2}, {"MXN", 2},
    {"MXV", 2}, {"MYR", 2}, {"MZN", 2}, {"NAD", 2}, {"NGN", 2}, {"NIO", 2}, {"NOK", 2}, {"NPR", 2},
    {"NZD", 2}, {"OMR", 3}, {"PAB", 2}, {"PEN", 2}, {"PGK", 2}, {"PHP", 2}, {"PKR", 2}, {"PLN", 2},
    {"PYG", 0}, {"QAR", 2}, {"RON", 2}, {"RSD", 2}, {"RUB", 2}, {"RWF", 0}, {"SAR", 2}, {"SBD", 2},
    {"SCR", 2}, {"SDG", 2}, {"SEK", 2}, {"SGD", 2}, {"SHP", 2}, {"SLE", 2}, {"SOS", 2}, {"SRD", 2},
    {"SSP", 2}, {"STN", 2}, {"SVC", 2}, {"SYP", 2}, {"SZL", 2}, {"THB", 2}, {"TJS", 2}, {"TMT", 2},
    {"TND", 3}, {"TOP", 2}, {"TRY", 2}, {"TTD", 2}, {"TWD", 2}, {"TZS", 2}, {"UAH", 2}, {"UGX", 0},
    {"USD", 2}, {"USN", 2}, {"UYI", 0}, {"UYU", 2}, {"UYW", 4}, {"UZS", 2}, {"VED", 2}, {"VES", 2},
    {"VND", 0}, {"VUV", 0}, {"WST", 2}, {"XAF", 0}, {"XCD", 2}, {"XCG", 2}, {"XOF", 0}, {"XPF", 0},
    {"YER", 2}, {"ZAR", 2}, {"ZMW", 2}, {"ZWG", 2},
};
inline constexpr std::size_t kIso4217Count = std::size(kIso4217);
}  // namespace detail

// A currency: its ISO code and minor-unit exponent. Four bytes, trivially
// copyable, cheap to store per row. Default-constructed is "no currency"
// (only useful as a placeholder in containers).
class Currency {
 public:
  constexpr Currency() noexcept = default;

  // The currency for an ISO 4217 code ("USD"). Upper-case only; anything
  // else is an UnknownCurrencyError naming the code.
  static Currency of(std::string_view code) {
    if (code.size() == 3) {
      const auto* first = detail::kIso4217;
      const auto* last = first + detail::kIso4217Count;
      const auto* it = std::lower_bound(
          first, last, code,
          [](const detail::CurrencyEntry& e, std::string_view c) { return std::string_view(e.code, 3) < c; });
      if (it != last && std::string_view(it->code, 3) == code) return Currency(it->code, it->exponent);
    }
    throw UnknownCurrencyError("SC-CCY-UNKNOWN", Issue{std::nullopt, "currency", std::string(code),
                                                       "not an ISO 4217 currency code"});
  }

  // True when `code` names a currency in the table.
  static bool is_known(std::string_view code) noexcept {
    try {
      (void)of(code);
      return true;
    } catch (const Error&) {
      return false;
    }
  }

  constexpr std::string_view code() const noexcept { return {code_, 3}; }
  // Number of decimal places of the minor unit (USD 2, JPY 0, KWD 3).
  constexpr int exponent() const noexcept { return exponent_; }
  constexpr bool valid() const noexcept { return exponent_ >= 0; }

  friend constexpr bool operator==(const Currency& a, const Currency& b) noexcept {
    return a.code_[0] == b.code_[0] && a.code_[1] == b.code_[1] && a.code_[2] == b.code_[2];
  }
  friend constexpr bool operator<(const Currency& a, const Currency& b) noexcept {
    return a.code() < b.code();
  }

 private:
  constexpr Currency(const char* code, int8_t exponent) noexcept
      : code_{code[0], code[1], code[2]}, exponent_(exponent) {}
  char code_[3] = {'?', '?', '?'};
  int8_t exponent_ = -1;
};

// All currencies of the table, in code order.
inline std::array<Currency, detail::kIso4217Count> all_currencies() {
  std::array<Currency, detail::kIso4217Count> out{};
  for (std::size_t i = 0; i < detail::kIso4217Count; ++i)
    out[i] = Currency::of(std::string_view(detail::kIso4217[i].code, 3));
  return out;
}

}  // namespace salescomp
