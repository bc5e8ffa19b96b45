// Markov removal effects: fit the chain, solve absorption exactly with Eigen
// (dense LU reused across channels for small chains, sparse LU otherwise),
// simulate as an independent check, and turn removal effects into credits.
#include <Eigen/Dense>
#include <Eigen/IterativeLinearSolvers>
#include <Eigen/SparseLU>
#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <string>
#include <unordered_map>

#include "credit_engine.hpp"
#include "markov_chain.hpp"
#include "salescomp/attribution/markov.hpp"
#include "salescomp/core/allocation.hpp"
#include "salescomp/core/error.hpp"
#include "salescomp/core/rate.hpp"

namespace salescomp {

namespace attribution_detail {

namespace {

// Open-addressing map from non-zero uint64 keys to int64 values: the chain
// fit does one lookup per touch, and std::unordered_map's node chasing
// dominated it.
class FlatMap {
 public:
  FlatMap() : keys_(1024, 0), values_(1024, 0) {}
  int64_t& operator[](uint64_t key) {
    std::size_t mask = keys_.size() - 1;
    std::size_t i = hash(key) & mask;
    while (keys_[i] != 0) {
      if (keys_[i] == key) return values_[i];
      i = (i + 1) & mask;
    }
    if ((size_ + 1) * 2 > keys_.size()) {
      grow();
      return (*this)[key];
    }
    keys_[i] = key;
    ++size_;
    return values_[i];
  }
  bool contains(uint64_t key, int64_t& value) const {
    const std::size_t mask = keys_.size() - 1;
    for (std::size_t i = hash(key) & mask; keys_[i] != 0; i = (i + 1) & mask)
      if (keys_[i] == key) {
        value = values_[i];
        return true;
      }
    return false;
  }
  template <class F>
  void for_each(F&& f) const {
    for (std::size_t i = 0; i < keys_.size(); ++i)
      if (keys_[i] != 0) f(keys_[i], values_[i]);
  }
  std::size_t size() const { return size_; }

