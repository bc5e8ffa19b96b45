#pragma once
// An exact amount in minor units, numerator / denominator (denominator > 0):
// what a calculator computed before its one rounding. Kept so a statement
// can round once for all its lines (rounding scope per_statement).
#include <boost/multiprecision/cpp_int.hpp>
#include <cstdint>

namespace salescomp {

struct ExactAmount {
  boost::multiprecision::cpp_int numerator = 0;
  boost::multiprecision::cpp_int denominator = 1;

  static ExactAmount of_minor(int64_t minor) { return ExactAmount{minor, 1}; }
};

}  // namespace salescomp
