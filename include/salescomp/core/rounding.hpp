#pragma once
// Rounding modes and the single exact "divide and round" every narrowing in
// salescomp goes through.
#include <array>
#include <string>
#include <string_view>

#include "salescomp/core/error.hpp"

namespace salescomp {

// Names follow Java's BigDecimal / Python's decimal, spelled out because
// "half up" means different things in different libraries:
//   HalfEven   ties to the even neighbour (banker's rounding; the default)
//   HalfUp     ties away from zero        (-2.5 -> -3)
//   HalfDown   ties toward zero           (-2.5 -> -2)
//   Up         away from zero             (-2.1 -> -3)
//   Down       toward zero, truncation    (-2.9 -> -2)
//   Ceiling    toward +infinity           (-2.9 -> -2)
//   Floor      toward -infinity           (-2.1 -> -3)
//   Unnecessary  the result must be exact; otherwise InexactError
enum class RoundingMode { HalfEven, HalfUp, HalfDown, Up, Down, Ceiling, Floor, Unnecessary };

inline constexpr std::array<RoundingMode, 8> kAllRoundingModes = {
    RoundingMode::HalfEven, RoundingMode::HalfUp,  RoundingMode::HalfDown, RoundingMode::Up,
    RoundingMode::Down,     RoundingMode::Ceiling, RoundingMode::Floor,    RoundingMode::Unnecessary};

constexpr std::string_view to_string(RoundingMode m) noexcept {
  switch (m) {
    case RoundingMode::HalfEven:
      return "HalfEven";
    case RoundingMode::HalfUp:
      return "HalfUp";
    case RoundingMode::HalfDown:
      return "HalfDown";
    case RoundingMode::Up:
      return "Up";
    case RoundingMode::Down:
      return "Down";
    case RoundingMode::Ceiling:
      return "Ceiling";
    case RoundingMode::Floor:
      return "Floor";
    case RoundingMode::Unnecessary:
      return "Unnecessary";
  }
  return "?";
}

// Parses the names above (as written) for plan documents and CLIs.
inline RoundingMode rounding_mode_from_string(std::string_view name) {
  for (RoundingMode m : kAllRoundingModes)
    if (to_string(m) == name) return m;
  throw ValidationError("SC-ROUND-MODE",
                        Issue{std::nullopt, "rounding", std::string(name),
                              "unknown rounding mode; expected one of HalfEven, HalfUp, HalfDown, "
                              "Up, Down, Ceiling, Floor, Unnecessary"});
}

// num / den rounded to an integer by `mode`. Works for any signed integer
// type with truncating / and % (built-in __int128, Boost cpp_int). The
// remainder test avoids 2*|r|, which could overflow.
template <class Int>
Int divide_rounded(const Int& num, const Int& den, RoundingMode mode) {
  if (den == 0) throw DivisionByZeroError("SC-DIV-ZERO", "division by zero");
  Int q = num / den;
  Int r = num - q * den;  // one division instead of / and % (each a libcall for 128 bits)
  if (r == 0) return q;
  const bool negative = (num < 0) != (den < 0);
  const Int r_abs = r < 0 ? Int(-r) : r;
  const Int d_abs = den < 0 ? Int(-den) : den;
  const Int rest = d_abs - r_abs;  // distance to the next integer away from zero
  bool away = false;
  switch (mode) {
    case RoundingMode::Up:
      away = true;
      break;
    case RoundingMode::Down:
      away = false;
      break;
    case RoundingMode::Ceiling:
      away = !negative;
      break;
    case RoundingMode::Floor:
      away = negative;
      break;
    case RoundingMode::HalfUp:
      away = r_abs >= rest;
      break;
    case RoundingMode::HalfDown:
      away = r_abs > rest;
      break;
    case RoundingMode::HalfEven:
      away = r_abs > rest || (r_abs == rest && (q % 2) != 0);
      break;
    case RoundingMode::Unnecessary:
      throw InexactError("SC-ROUND-INEXACT", "result is not exact and the rounding mode is Unnecessary");
  }
  if (away) q += negative ? Int(-1) : Int(1);
  return q;
}

}  // namespace salescomp
