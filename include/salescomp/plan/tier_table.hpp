#pragma once
// A rate table: contiguous bands on attainment (fraction of quota, 1 = 100%)
// or on the measured amount, and how the bands pay.
//   Marginal      each band pays its own rate on the part of x inside it
//   Retroactive   the band containing x sets the rate for all of x
//   Hybrid        retroactive up to hybrid_threshold, marginal above it
//   Interpolated  the rate moves linearly across the band containing x
//                 (rate at `from` to rate_to at `to`) and applies to all of x
// Band edges: LowerInclusive (default) puts x exactly on an edge into the
// upper band ([from, to)); UpperInclusive puts it in the lower one ((from, to]).
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "salescomp/core/rate.hpp"

namespace salescomp {

enum class TierBasis : uint8_t { Attainment, Amount };
enum class TierMode : uint8_t { Marginal, Retroactive, Hybrid, Interpolated };
enum class BandEdge : uint8_t { LowerInclusive, UpperInclusive };

constexpr std::string_view to_string(TierBasis b) noexcept {
  return b == TierBasis::Attainment ? "attainment" : "amount";
}
constexpr std::string_view to_string(TierMode m) noexcept {
  switch (m) {
    case TierMode::Marginal:
      return "marginal";
    case TierMode::Retroactive:
      return "retroactive";
    case TierMode::Hybrid:
      return "hybrid";
    case TierMode::Interpolated:
      return "interpolated";
  }
  return "?";
}
constexpr std::string_view to_string(BandEdge e) noexcept {
  return e == BandEdge::LowerInclusive ? "lower_inclusive" : "upper_inclusive";
}

// Band bounds are integers in the table's unit: Rate raw units (10^-12) of
// attainment for basis Attainment (1.0 = 100% is 10^12), minor units of the
// plan currency for basis Amount. `to` absent: unbounded (last band only).
struct Tier {
  int64_t from = 0;
  std::optional<int64_t> to;
  Rate rate;
  std::optional<Rate> rate_to;  // Interpolated only: the rate reached at `to`
};

struct TierTable {
  TierBasis basis = TierBasis::Attainment;
  TierMode mode = TierMode::Marginal;
  BandEdge edge = BandEdge::LowerInclusive;
  std::optional<int64_t> hybrid_threshold;  // Hybrid only, in the bands' unit
  std::vector<Tier> tiers;
};

}  // namespace salescomp
