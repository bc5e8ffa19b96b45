// Shapley attribution: simplified (Zhao et al.), ordered, and the exact or
// sampled value of a game over the observed channel sets.
#include <algorithm>
#include <boost/multiprecision/cpp_int.hpp>
#include <cmath>
#include <numeric>
#include <random>
#include <string>
#include <unordered_map>

#include "credit_engine.hpp"
#include "salescomp/attribution/shapley.hpp"
#include "salescomp/core/error.hpp"
#include "salescomp/detail/int256.hpp"

namespace salescomp {

using namespace attribution_detail;
using ShapleyInt = boost::multiprecision::cpp_int;
using ShapleyRational = boost::multiprecision::cpp_rational;

namespace {

void distinct_sorted(std::span<const int32_t> path, std::vector<int32_t>& out) {
  out.assign(path.begin(), path.end());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
}

// Journeys grouped by their exact set of distinct channels.
struct ChannelSets {
  std::vector<int64_t> offsets{0};
  std::vector<int32_t> members;
  std::vector<double> conversions;                         // sum y
  std::vector<double> journeys;                            // sum y + n
  std::vector<int64_t> exact_conversions, exact_journeys;  // the same, exactly
  std::size_t size() const { return conversions.size(); }
};

ChannelSets channel_sets(const PathTable& p, const std::vector<int64_t>* ys = nullptr,
                         const std::vector<int64_t>* ns = nullptr) {
  const auto& y = ys ? *ys : p.conversions;
  const auto& n = ns ? *ns : p.nulls;
  ChannelSets sets;
  std::unordered_map<std::string, std::size_t> index;
  std::vector<int32_t> set;
  std::string key;
  for (std::size_t r = 0; r < p.rows(); ++r) {
    if (y[r] + n[r] == 0) continue;
    distinct_sorted(p.path(r), set);
    key.assign(reinterpret_cast<const char*>(set.data()), set.size() * sizeof(int32_t));
    auto [it, inserted] = index.try_emplace(key, sets.size());
    if (inserted) {
      sets.members.insert(sets.members.end(), set.begin(), set.end());
      sets.offsets.push_back(int64_t(sets.members.size()));
      sets.conversions.push_back(0);
      sets.journeys.push_back(0);
      sets.exact_conversions.push_back(0);
      sets.exact_journeys.push_back(0);
    }
    sets.conversions[it->second] += double(y[r]);
    sets.journeys[it->second] += double(y[r] + n[r]);
    sets.exact_conversions[it->second] += y[r];  // bounded: validate_path_table checks the totals
    sets.exact_journeys[it->second] += y[r] + n[r];
  }
  return sets;
}

double game_value(ShapleyGame game, double conversions, double journeys) {
  if (game == ShapleyGame::Conversions) return conversions;
  return journeys > 0 ? conversions / journeys : 0.0;
}

}  // namespace

AttributionResult simplified_shapley(const PathTable& paths, bool per_journey) {
  validate_path_table(paths);
  const std::size_t C = std::size_t(paths.channel_count);
  std::vector<Issue> issues;
  auto acc =
      accumulate_rows(paths.rows(), C, per_journey, issues,
                      [&](std::size_t begin, std::size_t end, CreditAccumulator& part, std::vector<Issue>&) {
                        std::vector<int32_t> set, ranks;
                        std::vector<int64_t> ones;
                        for (std::size_t r = begin; r < end; ++r) {
                          if (paths.conversions[r] == 0) continue;
                          distinct_sorted(paths.path(r), set);  // R(T) / |T| to each member of T
                          ones.assign(set.size(), 1);
                          first_touch_ranks(paths.path(r), set, ranks);
                          part.add(set, ones, ranks, paths.conversions[r], paths.value[r], paths.row_id[r]);
                        }
                      });
  std::vector<int32_t> channel_of(C), position_of(C, -1);
  std::iota(channel_of.begin(), channel_of.end(), 0);
  return acc.finish(paths.currency, channel_of, position_of, true);
}

AttributionResult ordered_shapley(const PathTable& paths, bool per_journey) {
  validate_path_table(paths);
  const std::size_t C = std::size_t(paths.channel_count);
  // Positions are the order of first touch among the path's distinct channels.
  std::vector<int32_t> first_order;
  std::vector<int64_t> seen_stamp(C, -1);
  std::size_t max_distinct = 0;
  for (std::size_t r = 0; r < paths.rows(); ++r) {
    if (paths.conversions[r] == 0) continue;
    std::size_t distinct = 0;
    for (int32_t c : paths.path(r))
      if (seen_stamp[std::size_t(c)] != int64_t(r)) {
        seen_stamp[std::size_t(c)] = int64_t(r);
        ++distinct;
      }
    max_distinct = std::max(max_distinct, distinct);
  }
  const std::size_t P = std::max<std::size_t>(max_distinct, 1);
  if (C * P > std::size_t(INT32_MAX))
    throw ValidationError("SC-ATTR-SHAPE",
                          Issue{std::nullopt, "paths", std::to_string(P), "too many channel positions"});
  CreditAccumulator acc(C * P, per_journey);
  std::fill(seen_stamp.begin(), seen_stamp.end(), -1);
  std::vector<int32_t> slots, ranks;
  std::vector<int64_t> ones;
  for (std::size_t r = 0; r < paths.rows(); ++r) {
    if (paths.conversions[r] == 0) continue;
    slots.clear();
    int32_t position = 0;
    for (int32_t c : paths.path(r))
      if (seen_stamp[std::size_t(c)] != int64_t(r)) {
        seen_stamp[std::size_t(c)] = int64_t(r);
        slots.push_back(int32_t(std::size_t(c) * P + std::size_t(position++)));
      }
    std::sort(slots.begin(), slots.end());
    ones.assign(slots.size(), 1);
    ranks.resize(slots.size());
    for (std::size_t k = 0; k < slots.size(); ++k) ranks[k] = int32_t(std::size_t(slots[k]) % P);
    acc.add(slots, ones, ranks, paths.conversions[r], paths.value[r], paths.row_id[r]);
  }
  std::vector<int32_t> channel_of(C * P), position_of(C * P);
  for (std::size_t s = 0; s < C * P; ++s) {
    channel_of[s] = int32_t(s / P);
    position_of[s] = int32_t(s % P);
  }
  return acc.finish(paths.currency, channel_of, position_of, false);
}

namespace {

std::vector<double> exact_game(const ChannelSets& sets, const std::vector<int32_t>& players,
                               const std::vector<int32_t>& bit_of, ShapleyGame game) {
  const std::size_t n = players.size();
  const std::size_t N = std::size_t(1) << n;
  std::vector<double> conv(N, 0.0), jour(N, 0.0);
  for (std::size_t s = 0; s < sets.size(); ++s) {
    std::size_t mask = 0;
    for (int64_t k = sets.offsets[s]; k < sets.offsets[s + 1]; ++k)
      mask |= std::size_t(1) << bit_of[std::size_t(sets.members[std::size_t(k)])];
    conv[mask] += sets.conversions[s];
    jour[mask] += sets.journeys[s];
  }
  // Subset sums (zeta transform): totals of the journeys whose set lies within S.
  for (std::size_t b = 0; b < n; ++b)
    for (std::size_t mask = 0; mask < N; ++mask)
      if (mask & (std::size_t(1) << b)) {
        conv[mask] += conv[mask ^ (std::size_t(1) << b)];
        jour[mask] += jour[mask ^ (std::size_t(1) << b)];
      }
  std::vector<double> v(N);
  for (std::size_t mask = 0; mask < N; ++mask) v[mask] = game_value(game, conv[mask], jour[mask]);
  // weight(s) = s! (n-s-1)! / n!
  std::vector<double> weight(n);
  for (std::size_t s = 0; s < n; ++s)
    weight[s] =
        std::exp(std::lgamma(double(s) + 1) + std::lgamma(double(n - s)) - std::lgamma(double(n) + 1));
  std::vector<double> phi(n, 0.0);
  for (std::size_t mask = 0; mask < N; ++mask) {
    const std::size_t size = std::size_t(__builtin_popcountll(mask));
    if (size == n) continue;
    for (std::size_t j = 0; j < n; ++j)
      if (!(mask & (std::size_t(1) << j)))
        phi[j] += weight[size] * (v[mask | (std::size_t(1) << j)] - v[mask]);
  }
  return phi;
}

std::vector<double> sampled_game(const ChannelSets& sets, const std::vector<int32_t>& players,
                                 const std::vector<int32_t>& bit_of, ShapleyGame game, int64_t permutations,
                                 uint64_t seed, std::vector<double>& error) {
  const std::size_t n = players.size();
  std::mt19937_64 rng(seed);
  std::vector<int32_t> order(n), position(n);
  std::vector<double> step_conv(n), step_jour(n);
  std::vector<double> sum(n, 0.0), sum_sq(n, 0.0);
  for (int64_t p = 0; p < permutations; ++p) {
    std::iota(order.begin(), order.end(), 0);
    for (std::size_t i = n; i > 1; --i) {  // Fisher-Yates with an exactly specified draw
      const uint64_t range = i;
      const uint64_t limit = UINT64_MAX - UINT64_MAX % range;
      uint64_t v;
      do v = rng();
      while (v >= limit);
      std::swap(order[i - 1], order[std::size_t(v % range)]);
    }
    for (std::size_t k = 0; k < n; ++k) position[std::size_t(order[k])] = int32_t(k);
    std::fill(step_conv.begin(), step_conv.end(), 0.0);
    std::fill(step_jour.begin(), step_jour.end(), 0.0);
    // A set joins the coalition when its last member does.
    for (std::size_t s = 0; s < sets.size(); ++s) {
      int32_t last = 0;
      for (int64_t k = sets.offsets[s]; k < sets.offsets[s + 1]; ++k)
        last = std::max(last, position[std::size_t(bit_of[std::size_t(sets.members[std::size_t(k)])])]);
      step_conv[std::size_t(last)] += sets.conversions[s];
      step_jour[std::size_t(last)] += sets.journeys[s];
    }
    double conv = 0, jour = 0, before = 0;
    for (std::size_t k = 0; k < n; ++k) {
      conv += step_conv[k];
      jour += step_jour[k];
      const double after = game_value(game, conv, jour);
      const double marginal = after - before;
      before = after;
      sum[std::size_t(order[k])] += marginal;
      sum_sq[std::size_t(order[k])] += marginal * marginal;
    }
  }
  std::vector<double> phi(n);
  error.assign(n, 0.0);
  const double m = double(permutations);
  for (std::size_t j = 0; j < n; ++j) {
    phi[j] = sum[j] / m;
    const double var = permutations > 1 ? std::max(0.0, (sum_sq[j] - m * phi[j] * phi[j]) / (m - 1)) : 0.0;
    error[j] = std::sqrt(var / m);
  }
  return phi;
}

// The exact Shapley value of the game, as rationals (the credits are split
// from these, so a tie in the largest remainder is a real tie). With
// c_j(S) = (s-1)!(n-s)! for j in S and -s!(n-s-1)! otherwise (s = |S|),
// phi_j n! = sum over S of c_j(S) v(S). For the conversion-rate game
// v(S) = Y(S) / D(S): the integer sums c_j(S) Y(S) are gathered per distinct
// D first, then the fractions are added exactly.
std::vector<ShapleyRational> exact_game_rational(const ChannelSets& sets, const std::vector<int32_t>& players,
                                                 const std::vector<int32_t>& bit_of, ShapleyGame game) {
  using detail::int256;
  const std::size_t n = players.size();
  const std::size_t N = std::size_t(1) << n;
  std::vector<int64_t> conv(N, 0), jour(N, 0);
  for (std::size_t s = 0; s < sets.size(); ++s) {
    std::size_t mask = 0;
    for (int64_t k = sets.offsets[s]; k < sets.offsets[s + 1]; ++k)
      mask |= std::size_t(1) << bit_of[std::size_t(sets.members[std::size_t(k)])];
    conv[mask] += sets.exact_conversions[s];
    jour[mask] += sets.exact_journeys[s];
  }
  for (std::size_t b = 0; b < n; ++b)  // subset sums: the journeys whose set lies within S
    for (std::size_t mask = 0; mask < N; ++mask)
      if (mask & (std::size_t(1) << b)) {
        conv[mask] += conv[mask ^ (std::size_t(1) << b)];
        jour[mask] += jour[mask ^ (std::size_t(1) << b)];
      }
  std::vector<int256> factorial(n + 1, int256(1));
  for (std::size_t k = 1; k <= n; ++k) factorial[k] = factorial[k - 1] * int256(int64_t(k));
  std::vector<int256> in(n + 1, 0), out(n + 1, 0);  // by coalition size
  for (std::size_t size = 0; size <= n; ++size) {
    if (size > 0) in[size] = factorial[size - 1] * factorial[n - size];
    if (size < n) out[size] = factorial[size] * factorial[n - size - 1];
  }
  // Groups of coalitions by denominator (1 for the conversions game).
  std::unordered_map<int64_t, int32_t> group_of;
  std::vector<int64_t> denominators;
  std::vector<int32_t> group(N, -1);  // -1: v(S) = 0, no term
  for (std::size_t mask = 0; mask < N; ++mask) {
    const int64_t d = game == ShapleyGame::Conversions ? 1 : jour[mask];
    if (d <= 0 || conv[mask] == 0) continue;
    const auto [it, fresh] = group_of.try_emplace(d, int32_t(denominators.size()));
    if (fresh) denominators.push_back(d);
    group[mask] = it->second;
  }
  const std::size_t K = denominators.size();
  // sum over groups g of acc_j(g) / D_g, summed as a balanced tree of
  // fractions over their least common denominators (a binary counter, so a
  // few nodes are alive at once): every merge costs about its operands' size,
  // far less than scaling each term to the common denominator of all.
  struct Node {
    ShapleyInt den;
    std::vector<ShapleyInt> num;
    int level = 0;
  };
  auto merge = [](Node& a, Node& b) {
    const ShapleyInt g = boost::multiprecision::gcd(a.den, b.den);
    const ShapleyInt fa = b.den / g, fb = a.den / g;
    for (std::size_t j = 0; j < a.num.size(); ++j) a.num[j] = a.num[j] * fa + b.num[j] * fb;
    a.den *= fa;
    a.level = std::max(a.level, b.level) + 1;
  };
  std::vector<ShapleyInt> numerator(n, 0);
  ShapleyInt common = 1;
  // Players in chunks so that the accumulators stay within a few million.
  const std::size_t chunk = std::max<std::size_t>(
      1, std::min<std::size_t>(n, (std::size_t(1) << 22) / std::max<std::size_t>(K, 1)));
  std::vector<int256> acc;
  for (std::size_t j0 = 0; j0 < n; j0 += chunk) {
    const std::size_t j1 = std::min(n, j0 + chunk), width = j1 - j0;
    acc.assign(K * width, int256(0));
    for (std::size_t mask = 0; mask < N; ++mask) {
      if (group[mask] < 0) continue;
      const std::size_t size = std::size_t(__builtin_popcountll(mask));
      const int256 y = int256(conv[mask]);
      const int256 plus = in[size] * y, minus = out[size] * y;
      int256* row = acc.data() + std::size_t(group[mask]) * width;
      for (std::size_t j = j0; j < j1; ++j) row[j - j0] += (mask & (std::size_t(1) << j)) ? plus : -minus;
    }
    std::vector<Node> stack;
    for (std::size_t g = 0; g < K; ++g) {
      Node leaf{ShapleyInt(denominators[g]), std::vector<ShapleyInt>(width), 0};
      for (std::size_t j = 0; j < width; ++j) leaf.num[j] = ShapleyInt(acc[g * width + j]);
      stack.push_back(std::move(leaf));
      while (stack.size() >= 2 && stack[stack.size() - 1].level == stack[stack.size() - 2].level) {
        merge(stack[stack.size() - 2], stack.back());
        stack.pop_back();
      }
    }
    while (stack.size() >= 2) {
      merge(stack[stack.size() - 2], stack.back());
      stack.pop_back();
    }
    if (stack.empty()) continue;  // no coalition converts: every phi is 0
    // Bring this chunk's sums over the denominator shared by every chunk.
    const ShapleyInt g = boost::multiprecision::gcd(common, stack[0].den);
    const ShapleyInt grow = stack[0].den / g, scale = common / g;
    for (std::size_t j = 0; j < j0; ++j) numerator[j] *= grow;
    common *= grow;
    for (std::size_t j = 0; j < width; ++j) numerator[j0 + j] = stack[0].num[j] * scale;
  }
  const ShapleyInt denominator = common * ShapleyInt(factorial[n]);
  std::vector<ShapleyRational> phi(n);
  for (std::size_t j = 0; j < n; ++j) phi[j] = ShapleyRational(numerator[j], denominator);
  return phi;
}

// Largest remainder of `total` by rational weights (any sign, positive sum):
// floors, then one unit each to the largest remainders, ties to the smaller
// index. The same rule as the credit engine's, without snapping the weights.
void apportion_rational(int64_t total, const std::vector<ShapleyRational>& weights, std::span<int64_t> out) {
  const std::size_t n = weights.size();
  ShapleyInt common = 1;
  for (const ShapleyRational& w : weights) {
    const ShapleyInt d = boost::multiprecision::denominator(w);
    common = common / boost::multiprecision::gcd(common, d) * d;
  }
  std::vector<ShapleyInt> w(n);
  ShapleyInt sum = 0;
  for (std::size_t i = 0; i < n; ++i) {
    w[i] = boost::multiprecision::numerator(weights[i]) *
           (common / boost::multiprecision::denominator(weights[i]));
    sum += w[i];
  }
  if (sum <= 0)
    throw ValidationError("SC-ATTR-WEIGHTS", Issue{std::nullopt, "weights", "sum " + sum.str(),
                                                   "credit weights must have a positive sum"});
  std::vector<ShapleyInt> remainder(n);
  ShapleyInt assigned = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const ShapleyInt product = ShapleyInt(total) * w[i];
    ShapleyInt q = product / sum, r = product % sum;
    if (r < 0) q -= 1, r += sum;  // floor division
    out[i] = detail::narrow_int64(detail::int256(q), "credit");
    remainder[i] = r;
    assigned += q;
  }
  const std::size_t leftover = std::size_t(ShapleyInt(total) - assigned);
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t(0));
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return remainder[a] > remainder[b]; });
  for (std::size_t k = 0; k < leftover; ++k) out[order[k]] += 1;
}