 private:
  static std::size_t hash(uint64_t k) {
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return std::size_t(k);
  }
  void grow() {
    std::vector<uint64_t> old_keys(keys_.size() * 2, 0);
    std::vector<int64_t> old_values(values_.size() * 2, 0);
    old_keys.swap(keys_);
    old_values.swap(values_);
    size_ = 0;
    for (std::size_t i = 0; i < old_keys.size(); ++i)
      if (old_keys[i] != 0) (*this)[old_keys[i]] = old_values[i];
  }
  std::vector<uint64_t> keys_;
  std::vector<int64_t> values_;
  std::size_t size_ = 0;
};

void check_order(int order, int32_t channel_count) {
  if (order < 1 || order > 4)
    throw ValidationError("SC-ATTR-MARKOV-ORDER",
                          Issue{std::nullopt, "order", std::to_string(order), "Markov order must be 1..4"});
  if (order > 1 && channel_count >= 65535)
    throw ValidationError("SC-ATTR-MARKOV-ORDER",
                          Issue{std::nullopt, "channel_count", std::to_string(channel_count),
                                "higher-order chains support at most 65534 channels"});
}

}  // namespace

MarkovChain fit_markov_chain(const PathTable& p, int order, const std::vector<int64_t>* conversions,
                             const std::vector<int64_t>* nulls) {
  check_order(order, p.channel_count);
  const std::vector<int64_t>& ys = conversions ? *conversions : p.conversions;
  const std::vector<int64_t>& ns = nulls ? *nulls : p.nulls;
  const std::size_t C = std::size_t(p.channel_count);

  // State ids while counting: order 1 uses the channel code; higher orders
  // number windows in first-seen order and are relabelled canonically below.
  FlatMap state_of_key;  // value: state id + 1 (0 = new)
  std::vector<uint64_t> key_of_state;
  auto state_id = [&](uint64_t key) -> int32_t {
    int64_t& id = state_of_key[key];
    if (id == 0) {
      key_of_state.push_back(key);
      id = int64_t(key_of_state.size());
    }
    return int32_t(id - 1);
  };
  const std::size_t dense_states = order == 1 ? C : 0;
  const bool dense = order == 1 && (C + 1) * (C + 3) <= (std::size_t(1) << 22);
  std::vector<int64_t> dense_counts(dense ? (C + 1) * (C + 3) : 0, 0);
  FlatMap sparse_counts;
  // Internal ids: 0 start, 1 conv, 2 null, 3 + state.
  auto count = [&](int32_t from, int32_t to, int64_t w) {
    if (w == 0) return;
    if (dense) {
      // rows: start + channels; columns: conv, null, channels
      const std::size_t row = from == kStart ? 0 : std::size_t(from - kFirstChannelState + 1);
      const std::size_t col = to == kConversion ? 0
                              : to == kNull     ? 1
                                                : std::size_t(to - kFirstChannelState + 2);
      dense_counts[row * (C + 2) + col] += w;
    } else {
      sparse_counts[(uint64_t(uint32_t(from)) << 32) | uint32_t(to)] += w;
    }
  };
  if (dense) dense_counts.assign((C + 1) * (C + 2), 0);

  uint64_t window_key = 0;
  const uint64_t key_mask = order >= 4 ? ~uint64_t(0) : ((uint64_t(1) << (16 * order)) - 1);
  for (std::size_t r = 0; r < p.rows(); ++r) {
    const int64_t y = ys[r], n = ns[r];
    const int64_t w = y + n;
    if (w == 0) continue;
    const int32_t* ch = p.channel.data() + p.offsets[r];
    const std::size_t L = p.length(r);
    int32_t prev_state = kStart;
    int32_t prev_channel = -1;
    window_key = 0;
    for (std::size_t i = 0; i < L; ++i) {
      if (ch[i] == prev_channel) continue;  // consecutive repeats merged
      prev_channel = ch[i];
      int32_t state;
      if (order == 1) {
        state = kFirstChannelState + ch[i];
      } else {
        window_key = ((window_key << 16) | uint64_t(ch[i] + 1)) & key_mask;
        state = kFirstChannelState + state_id(window_key);
      }
      count(prev_state, state, w);
      prev_state = state;
    }
    count(prev_state, kConversion, y);
    count(prev_state, kNull, n);
  }

  // Canonical state order.
  MarkovChain chain;
  chain.order = order;
  std::vector<int32_t> relabel;  // internal channel-state index -> canonical index
  if (order == 1) {
    relabel.resize(dense_states);
    std::iota(relabel.begin(), relabel.end(), 0);
    chain.window.resize(dense_states);
    for (std::size_t c = 0; c < dense_states; ++c) chain.window[c] = {int32_t(c)};
  } else {
    std::vector<int32_t> by_key(key_of_state.size());
    std::iota(by_key.begin(), by_key.end(), 0);
    std::sort(by_key.begin(), by_key.end(),
              [&](int32_t a, int32_t b) { return key_of_state[a] < key_of_state[b]; });
    relabel.resize(key_of_state.size());
    chain.window.resize(key_of_state.size());
    for (std::size_t i = 0; i < by_key.size(); ++i) {
      relabel[std::size_t(by_key[i])] = int32_t(i);
      std::vector<int32_t> win;
      for (uint64_t k = key_of_state[std::size_t(by_key[i])]; k != 0; k >>= 16)
        win.push_back(int32_t(k & 0xffff) - 1);
      std::reverse(win.begin(), win.end());
      chain.window[i] = std::move(win);
    }
  }
  auto canonical = [&](int32_t s) {
    return s < kFirstChannelState ? s : kFirstChannelState + relabel[std::size_t(s - kFirstChannelState)];
  };

  struct Edge {
    int32_t from, to;
    int64_t count;
  };
  std::vector<Edge> edges;
  if (dense) {
    for (std::size_t row = 0; row <= C; ++row)
      for (std::size_t col = 0; col < C + 2; ++col) {
        const int64_t v = dense_counts[row * (C + 2) + col];
        if (v == 0) continue;
        const int32_t from = row == 0 ? kStart : int32_t(kFirstChannelState + row - 1);
        const int32_t to = col == 0 ? kConversion : col == 1 ? kNull : int32_t(kFirstChannelState + col - 2);
        edges.push_back({from, to, v});
      }
  } else {
    edges.reserve(sparse_counts.size());
    sparse_counts.for_each([&](uint64_t key, int64_t v) {
      edges.push_back({canonical(int32_t(key >> 32)), canonical(int32_t(key & 0xffffffffu)), v});
    });
  }
  std::sort(edges.begin(), edges.end(),
            [](const Edge& a, const Edge& b) { return a.from != b.from ? a.from < b.from : a.to < b.to; });
  const std::size_t S = chain.states();
  chain.out_offsets.assign(S + 1, 0);
  chain.out_total.assign(S, 0);
  for (const Edge& e : edges) {
    chain.out_offsets[std::size_t(e.from) + 1]++;
    chain.out_total[std::size_t(e.from)] += e.count;
  }
  for (std::size_t s = 0; s < S; ++s) chain.out_offsets[s + 1] += chain.out_offsets[s];
  chain.out_to.reserve(edges.size());
  chain.out_count.reserve(edges.size());
  for (const Edge& e : edges) {
    chain.out_to.push_back(e.to);
    chain.out_count.push_back(e.count);
  }
  return chain;
}

std::vector<double> solve_removal_effects(const MarkovChain& chain, int32_t channel_count,
                                          double& conversion_probability) {
  std::vector<double> effect(std::size_t(channel_count), 0.0);
  conversion_probability = 0;
  const std::size_t S = chain.states();
  // Transient states: start and every channel state that has transitions.
  std::vector<int32_t> index(S, -1);
  std::vector<int32_t> transient;
  for (std::size_t s = 0; s < S; ++s)
    if ((s == std::size_t(kStart) || s >= std::size_t(kFirstChannelState)) && chain.out_total[s] > 0) {
      index[s] = int32_t(transient.size());
      transient.push_back(int32_t(s));
    }
  if (transient.empty() || index[kStart] < 0) return effect;
  const Eigen::Index T = Eigen::Index(transient.size());
  Eigen::VectorXd to_conversion = Eigen::VectorXd::Zero(T);
  std::vector<Eigen::Triplet<double>> entries;
  entries.reserve(chain.out_to.size() + transient.size());
  for (Eigen::Index i = 0; i < T; ++i) {
    const std::size_t s = std::size_t(transient[std::size_t(i)]);
    const double total = double(chain.out_total[s]);
    entries.emplace_back(i, i, 1.0);
    for (int64_t k = chain.out_offsets[s]; k < chain.out_offsets[s + 1]; ++k) {
      const int32_t to = chain.out_to[std::size_t(k)];
      const double prob = double(chain.out_count[std::size_t(k)]) / total;
      if (to == kConversion)
        to_conversion(i) += prob;
      else if (to != kNull && index[std::size_t(to)] >= 0)
        entries.emplace_back(i, index[std::size_t(to)], -prob);
    }
  }
  // States holding each channel (as transient indexes).
  std::vector<std::vector<Eigen::Index>> holding(static_cast<std::size_t>(channel_count));
  for (Eigen::Index i = 0; i < T; ++i) {
    const std::size_t s = std::size_t(transient[std::size_t(i)]);
    if (s < std::size_t(kFirstChannelState)) continue;
    std::vector<int32_t> win = chain.window[s - kFirstChannelState];
    std::sort(win.begin(), win.end());
    win.erase(std::unique(win.begin(), win.end()), win.end());
    for (int32_t c : win) holding[std::size_t(c)].push_back(i);
  }
  const Eigen::Index start = index[kStart];

  constexpr Eigen::Index kDenseLimit = 600;
  if (T <= kDenseLimit) {
    // One LU of I - Q; B = (I - Q)^-1. Forcing the states S of channel c to 0
    // gives P_{-c} = x_start - B(start, S) B(S, S)^-1 x_S (Schur complement),
    // so every channel reuses the same factorisation.
    Eigen::MatrixXd A = Eigen::MatrixXd::Zero(T, T);
    for (const auto& e : entries) A(e.row(), e.col()) += e.value();
    const Eigen::PartialPivLU<Eigen::MatrixXd> lu(A);
    const Eigen::VectorXd x = lu.solve(to_conversion);
    conversion_probability = x(start);
    if (!(conversion_probability > 0)) return effect;
    const Eigen::MatrixXd B = lu.inverse();
    for (std::size_t c = 0; c < holding.size(); ++c) {
      const auto& S_c = holding[c];
      if (S_c.empty()) continue;
      const Eigen::Index m = Eigen::Index(S_c.size());
      Eigen::MatrixXd B_SS(m, m);
      Eigen::RowVectorXd B_sS(m);
      Eigen::VectorXd x_S(m);
      for (Eigen::Index a = 0; a < m; ++a) {
        B_sS(a) = B(start, S_c[std::size_t(a)]);
        x_S(a) = x(S_c[std::size_t(a)]);
        for (Eigen::Index b = 0; b < m; ++b) B_SS(a, b) = B(S_c[std::size_t(a)], S_c[std::size_t(b)]);
      }
      const double without = x(start) - B_sS.dot(B_SS.partialPivLu().solve(x_S));
      effect[c] = std::clamp(1.0 - without / conversion_probability, 0.0, 1.0);
    }
    return effect;
  }

  // Large chains: sparse solves. Each removal is the full system with the
  // states of c forced to 0, warm-started from the full solution. I - Q has a
  // unit diagonal and Q is substochastic, so BiCGSTAB converges in few
  // iterations; every solution is checked (residual < 1e-12) and falls back
  // to a sparse LU when it is not.
  Eigen::SparseMatrix<double, Eigen::RowMajor> A(T, T);
  A.setFromTriplets(entries.begin(), entries.end());
  // Solves A_ x = b to a residual below 1e-12 (BiCGSTAB, then sparse LU if it stalls).
  auto solve = [](const Eigen::SparseMatrix<double, Eigen::RowMajor>& A_, const Eigen::VectorXd& b,
                  const Eigen::VectorXd& guess) -> Eigen::VectorXd {
    Eigen::BiCGSTAB<Eigen::SparseMatrix<double, Eigen::RowMajor>> solver;
    solver.setTolerance(1e-15);
    solver.setMaxIterations(2000);
    solver.compute(A_);
    Eigen::VectorXd z = guess;
    // BiCGSTAB can stall short of the tolerance in doubles; restarting from
    // the last iterate usually finishes the job.
    for (int restart = 0; restart < 8; ++restart) {
      z = solver.solveWithGuess(b, z);
      if ((A_ * z - b).lpNorm<Eigen::Infinity>() < 1e-13) return z;
    }
    Eigen::SparseLU<Eigen::SparseMatrix<double>> lu_;
    const Eigen::SparseMatrix<double> col = A_;
    lu_.compute(col);
    if (lu_.info() != Eigen::Success)
      throw Error("SC-ATTR-MARKOV-SOLVE", "sparse LU of a Markov chain failed");
    return lu_.solve(b);
  };
  const Eigen::VectorXd x = solve(A, to_conversion, to_conversion);
  conversion_probability = x(start);
  if (!(conversion_probability > 0)) return effect;
  std::vector<uint8_t> removed(static_cast<std::size_t>(T));
  for (std::size_t c = 0; c < holding.size(); ++c) {
    if (holding[c].empty()) continue;
    std::fill(removed.begin(), removed.end(), 0);
    for (Eigen::Index i : holding[c]) removed[std::size_t(i)] = 1;
    std::vector<Eigen::Triplet<double>> sub;
    sub.reserve(entries.size());
    for (const auto& e : entries) {
      const bool row_removed = removed[std::size_t(e.row())], col_removed = removed[std::size_t(e.col())];
      if (row_removed) {
        if (e.row() == e.col()) sub.push_back(e);  // x_s = 0 for the removed states
      } else if (!col_removed) {
        sub.push_back(e);  // transitions into removed states go to null: dropped
      }
    }
    Eigen::SparseMatrix<double, Eigen::RowMajor> A_c(T, T);
    A_c.setFromTriplets(sub.begin(), sub.end());
    Eigen::VectorXd r_c = to_conversion, guess = x;
    for (Eigen::Index i : holding[c]) r_c(i) = guess(i) = 0;
    const Eigen::VectorXd z = solve(A_c, r_c, guess);
    effect[c] = std::clamp(1.0 - z(start) / conversion_probability, 0.0, 1.0);
  }
  return effect;
}

namespace {
// Unbiased integer in [0, n) from mt19937_64's fully specified output, so a
// seed gives the same walks with every standard library.
int64_t uniform_below(std::mt19937_64& rng, int64_t n) {
  const uint64_t range = uint64_t(n);
  const uint64_t limit = std::numeric_limits<uint64_t>::max() - std::numeric_limits<uint64_t>::max() % range;
  uint64_t v;
  do v = rng();
  while (v >= limit);
  return int64_t(v % range);
}
}  // namespace

}  // namespace attribution_detail

using namespace attribution_detail;

std::vector<double> markov_removal_effects(const PathTable& paths, int order,
                                           double* conversion_probability) {
  validate_path_table(paths);
  const MarkovChain chain = fit_markov_chain(paths, order);
  double p = 0;
  std::vector<double> effect = solve_removal_effects(chain, paths.channel_count, p);
  if (conversion_probability) *conversion_probability = p;
  return effect;
}

MarkovResult markov_attribution(const PathTable& paths, const MarkovOptions& options) {
  validate_path_table(paths);
  if (options.per_journey && options.basis == MarkovCreditBasis::Global)
    throw ValidationError("SC-ATTR-OPTION", Issue{std::nullopt, "per_journey", "true",
                                                  "per-journey Markov credits need basis PerPath"});
  const MarkovChain chain = fit_markov_chain(paths, options.order);
  MarkovResult result;
  result.removal_effect = solve_removal_effects(chain, paths.channel_count, result.conversion_probability);
  const std::size_t C = std::size_t(paths.channel_count);
  result.removal_weight.resize(C);
  for (std::size_t c = 0; c < C; ++c)
    result.removal_weight[c] = std::llround(result.removal_effect[c] * double(Rate::kOne));

  std::vector<int32_t> channel_of(C), position_of(C, -1);
  std::iota(channel_of.begin(), channel_of.end(), 0);
  if (options.basis == MarkovCreditBasis::Global) {
    detail::int128 y = 0, v = 0;
    for (std::size_t r = 0; r < paths.rows(); ++r) {
      y += paths.conversions[r];
      v += paths.value[r];
    }
    // One "row" holding everything, split by the snapped removal effects.
    std::vector<int32_t> slots;
    std::vector<int64_t> weights;
    for (std::size_t c = 0; c < C; ++c)
      if (result.removal_weight[c] > 0) {
        slots.push_back(int32_t(c));
        weights.push_back(result.removal_weight[c]);
      }
    CreditAccumulator acc(C, false);
    if (y > 0) {
      if (slots.empty()) throw Error("SC-ATTR-MARKOV-SOLVE", "conversions but every removal effect is 0");
      if (!detail::fits_int64(y) || !detail::fits_int64(v))
        throw OverflowError("SC-OVERFLOW", "total conversions or value does not fit in 64 bits");
      // No path here: ties go to the smaller channel code.
      std::vector<int32_t> ranks(slots.begin(), slots.end());
      acc.add(slots, weights, ranks, int64_t(y), int64_t(v), 0);
    }
    result.credits = acc.finish(paths.currency, channel_of, position_of, true);
  } else {
    CreditAccumulator acc(C, options.per_journey);
    std::vector<int32_t> slots, ranks;
    std::vector<int64_t> weights;
    for (std::size_t r = 0; r < paths.rows(); ++r) {
      if (paths.conversions[r] == 0) continue;
      auto path = paths.path(r);
      slots.assign(path.begin(), path.end());
      std::sort(slots.begin(), slots.end());
      slots.erase(std::unique(slots.begin(), slots.end()), slots.end());
      weights.clear();
      bool any = false;
      for (int32_t c : slots) {
        weights.push_back(result.removal_weight[std::size_t(c)]);
        any = any || weights.back() > 0;
      }
      if (!any) std::fill(weights.begin(), weights.end(), 1);  // documented fallback: even split
      first_touch_ranks(path, slots, ranks);
      acc.add(slots, weights, ranks, paths.conversions[r], paths.value[r], paths.row_id[r]);
    }
    result.credits = acc.finish(paths.currency, channel_of, position_of, true);
  }

  if (options.keep_transitions) {
    MarkovTransitions& t = result.transitions;
    t.state_offsets.push_back(0);
    for (int s = 0; s < kFirstChannelState; ++s) t.state_offsets.push_back(0);
    for (const auto& win : chain.window) {
      t.state_channel.insert(t.state_channel.end(), win.begin(), win.end());
      t.state_offsets.push_back(int64_t(t.state_channel.size()));
    }
    for (std::size_t s = 0; s < chain.states(); ++s)
      for (int64_t k = chain.out_offsets[s]; k < chain.out_offsets[s + 1]; ++k) {
        t.from.push_back(int32_t(s));
        t.to.push_back(chain.out_to[std::size_t(k)]);
        t.count.push_back(chain.out_count[std::size_t(k)]);
        t.probability.push_back(double(chain.out_count[std::size_t(k)]) / double(chain.out_total[s]));
      }
  }
  return result;
}

MarkovSimulation markov_simulation(const PathTable& paths, int order, int64_t walks, uint64_t seed) {
  validate_path_table(paths);
  if (walks <= 0)
    throw ValidationError("SC-ATTR-OPTION",
                          Issue{std::nullopt, "walks", std::to_string(walks), "must be positive"});
  const MarkovChain chain = fit_markov_chain(paths, order);
  const std::size_t C = std::size_t(paths.channel_count);
  MarkovSimulation sim;
  sim.walks = walks;
  sim.removal_effect.assign(C, 0.0);
  sim.removal_effect_error.assign(C, 0.0);
  if (chain.out_total[kStart] == 0) return sim;
  // Distinct channels of each state.
  std::vector<std::vector<int32_t>> channels_of(chain.states());
  for (std::size_t i = 0; i < chain.window.size(); ++i) {
    auto w = chain.window[i];
    std::sort(w.begin(), w.end());
    w.erase(std::unique(w.begin(), w.end()), w.end());
    channels_of[kFirstChannelState + i] = std::move(w);
  }
  std::vector<int64_t> cumulative(chain.out_count.size());
  for (std::size_t s = 0; s < chain.states(); ++s) {
    int64_t acc = 0;
    for (int64_t k = chain.out_offsets[s]; k < chain.out_offsets[s + 1]; ++k) {
      acc += chain.out_count[std::size_t(k)];
      cumulative[std::size_t(k)] = acc;
    }
  }
  std::mt19937_64 rng(seed);
  std::vector<int64_t> visited_stamp(C, -1);
  std::vector<int32_t> visited;
  std::vector<int64_t> hits(C, 0);
  int64_t converted = 0;
  for (int64_t w = 0; w < walks; ++w) {
    int32_t state = kStart;
    visited.clear();
    while (state != kConversion && state != kNull) {
      const std::size_t s = std::size_t(state);
      const int64_t pick = uniform_below(rng, chain.out_total[s]);
      const auto first = cumulative.begin() + chain.out_offsets[s];
      const auto last = cumulative.begin() + chain.out_offsets[s + 1];
      const auto it = std::upper_bound(first, last, pick);
      state = chain.out_to[std::size_t(it - cumulative.begin())];
      if (state >= kFirstChannelState)
        for (int32_t c : channels_of[std::size_t(state)])
          if (visited_stamp[std::size_t(c)] != w) {
            visited_stamp[std::size_t(c)] = w;
            visited.push_back(c);
          }
    }
    if (state == kConversion) {
      ++converted;
      for (int32_t c : visited) ++hits[std::size_t(c)];
    }
  }
  sim.converted_walks = converted;
  const double p = double(converted) / double(walks);
  sim.conversion_probability = p;
  sim.conversion_probability_error = std::sqrt(p * (1 - p) / double(walks));
  if (converted > 0)
    for (std::size_t c = 0; c < C; ++c) {
      const double q = double(hits[c]) / double(converted);
      sim.removal_effect[c] = q;
      sim.removal_effect_error[c] = std::sqrt(q * (1 - q) / double(converted));
    }
  return sim;
}

}  // namespace salescomp
