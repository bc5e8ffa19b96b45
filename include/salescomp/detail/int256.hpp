#pragma once
// Checked 256-bit integers (Boost.Multiprecision) for products of three
// factors, e.g. Money x Rate x Rate or FX conversion across exponents.
// Overflow throws instead of wrapping.
#include <boost/multiprecision/cpp_int.hpp>
#include <cstdint>
#include <string>

#include "salescomp/core/error.hpp"
#include "salescomp/detail/int128.hpp"

namespace salescomp::detail {

using int256 = boost::multiprecision::checked_int256_t;

inline int256 to_int256(int64_t v) { return int256(v); }

inline int256 pow10_256(int n) {
  int256 r = 1;
  for (int i = 0; i < n; ++i) r *= 10;
  return r;
}

// Narrows to int64 or throws OverflowError describing `what`.
inline int64_t narrow_int64(const int256& v, const char* what) {
  if (v > int256(kInt64Max) || v < int256(kInt64Min))
    throw OverflowError("SC-OVERFLOW", std::string(what) + " " + v.str() + " is out of range");
  return static_cast<int64_t>(v);
}

}  // namespace salescomp::detail
