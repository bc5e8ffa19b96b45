// Attribution benchmarks on seeded synthetic journeys (one row per journey,
// mean path length 6, 5% converting). Items are journeys.
#include <benchmark/benchmark.h>

#include <memory>
#include <salescomp/attribution/markov.hpp>
#include <salescomp/attribution/rule_attribution.hpp>
#include <salescomp/attribution/shapley.hpp>
#include <salescomp/attribution/synthetic_journeys.hpp>

using namespace salescomp;

namespace {

// One table cached at a time: 10M journeys take about 0.6 GB.
const PathTable& journeys(int64_t count, int64_t channels, bool timestamps = false) {
  static std::unique_ptr<PathTable> cached;
  static int64_t cached_count = -1, cached_channels = -1;
  static bool cached_timestamps = false;
  if (!cached || cached_count != count || cached_channels != channels || cached_timestamps != timestamps) {
    cached.reset();
    SyntheticJourneyOptions o;
    o.journeys = std::size_t(count);
    o.channels = int32_t(channels);
    o.timestamps = timestamps;
    o.seed = 42;
    cached = std::make_unique<PathTable>(synthetic_journeys(o));
    cached_count = count;
    cached_channels = channels;
    cached_timestamps = timestamps;
  }
  return *cached;
}

void report(benchmark::State& state, int64_t journeys_count) {
  state.SetItemsProcessed(state.iterations() * journeys_count);
  state.counters["journeys/s"] =
      benchmark::Counter(double(state.iterations() * journeys_count), benchmark::Counter::kIsRate);
}

template <RuleModel M>
void BM_Rule(benchmark::State& state) {
  const PathTable& p = journeys(state.range(0), state.range(1), M == RuleModel::TimeDecay);
  RuleOptions o;
  o.model = M;
  for (auto _ : state) benchmark::DoNotOptimize(attribute_rule(p, o));
  report(state, state.range(0));
}

void BM_SimplifiedShapley(benchmark::State& state) {
  const PathTable& p = journeys(state.range(0), state.range(1));
  for (auto _ : state) benchmark::DoNotOptimize(simplified_shapley(p));
  report(state, state.range(0));
}

void BM_MarkovExact(benchmark::State& state) {
  const PathTable& p = journeys(state.range(0), state.range(1));
  MarkovOptions o;
  o.order = int(state.range(2));
  o.keep_transitions = false;
  for (auto _ : state) benchmark::DoNotOptimize(markov_attribution(p, o));
  report(state, state.range(0));
}

void BM_ValidateOnly(benchmark::State& state) {
  const PathTable& p = journeys(state.range(0), state.range(1));
  for (auto _ : state) validate_path_table(p);
  report(state, state.range(0));
}

constexpr int64_t k1M = 1'000'000, k10M = 10'000'000;

void journey_grid(benchmark::internal::Benchmark* b) {
  for (int64_t n : {k1M, k10M})
    for (int64_t c : {10, 50, 200}) b->Args({n, c});
}

}  // namespace

BENCHMARK(BM_ValidateOnly)->Apply(journey_grid)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);
BENCHMARK(BM_Rule<RuleModel::LastTouch>)
    ->Apply(journey_grid)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(3);
BENCHMARK(BM_Rule<RuleModel::LinearPerTouch>)
    ->Apply(journey_grid)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(3);
BENCHMARK(BM_Rule<RuleModel::PositionBased>)
    ->Apply(journey_grid)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(3);
BENCHMARK(BM_Rule<RuleModel::TimeDecay>)
    ->Args({k1M, 50})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(3);
BENCHMARK(BM_SimplifiedShapley)
    ->Apply(journey_grid)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(3);
BENCHMARK(BM_MarkovExact)
    ->ArgsProduct({{k1M}, {10, 50, 200}, {1, 2}})
    ->Args({k1M, 10, 3})
    ->Args({k1M, 50, 3})  // order 3 x 200 channels: see benchmarks/README.md
    ->Args({k10M, 10, 1})
    ->Args({k10M, 50, 1})
    ->Args({k10M, 200, 1})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(2);
