// Bootstrap confidence intervals: resample journeys (multinomial over the
// rows' y + n, then binomial for converted), refit, percentiles.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "markov_chain.hpp"
#include "salescomp/attribution/bootstrap.hpp"
#include "salescomp/core/error.hpp"
#include "uniform_unit.hpp"

namespace salescomp {

std::vector<double> shapley_game_values_weighted(const PathTable& paths, const ShapleyGameOptions& options,
                                                 const std::vector<int64_t>& ys,
                                                 const std::vector<int64_t>& ns);

namespace {

// Conversion credit per channel for one data set (ys, ns over the rows).
std::vector<double> credit_of(const PathTable& p, const BootstrapOptions& o, const std::vector<int64_t>& ys,
                              const std::vector<int64_t>& ns) {
  const std::size_t C = std::size_t(p.channel_count);
  double total = 0;
  for (int64_t y : ys) total += double(y);
  std::vector<double> credit(C, 0.0);
  switch (o.model) {
    case BootstrapModel::Markov: {
      const auto chain = attribution_detail::fit_markov_chain(p, o.markov_order, &ys, &ns);
      double pc = 0;
      const auto re = attribution_detail::solve_removal_effects(chain, p.channel_count, pc);
      const double sum = std::accumulate(re.begin(), re.end(), 0.0);
      if (sum > 0)
        for (std::size_t c = 0; c < C; ++c) credit[c] = total * re[c] / sum;
      break;
    }
    case BootstrapModel::SimplifiedShapley: {
      std::vector<int32_t> set;
      for (std::size_t r = 0; r < p.rows(); ++r) {
        if (ys[r] == 0) continue;
        auto path = p.path(r);
        set.assign(path.begin(), path.end());
        std::sort(set.begin(), set.end());
        set.erase(std::unique(set.begin(), set.end()), set.end());
        for (int32_t c : set) credit[std::size_t(c)] += double(ys[r]) / double(set.size());
      }
      break;
    }
    case BootstrapModel::ShapleyGame: {
      const auto phi = shapley_game_values_weighted(p, o.game, ys, ns);
      const double sum = std::accumulate(phi.begin(), phi.end(), 0.0);
      if (sum != 0)
        for (std::size_t c = 0; c < C; ++c) credit[c] = total * phi[c] / sum;
      break;
    }
  }
  return credit;
}

// Binomial(n, q) from mt19937_64's fully specified stream, so a seed gives
// the same replicates with every standard library: Bernoulli sums for small
// n, inversion (walking the pmf) when the mean or its mirror is small, and a
// normal approximation with continuity correction otherwise (n q (1-q) > 30).
int64_t binomial(std::mt19937_64& rng, int64_t n, double q) {
  if (n <= 0 || q <= 0) return 0;
  if (q >= 1) return n;
  if (n <= 64) {
    int64_t k = 0;
    for (int64_t i = 0; i < n; ++i) k += detail::uniform_unit(rng) < q ? 1 : 0;
    return k;
  }
  const double mean = double(n) * q;
  if (mean < 30) {
    double pmf = std::pow(1 - q, double(n)), cdf = pmf;
    const double u = detail::uniform_unit(rng);
    int64_t k = 0;
    while (u > cdf && k < n) {
      pmf *= double(n - k) / double(k + 1) * q / (1 - q);
      ++k;
      cdf += pmf;
      if (pmf == 0 && k > mean) break;
    }
    return k;
  }
  if (double(n) * (1 - q) < 30) return n - binomial(rng, n, 1 - q);
  const double sd = std::sqrt(mean * (1 - q));
  const double z = std::sqrt(-2 * std::log(detail::uniform_unit(rng))) *
                   std::cos(6.283185307179586 * detail::uniform_unit(rng));
  return std::clamp<int64_t>(std::llround(mean + sd * z), 0, n);
}

double quantile(std::vector<double>& v, double q) {
  std::sort(v.begin(), v.end());
  const double at = q * double(v.size() - 1);
  const std::size_t lo = std::size_t(std::floor(at));
  const std::size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (at - double(lo)) * (v[hi] - v[lo]);
}

}  // namespace

BootstrapResult bootstrap_credits(const PathTable& p, const BootstrapOptions& o) {
  validate_path_table(p);
  if (o.replicates < 2)
    throw ValidationError("SC-ATTR-OPTION", Issue{std::nullopt, "replicates", std::to_string(o.replicates),
                                                  "must be at least 2"});
  if (!(o.level > 0 && o.level < 1))
    throw ValidationError("SC-ATTR-OPTION",
                          Issue{std::nullopt, "level", std::to_string(o.level), "must lie in (0, 1)"});
  const std::size_t C = std::size_t(p.channel_count), R = p.rows();
  BootstrapResult out;
  out.replicates = o.replicates;
  out.channel.resize(C);
  std::iota(out.channel.begin(), out.channel.end(), 0);
  out.estimate = credit_of(p, o, p.conversions, p.nulls);
  std::vector<std::vector<double>> draws(C, std::vector<double>(std::size_t(o.replicates)));
  std::mt19937_64 rng(o.seed);
  int64_t journeys = 0;
  for (std::size_t r = 0; r < R; ++r) journeys += p.conversions[r] + p.nulls[r];
  std::vector<int64_t> ys(R), ns(R);
  for (int b = 0; b < o.replicates; ++b) {
    // Multinomial by sequential conditional binomials over the rows.
    int64_t left = journeys, left_weight = journeys;
    for (std::size_t r = 0; r < R; ++r) {
      const int64_t w = p.conversions[r] + p.nulls[r];
      const int64_t k = r + 1 == R ? left : binomial(rng, left, double(w) / double(left_weight));
      left -= k;
      left_weight -= w;
      ys[r] = binomial(rng, k, double(p.conversions[r]) / double(w));
      ns[r] = k - ys[r];
    }
    const auto credit = credit_of(p, o, ys, ns);
    for (std::size_t c = 0; c < C; ++c) draws[c][std::size_t(b)] = credit[c];
  }
  const double alpha = (1 - o.level) / 2;
  out.lower.resize(C);
  out.upper.resize(C);
  out.standard_error.resize(C);
  for (std::size_t c = 0; c < C; ++c) {
    auto& d = draws[c];
    const double mean = std::accumulate(d.begin(), d.end(), 0.0) / double(d.size());
    double ss = 0;
    for (double x : d) ss += (x - mean) * (x - mean);
    out.standard_error[c] = std::sqrt(ss / double(d.size() - 1));
    out.lower[c] = quantile(d, alpha);
    out.upper[c] = quantile(d, 1 - alpha);
  }
  return out;
}

}  // namespace salescomp
