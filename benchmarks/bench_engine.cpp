// The commission run on synthetic rosters shaped like issue 4's: AEs on a
// tiered plan with an accelerator, caps and a SPIF; SDRs on per-unit
// meetings; AMs on renewals behind a gate; and three levels of managers
// (first-line, directors, VPs) with overrides on roll-up credits of depth
// 1, 2 and 3. Arguments: people, credits per person (average), threads,
// explanations (1: text for every line, 0: amounts only, explain on demand).
//
// Rates are per second of wall time (UseRealTime, so two threads show their
// speed-up). Counters: input_MB is the size of the credit columns the run
// reads; peak_RSS_MB is the process's peak resident set so far (run one
// configuration per process, benchmarks/run_engine_bench.sh, to read it as
// that configuration's peak).
//
// BM_EngineOverFloor times, in the same process and on the same credits, the
// engine and a naive floor: what a hand-written program that only pays tiers
// would cost (group by person, sum, three marginal tiers, one rounding per
// line, int64/int128, no plan machinery). Its `engine_over_floor` counter is
// the price of everything the engine does beyond that.
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <salescomp/engine/period_run.hpp>
#include <salescomp/plan/plan_json.hpp>
#include <thread>

using namespace salescomp;

namespace {

const char* kPlans[] = {
    R"({"id": "ae", "currency": "USD", "period": "quarter",
      "measures": [{"id": "bookings", "deal_types": ["new_business", "upsell"], "credit_kinds": ["direct", "revenue_split"]}],
      "components": [{"id": "commission", "type": "tiered", "measure": "bookings", "mode": "marginal",
        "tiers": [{"from": "0", "to": "0.5", "rate": "0.04"}, {"from": "0.5", "to": "1", "rate": "0.08"}, {"from": "1", "rate": "0.10"}],
        "adjustments": [{"direction": "above", "level": "1.2", "multiplier": "1.5"}],
        "caps": {"per_period": "150000", "attainment": "3"}},
        {"id": "spif", "type": "spif", "deal_types": ["new_business"], "from": "2026-03-01", "to": "2026-03-31", "amount_per_deal": "100"}]})",
    R"({"id": "sdr", "currency": "USD", "period": "quarter",
      "measures": [{"id": "meetings", "aggregation": "count"}],
      "components": [{"id": "meetings", "type": "per_unit", "measure": "meetings", "amount_per_unit": "25", "caps": {"per_period": "10000"}}]})",
    R"({"id": "am", "currency": "USD", "period": "quarter",
      "measures": [{"id": "renewals", "deal_types": ["renewal", "upsell"]}],
      "components": [{"id": "renewal", "type": "flat_rate", "measure": "renewals", "rate": "0.03",
        "gate": {"basis": "attainment", "level": "0.5"}}]})",
    R"({"id": "manager", "currency": "USD", "period": "quarter",
      "measures": [{"id": "team", "credit_kinds": ["roll_up"]}],
      "components": [{"id": "override", "type": "manager_override", "measure": "team", "rate": "0.01"}]})",
    R"({"id": "director", "currency": "USD", "period": "quarter",
      "measures": [{"id": "team", "credit_kinds": ["roll_up"]}],
      "components": [{"id": "override", "type": "manager_override", "measure": "team", "basis": "above_threshold",
        "rate": "0.005", "threshold": "500000"}]})",
    R"({"id": "vp", "currency": "USD", "period": "quarter",
      "measures": [{"id": "team", "credit_kinds": ["roll_up"]}],
      "components": [{"id": "override", "type": "manager_override", "measure": "team", "basis": "team_attainment",
        "target": "40000", "curve": {"points": [{"attainment": "0", "factor": "0"}, {"attainment": "1", "factor": "1"},
        {"attainment": "1.5", "factor": "2"}], "beyond": "flat"}}]})",
};

struct Synthetic {
  CreditTable credits;
  RunInput input;
  std::size_t input_bytes = 0;
};

