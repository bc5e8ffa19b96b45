#pragma once
// Shapley attribution.
//
// Simplified (Zhao et al. 2018): with R(T) the conversions (value) of the
// journeys whose set of distinct channels is exactly T, phi_j = sum over
// T containing j of R(T) / |T|. It is the exact Shapley value of the game
// v(S) = sum over T subset of S of R(T), computed in linear time, and equals
// linear attribution per distinct channel.
//
// Ordered: the same share R(T)/|T| kept apart by the position at which j was
// first touched in the path (credits per channel and position).
//
// Game: the exact Shapley value of a characteristic function over the
// observed channel sets, by enumerating coalitions (at most max_players
// channels take part), or by permutation sampling (seeded) for larger games.
#include <cstdint>
#include <vector>

#include "salescomp/attribution/attribution_result.hpp"
#include "salescomp/data/path_table.hpp"

namespace salescomp {

AttributionResult simplified_shapley(const PathTable& paths, bool per_journey = false);
AttributionResult ordered_shapley(const PathTable& paths, bool per_journey = false);

enum class ShapleyGame {
  // v(S) = conversions of the journeys whose channel set lies within S.
  // Its Shapley value is the simplified value (a cross-check).
  Conversions,
  // v(S) = conversion rate of the journeys whose channel set lies within S:
  // sum y / sum (y + n) over those journeys (0 when there are none).
  ConversionRate,
};

enum class ShapleyMethod { Exact, Sampling, Auto };

struct ShapleyGameOptions {
  ShapleyGame game = ShapleyGame::ConversionRate;
  ShapleyMethod method = ShapleyMethod::Auto;  // Auto: exact up to max_players
  int max_players = 20;                        // exact enumeration cap (2^n coalitions)
  int64_t permutations = 20000;                // Sampling
  uint64_t seed = 1;
};

struct ShapleyGameResult {
  // Total conversions and value split by phi (negative phi give negative credit).
  AttributionResult credits;
  std::vector<double> phi;             // per channel code; 0 for channels never seen
  std::vector<double> standard_error;  // sampling error per channel (0 when exact)
  bool exact = true;
  int64_t permutations = 0;
  int players = 0;
  double grand_coalition_value = 0;  // v(all channels) = sum phi
};

ShapleyGameResult shapley_game(const PathTable& paths, const ShapleyGameOptions& options = {});

// phi only (no credits): the kernel the bootstrap reuses.
std::vector<double> shapley_game_values(const PathTable& paths, const ShapleyGameOptions& options,
                                        std::vector<double>* standard_error = nullptr, bool* exact = nullptr);

}  // namespace salescomp
