// Commission accounting at scale: a seeded synthetic book of N commission
// costs with 48-month terms (plus a few clawbacks, terminations and
// extensions), then the amortisation schedule and the roll-forward.
// Items are asset-months (N x 48 in the plain case).
#include <benchmark/benchmark.h>

#include <memory>
#include <random>
#include <salescomp/accounting/all.hpp>

namespace {

using namespace salescomp;

constexpr int32_t kTerm = 48;

struct Inputs {
  CommissionCostTable costs;
  AssetEventTable events;
};

// Costs incurred over two years, starting in the month incurred; 5% of the
// assets get a clawback, 3% churn, 2% are extended.
Inputs synthetic(std::size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> day(0, 729);
  std::uniform_int_distribution<int64_t> cents(50'000, 5'000'000);
  std::uniform_int_distribution<int> pct(0, 99);
  const Date base = Date::parse("2025-01-01");
  const Currency usd = Currency::of("USD");
  Inputs in;
  in.costs.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const Date d = base.plus_days(day(rng));
    const int64_t amount = cents(rng);
    in.costs.line_id.push_back(int64_t(i));
    in.costs.person.push_back(int64_t(i % 10'000));
    in.costs.contract.push_back(int64_t(i));
    in.costs.amount.push_back(amount);
    in.costs.currency.push_back(usd);
    in.costs.incurred.push_back(d);
    in.costs.contract_start.push_back(d);
    in.costs.term_months.push_back(kTerm);
    in.costs.kind.push_back(CostKind::Initial);
    in.costs.incremental.push_back(1);
    in.costs.renewal_commensurate.push_back(1);
    in.costs.customer_life_months.push_back(0);
    in.costs.pattern.push_back(AmortisationPattern::StraightLine);
    const int p = pct(rng);
    auto event = [&](AssetEventKind kind, int64_t ev_amount, int32_t months) {
      in.events.line_id.push_back(int64_t(i));
      in.events.kind.push_back(kind);
      in.events.date.push_back(d.plus_days(30 + day(rng)));
      in.events.amount.push_back(ev_amount);
      in.events.months.push_back(months);
    };
    if (p < 5)
      event(AssetEventKind::Clawback, amount / 4, 0);
    else if (p < 8)
      event(AssetEventKind::Termination, 0, 0);
    else if (p < 10)
      event(AssetEventKind::Extension, 0, 12);
  }
  return in;
}

const AmortisationBook& book(std::size_t n) {
  static std::size_t built_for = 0;
  static std::unique_ptr<AmortisationBook> cached;
  if (built_for != n) {
    cached.reset();
    Inputs in = synthetic(n, 42);
    cached = std::make_unique<AmortisationBook>(std::move(in.costs), std::move(in.events),
                                                RevenueScheduleTable{}, AmortisationPolicy{});
    built_for = n;
  }
  return *cached;
}

void BM_BuildBook(benchmark::State& state) {
  const std::size_t n = std::size_t(state.range(0));
  const Inputs in = synthetic(n, 42);
  for (auto _ : state) {
    AmortisationBook b(in.costs, in.events, {}, {});
    benchmark::DoNotOptimize(b.asset_count());
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(n));
  state.counters["assets"] = double(n);
}

void BM_Schedule(benchmark::State& state) {
  const AmortisationBook& b = book(std::size_t(state.range(0)));
  std::size_t rows = 0;
  for (auto _ : state) {
    const AmortisationSchedule s = b.schedule();
    rows = s.size();
    benchmark::DoNotOptimize(s.closing.data());
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(rows));
  state.counters["rows"] = double(rows);
}

// The schedule computed but not stored: the cost of the engine alone.
void BM_ScheduleStreamed(benchmark::State& state) {
  const AmortisationBook& b = book(std::size_t(state.range(0)));
  std::size_t rows = 0;
  for (auto _ : state) {
    int64_t total = 0;
    rows = 0;
    b.for_each_month([&](std::size_t, MonthIndex, const AssetMonth& mv) {
      total += mv.amortisation;
      ++rows;
    });
    benchmark::DoNotOptimize(total);
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(rows));
}

void BM_RollForward(benchmark::State& state) {
  const AmortisationBook& b = book(std::size_t(state.range(0)));
  std::size_t months = 0;
  for (auto _ : state) {
    const RollForwardTable rf = b.roll_forward();
    months = rf.size();
    benchmark::DoNotOptimize(rf.closing.data());
  }
  // Items: asset-months consumed (N x 48 plus event effects), as for the schedule.
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(state.range(0)) * kTerm);
  state.counters["months"] = double(months);
}

void BM_Journal(benchmark::State& state) {
  const AmortisationBook& b = book(std::size_t(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(b.journal().size());
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(state.range(0)) * kTerm);
}

}  // namespace

BENCHMARK(BM_BuildBook)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK(BM_Schedule)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK(BM_ScheduleStreamed)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK(BM_RollForward)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK(BM_Journal)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->Iterations(2);