// Seeded. Per 100 people: 40 AEs, 25 SDRs, 25 AMs, 7 managers (depth 1),
// 2 directors (depth 2), 1 VP (depth 3); each person has `per_person`
// credits on average (uniform in [0, 2 x average]) dated in Q1.
Synthetic make(int32_t people, int32_t per_person) {
  Synthetic s;
  std::mt19937_64 rng(20261127);
  const Currency usd = Currency::of("USD");
  for (const char* p : kPlans) s.input.plans.push_back(plan_from_json(p));
  const Date q1 = Date::parse("2026-01-01");
  s.credits.reserve(std::size_t(people) * std::size_t(per_person));
  int64_t deal = 0;
  for (int32_t p = 0; p < people; ++p) {
    const int32_t r = p % 100;
    const std::size_t plan = r < 40 ? 0 : r < 65 ? 1 : r < 90 ? 2 : r < 97 ? 3 : r < 99 ? 4 : 5;
    const int16_t depth = plan >= 3 ? int16_t(plan - 2) : 0;
    s.input.assignments.push_back({p, plan, q1, std::nullopt});
    const char* measure = plan == 0 ? "bookings" : plan == 1 ? "meetings" : plan == 2 ? "renewals" : "team";
    s.input.quotas.push_back({p, measure, q1, Money::from_minor(50'000'000 * (depth + 1), usd)});
    const int32_t n = int32_t(rng() % uint64_t(2 * per_person + 1));
    // Sorted by date within the person, as crediting hands credits over
    // (credit_table.hpp); the run also accepts any order and sorts.
    std::vector<Date> dates;
    for (int32_t k = 0; k < n; ++k) dates.push_back(q1.plus_days(int32_t(rng() % 90)));
    std::sort(dates.begin(), dates.end());
    for (int32_t k = 0; k < n; ++k) {
      s.credits.person.push_back(p);
      s.credits.deal.push_back(deal++);
      s.credits.date.push_back(dates[std::size_t(k)]);
      s.credits.amount.push_back(int64_t(rng() % 2'000'000));
      s.credits.currency.push_back(usd);
      s.credits.kind.push_back(depth > 0   ? CreditKind::RollUp
                               : plan == 1 ? CreditKind::SdrSourced
                                           : CreditKind::Direct);
      s.credits.deal_type.push_back(plan == 2 ? DealType::Renewal : DealType::NewBusiness);
      s.credits.rule.push_back(0);
      s.credits.depth.push_back(depth);
    }
  }
  s.input.credits = &s.credits;
  s.input.period = RunPeriod{q1, Date::parse("2026-03-31"), q1, q1};
  const std::size_t n = s.credits.size();
  s.input_bytes = n * (sizeof(int32_t) + sizeof(int64_t) + sizeof(Date) + sizeof(int64_t) + sizeof(Currency) +
                       sizeof(CreditKind) + sizeof(DealType) + sizeof(int32_t) + sizeof(int16_t));
  return s;
}

double peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return double(u.ru_maxrss) / 1024.0;  // Linux: KiB
}

