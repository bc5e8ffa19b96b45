// Crediting throughput: synthetic deals over a synthetic roster with 20%
// revenue splits, 10% overlays, 30% SDR-sourced deals, 10% EUR deals (FX to
// USD) and 3-level roll-ups. Items = deals credited.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <memory>
#include <string>

#include <salescomp/credit/crediting.hpp>
#include <salescomp/data/synthetic.hpp>

using namespace salescomp;

namespace {

const SyntheticData& data(int64_t deals, int32_t people) {
  static std::unique_ptr<SyntheticData> cached;
  static int64_t cached_deals = -1;
  if (cached_deals != deals) {
    cached.reset();
    SyntheticSpec spec;
    spec.deals = deals;
    spec.people = people;
    spec.roll_up_depth = 3;
    cached = std::make_unique<SyntheticData>(make_synthetic(spec));
    cached_deals = deals;
  }
  return *cached;
}

void BM_Crediting(benchmark::State& state) {
  const SyntheticData& d = data(state.range(0), int32_t(state.range(1)));
  CreditingSources src;
  src.splits = &d.splits;
  src.fx = &d.fx;
  src.calendar = &d.calendar;
  CreditingSettings settings;
  settings.threads = int(state.range(2));
  std::size_t rows = 0;
  for (auto _ : state) {
    CreditTable c = credit_deals(d.deals, d.org, d.rules, settings, src);
    rows = c.size();
    benchmark::DoNotOptimize(c.amount.data());
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * state.range(0));
  state.counters["credit_rows"] = double(rows);
}

}  // namespace

// deals, people, threads
BENCHMARK(BM_Crediting)
    ->Args({1'000'000, 100'000, 1})
    ->Args({1'000'000, 100'000, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
// 10M deals need about 7 GB and minutes on 2 cores: only with SALESCOMP_BENCH_LARGE=1.
const bool kLargeRegistered = [] {
  if (const char* v = std::getenv("SALESCOMP_BENCH_LARGE"); v && std::string(v) == "1")
    benchmark::RegisterBenchmark("BM_Crediting/10000000/100000/2", BM_Crediting)
        ->Args({10'000'000, 100'000, 2})
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime()
        ->Iterations(1);
  return true;
}();