// phi per channel code (doubles, for display and the bootstrap); with
// `exact_phi`, an exact game also returns its rationals per channel code.
std::vector<double> game_values_of(const PathTable& paths, const ShapleyGameOptions& o,
                                   const std::vector<int64_t>* ys, const std::vector<int64_t>* ns,
                                   std::vector<double>* standard_error, bool* exact, int* players_out,
                                   std::vector<ShapleyRational>* exact_phi = nullptr) {
  if (o.max_players < 1 || o.max_players > 26)
    throw ValidationError("SC-ATTR-OPTION",
                          Issue{std::nullopt, "max_players", std::to_string(o.max_players), "must be 1..26"});
  const ChannelSets sets = channel_sets(paths, ys, ns);
  const std::size_t C = std::size_t(paths.channel_count);
  std::vector<int32_t> bit_of(C, -1), players;
  for (int32_t c : sets.members)
    if (bit_of[std::size_t(c)] < 0) bit_of[std::size_t(c)] = 0;
  for (std::size_t c = 0; c < C; ++c)
    if (bit_of[c] == 0) {
      bit_of[c] = int32_t(players.size());
      players.push_back(int32_t(c));
    }
  if (players_out) *players_out = int(players.size());
  bool use_exact = o.method == ShapleyMethod::Exact ||
                   (o.method == ShapleyMethod::Auto && int(players.size()) <= o.max_players);
  if (use_exact && int(players.size()) > o.max_players)
    throw ValidationError("SC-ATTR-SHAPLEY-PLAYERS",
                          Issue{std::nullopt, "players", std::to_string(players.size()),
                                "more channels than max_players (" + std::to_string(o.max_players) +
                                    ") for the exact game; use method Sampling or raise the cap (<= 26)"});
  if (!use_exact && o.permutations <= 0)
    throw ValidationError("SC-ATTR-OPTION", Issue{std::nullopt, "permutations",
                                                  std::to_string(o.permutations), "must be positive"});
  std::vector<double> phi_players, err_players(players.size(), 0.0);
  if (exact_phi) exact_phi->assign(C, ShapleyRational(0));
  if (players.empty()) {
  } else if (use_exact && exact_phi) {
    const std::vector<ShapleyRational> rational = exact_game_rational(sets, players, bit_of, o.game);
    phi_players.resize(players.size());
    for (std::size_t j = 0; j < players.size(); ++j) {
      phi_players[j] = rational[j].convert_to<double>();
      (*exact_phi)[std::size_t(players[j])] = rational[j];
    }
  } else if (use_exact) {
    phi_players = exact_game(sets, players, bit_of, o.game);
  } else {
    phi_players = sampled_game(sets, players, bit_of, o.game, o.permutations, o.seed, err_players);
  }
  std::vector<double> phi(C, 0.0);
  if (standard_error) standard_error->assign(C, 0.0);
  for (std::size_t j = 0; j < players.size(); ++j) {
    phi[std::size_t(players[j])] = phi_players[j];
    if (standard_error) (*standard_error)[std::size_t(players[j])] = err_players[j];
  }
  if (exact) *exact = use_exact;
  return phi;
}

}  // namespace