void BM_Run(benchmark::State& state) {
  const Synthetic s = make(int32_t(state.range(0)), int32_t(state.range(1)));
  const RunOptions options{int(state.range(2)), state.range(3) != 0};
  std::size_t lines = 0;
  for (auto _ : state) {
    RunResult r = run_period(s.input, {}, options);
    lines = r.lines.size();
    benchmark::DoNotOptimize(r.lines.data());
  }
  state.counters["deals/s"] =
      benchmark::Counter(double(s.credits.size()) * double(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["people/s"] =
      benchmark::Counter(double(state.range(0)) * double(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["credits"] = double(s.credits.size());
  state.counters["lines"] = double(lines);
  state.counters["input_MB"] = double(s.input_bytes) / 1e6;
  state.counters["peak_RSS_MB"] = peak_rss_mb();
}

// ---- the naive floor ------------------------------------------------------

// Three marginal tiers on attainment (0-50% at 4%, 50-100% at 8%, above at
// 10%), rates in basis points; the payout of a person is one line, rounded
// once, half away from zero, to the cent.
int64_t floor_payout(int64_t credited, int64_t quota) {
  const int64_t edges[] = {0, quota / 2, quota};
  const int64_t bps[] = {400, 800, 1000};
  __int128 scaled = 0;  // minor units x 10^4
  for (int t = 0; t < 3; ++t) {
    const int64_t from = edges[t];
    const int64_t to = t + 1 < 3 ? edges[t + 1] : INT64_MAX;
    const int64_t band = std::clamp(credited, from, to) - from;
    scaled += __int128(band) * bps[t];
  }
  const __int128 half = scaled >= 0 ? 5000 : -5000;
  return int64_t((scaled + half) / 10000);
}

// Group by person with a counting sort into an index (what any fast program
// does), sum each person's credits, pay the tiers; people split in blocks
// over `threads` threads.
int64_t naive_floor(const Synthetic& s, int32_t people, int threads) {
  const CreditTable& c = s.credits;
  std::vector<int64_t> start(std::size_t(people) + 1, 0);
  for (int32_t p : c.person) ++start[std::size_t(p) + 1];
  for (std::size_t i = 1; i < start.size(); ++i) start[i] += start[i - 1];
  std::vector<uint32_t> order(c.size());
  {
    std::vector<int64_t> next(start.begin(), start.end() - 1);
    for (std::size_t i = 0; i < c.size(); ++i)
      order[std::size_t(next[std::size_t(c.person[i])]++)] = uint32_t(i);
  }
  std::vector<int64_t> paid(std::size_t(people), 0);
  auto work = [&](int32_t from, int32_t to) {
    for (int32_t p = from; p < to; ++p) {
      int64_t credited = 0;
      for (int64_t k = start[std::size_t(p)]; k < start[std::size_t(p) + 1]; ++k)
        credited += c.amount[order[std::size_t(k)]];
      paid[std::size_t(p)] = floor_payout(credited, s.input.quotas[std::size_t(p)].amount.minor_units());
    }
  };
  std::vector<std::thread> pool;
  const int32_t block = (people + threads - 1) / threads;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back(work, std::min(people, t * block), std::min(people, (t + 1) * block));
  for (auto& th : pool) th.join();
  int64_t total = 0;
  for (int64_t v : paid) total += v;
  return total;
}

template <class F>
double seconds_of(F&& f) {
  const auto t0 = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Engine and floor alternate in each iteration, so both see the same machine.
void BM_EngineOverFloor(benchmark::State& state) {
  const int32_t people = int32_t(state.range(0));
  const Synthetic s = make(people, int32_t(state.range(1)));
  const int threads = int(state.range(2));
  const RunOptions options{threads, false};
  double engine = 0, floor = 0;
  for (auto _ : state) {
    floor += seconds_of([&] { benchmark::DoNotOptimize(naive_floor(s, people, threads)); });
    engine += seconds_of([&] {
      RunResult r = run_period(s.input, {}, options);
      benchmark::DoNotOptimize(r.lines.data());
    });
  }
  const double n = double(state.iterations());
  state.counters["engine_s"] = engine / n;
  state.counters["floor_s"] = floor / n;
  state.counters["engine_over_floor"] = engine / floor;
  state.counters["credits"] = double(s.credits.size());
}

}  // namespace

BENCHMARK(BM_EngineOverFloor)
    ->ArgNames({"people", "credits_per_person", "threads"})
    ->Args({100000, 100, 2})
    ->Args({100000, 100, 1})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

BENCHMARK(BM_Run)
    ->ArgNames({"people", "credits_per_person", "threads", "explain"})
    ->ArgsProduct({{1000, 100000}, {100}, {1, 2}, {0, 1}})
    ->Args({1000000, 100, 1, 0})
    ->Args({1000000, 100, 2, 0})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
