#pragma once
// 128-bit integers for exact intermediate products, and the one checked way
// back down to int64.
#include <cstdint>
#include <limits>
#include <string>

namespace salescomp::detail {

__extension__ using int128 = __int128;
__extension__ using uint128 = unsigned __int128;

inline constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
inline constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();

constexpr bool fits_int64(int128 v) noexcept { return v >= kInt64Min && v <= kInt64Max; }

// Decimal text of a 128-bit value (for error messages and Python's int).
inline std::string to_string(int128 v) {
  if (v == 0) return "0";
  const bool negative = v < 0;
  uint128 u = negative ? uint128(0) - uint128(v) : uint128(v);
  std::string digits;
  while (u != 0) {
    digits.push_back(char('0' + int(u % 10)));
    u /= 10;
  }
  if (negative) digits.push_back('-');
  return {digits.rbegin(), digits.rend()};
}

// 10^n for n in [0, 38].
constexpr int128 pow10_128(int n) noexcept {
  int128 r = 1;
  for (int i = 0; i < n; ++i) r *= 10;
  return r;
}

}  // namespace salescomp::detail