std::vector<double> shapley_game_values(const PathTable& paths, const ShapleyGameOptions& options,
                                        std::vector<double>* standard_error, bool* exact) {
  validate_path_table(paths);
  return game_values_of(paths, options, nullptr, nullptr, standard_error, exact, nullptr);
}

// Bootstrap hook (declared in bootstrap.cpp).
std::vector<double> shapley_game_values_weighted(const PathTable& paths, const ShapleyGameOptions& options,
                                                 const std::vector<int64_t>& ys,
                                                 const std::vector<int64_t>& ns) {
  return game_values_of(paths, options, &ys, &ns, nullptr, nullptr, nullptr);
}

ShapleyGameResult shapley_game(const PathTable& paths, const ShapleyGameOptions& options) {
  validate_path_table(paths);
  ShapleyGameResult result;
  std::vector<ShapleyRational> exact_phi;
  result.phi = game_values_of(paths, options, nullptr, nullptr, &result.standard_error, &result.exact,
                              &result.players, &exact_phi);
  result.permutations = result.exact ? 0 : options.permutations;
  const std::size_t C = std::size_t(paths.channel_count);
  double total = 0, scale = 0;
  for (double f : result.phi) {
    total += f;
    scale += std::abs(f);
  }
  result.grand_coalition_value = total;
  // phi snapped once to integer weights (15 significant digits of the
  // largest), then the totals are split exactly; negative phi get negative credit.
  std::vector<int64_t> weights(C, 0);
  for (std::size_t c = 0; c < C; ++c) weights[c] = scale > 0 ? std::llround(result.phi[c] / scale * 1e15) : 0;
  detail::int128 y = 0, v = 0;
  for (std::size_t r = 0; r < paths.rows(); ++r) {
    y += paths.conversions[r];
    v += paths.value[r];
  }
  AttributionResult& out = result.credits;
  out.channels.currency = paths.currency;
  out.channels.channel.resize(C);
  std::iota(out.channels.channel.begin(), out.channels.channel.end(), 0);
  out.channels.position.assign(C, -1);
  out.channels.conversions.assign(C, 0);
  out.channels.value.assign(C, 0);
  if (!detail::fits_int64(y * kConversionScale) || !detail::fits_int64(v))
    throw OverflowError("SC-OVERFLOW", "total conversions or value does not fit in 64 bits");
  out.total_conversions = int64_t(y * kConversionScale);
  out.total_value = int64_t(v);
  if (y > 0) {
    std::vector<int64_t> keys(C);
    std::iota(keys.begin(), keys.end(), 0);
    if (result.exact) {  // exact phi: ties in the largest remainder are real ties
      apportion_rational(out.total_conversions, exact_phi, out.channels.conversions);
      apportion_rational(out.total_value, exact_phi, out.channels.value);
    } else {
      apportion_signed(out.total_conversions, weights, out.channels.conversions, keys);
      apportion_signed(out.total_value, weights, out.channels.value, keys);
    }
  }
  return result;
}

}  // namespace salescomp
