#pragma once
// A uniform draw in (0, 1) from 53 random bits, shared by the simulations
// (synthetic journeys, bootstrap); statistics only, never money.
#include <random>

namespace salescomp::detail {

inline double uniform_unit(std::mt19937_64& rng) { return (double(rng() >> 11) + 0.5) * 0x1.0p-53; }

}  // namespace salescomp::detail
