// Money core throughput: add, large sums, multiply-by-rate with rounding,
// allocation into 2/10/1000 parts, parse and format. Items/s per benchmark.
#include <benchmark/benchmark.h>

#include <random>
#include <salescomp/salescomp.hpp>
#include <string>
#include <vector>

using namespace salescomp;

namespace {
std::vector<int64_t> random_minor(std::size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int64_t> dist(-100'000'000'00, 100'000'000'00);  // +/- 100M.00
  std::vector<int64_t> v(n);
  for (auto& x : v) x = dist(rng);
  return v;
}
const Currency kUsd = Currency::of("USD");
}  // namespace

static void BM_MoneyAdd(benchmark::State& state) {
  const auto v = random_minor(4096, 1);
  for (auto _ : state) {
    Money acc = Money::zero(kUsd);
    for (int64_t x : v) acc += Money::from_minor(x, kUsd);
    benchmark::DoNotOptimize(acc);
  }
  state.SetItemsProcessed(state.iterations() * int64_t(v.size()));
}
BENCHMARK(BM_MoneyAdd);

static void BM_SumMinor10M(benchmark::State& state) {
  const auto v = random_minor(10'000'000, 2);
  for (auto _ : state) benchmark::DoNotOptimize(sum_minor(v));
  state.SetItemsProcessed(state.iterations() * int64_t(v.size()));
  state.SetBytesProcessed(state.iterations() * int64_t(v.size() * sizeof(int64_t)));
}
BENCHMARK(BM_SumMinor10M)->Unit(benchmark::kMillisecond);

static void BM_MultiplyByRate(benchmark::State& state) {
  const auto mode = static_cast<RoundingMode>(state.range(0));
  const auto v = random_minor(1 << 16, 3);
  std::vector<int64_t> out(v.size());
  const Rate rate = Rate::parse("0.0725");
  for (auto _ : state) {
    for (std::size_t i = 0; i < v.size(); ++i) out[i] = multiply_minor(v[i], rate, mode);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * int64_t(v.size()));
  state.SetLabel(std::string(to_string(mode)));
}
BENCHMARK(BM_MultiplyByRate)
    ->Arg(int(RoundingMode::HalfEven))
    ->Arg(int(RoundingMode::HalfUp))
    ->Arg(int(RoundingMode::Floor));

static void BM_MultiplyByTwoRates(benchmark::State& state) {
  const auto v = random_minor(1 << 14, 4);
  std::vector<int64_t> out(v.size());
  const Rate split = Rate::parse("0.6"), rate = Rate::parse("0.0725");
  for (auto _ : state) {
    for (std::size_t i = 0; i < v.size(); ++i)
      out[i] = multiply_minor(v[i], split, rate, RoundingMode::HalfEven);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * int64_t(v.size()));
}
BENCHMARK(BM_MultiplyByTwoRates);

static void BM_Allocate(benchmark::State& state) {
  const std::size_t parts = std::size_t(state.range(0));
  std::mt19937_64 rng(5);
  std::vector<int64_t> weights(parts);
  for (auto& w : weights) w = int64_t(1 + rng() % 1000);
  std::vector<int64_t> out(parts);
  const auto totals = random_minor(1024, 6);
  std::size_t k = 0;
  for (auto _ : state) {
    allocate_minor_into(totals[k++ & 1023], weights, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());  // allocations per second
  state.counters["parts/s"] =
      benchmark::Counter(double(state.iterations()) * double(parts), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Allocate)->Arg(2)->Arg(10)->Arg(1000);

static void BM_Parse(benchmark::State& state) {
  const auto v = random_minor(1 << 14, 7);
  std::vector<std::string> texts;
  for (int64_t x : v) texts.push_back(format_scaled(x, 2));
  for (auto _ : state) {
    int64_t acc = 0;
    for (const auto& t : texts) acc += parse_scaled(t, 2);
    benchmark::DoNotOptimize(acc);
  }
  state.SetItemsProcessed(state.iterations() * int64_t(texts.size()));
}
BENCHMARK(BM_Parse);

static void BM_Format(benchmark::State& state) {
  const auto v = random_minor(1 << 14, 8);
  for (auto _ : state) {
    std::size_t len = 0;
    for (int64_t x : v) len += format_scaled(x, 2).size();
    benchmark::DoNotOptimize(len);
  }
  state.SetItemsProcessed(state.iterations() * int64_t(v.size()));
}
BENCHMARK(BM_Format);

static void BM_FxConvert(benchmark::State& state) {
  FxTable fx;
  const Currency eur = Currency::of("EUR");
  for (int m = 1; m <= 12; ++m)
    fx.add(eur, kUsd, Date::from_ymd(2026, unsigned(m), 1), Rate::parse("1.0837"));
  const auto v = random_minor(1 << 12, 9);
  const Date on = Date::parse("2026-06-15");
  for (auto _ : state) {
    int64_t acc = 0;
    for (int64_t x : v) acc += fx.convert(Money::from_minor(x, eur), kUsd, on).minor_units();
    benchmark::DoNotOptimize(acc);
  }
  state.SetItemsProcessed(state.iterations() * int64_t(v.size()));
}
BENCHMARK(BM_FxConvert);
