// The commission run on synthetic rosters: AE tiered plans with an
// accelerator and caps, SDR per-unit plans, AM renewal plans and managers
// with an override on roll-up credits. Arguments: people, credits per
// person, threads. Rates: deals (credit rows) per second and people per
// second of wall time (UseRealTime, so two threads show their speed-up).
#include <benchmark/benchmark.h>

#include <random>
#include <salescomp/engine/period_run.hpp>
#include <salescomp/plan/plan_json.hpp>

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
    R"({"id": "mgr", "currency": "USD", "period": "quarter",
      "measures": [{"id": "team", "credit_kinds": ["roll_up"]}],
      "components": [{"id": "override", "type": "manager_override", "measure": "team", "rate": "0.01"}]})",
};

struct Synthetic {
  CreditTable credits;
  RunInput input;
};

// Seeded: people cycle AE, SDR, AM, manager (10% managers); each person has
// `per_person` credits on average in the quarter.
Synthetic make(int32_t people, int32_t per_person) {
  Synthetic s;
  std::mt19937_64 rng(20261127);
  const Currency usd = Currency::of("USD");
  for (const char* p : kPlans) s.input.plans.push_back(plan_from_json(p));
  const Date q1 = Date::parse("2026-01-01");
  s.credits.reserve(std::size_t(people) * std::size_t(per_person));
  int64_t deal = 0;
  for (int32_t p = 0; p < people; ++p) {
    const std::size_t plan = p % 10 == 9 ? 3 : std::size_t(p % 3);
    s.input.assignments.push_back({p, plan, q1, std::nullopt});
    s.input.quotas.push_back(
        {p, plan == 2 ? "renewals" : "bookings", q1, Money::from_minor(50'000'000, usd)});
    const int32_t n = int32_t(rng() % uint64_t(2 * per_person + 1));
    for (int32_t k = 0; k < n; ++k) {
      s.credits.person.push_back(p);
      s.credits.deal.push_back(deal++);
      s.credits.date.push_back(q1.plus_days(int32_t(rng() % 90)));
      s.credits.amount.push_back(int64_t(rng() % 2'000'000));
      s.credits.currency.push_back(usd);
      s.credits.kind.push_back(plan == 3   ? CreditKind::RollUp
                               : plan == 1 ? CreditKind::SdrSourced
                                           : CreditKind::Direct);
      s.credits.deal_type.push_back(plan == 2 ? DealType::Renewal : DealType::NewBusiness);
      s.credits.rule.push_back(0);
      s.credits.depth.push_back(plan == 3 ? 1 : 0);
    }
  }
  s.input.credits = &s.credits;
  s.input.period = RunPeriod{q1, Date::parse("2026-03-31"), q1, q1};
  return s;
}

void BM_Run(benchmark::State& state) {
  const Synthetic s = make(int32_t(state.range(0)), int32_t(state.range(1)));
  RunInput in = s.input;
  in.credits = &s.credits;
  for (auto _ : state) {
    RunResult r = run_period(in, {}, int(state.range(2)));
    benchmark::DoNotOptimize(r.lines.data());
  }
  state.counters["deals/s"] =
      benchmark::Counter(double(s.credits.size()) * double(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["people/s"] =
      benchmark::Counter(double(state.range(0)) * double(state.iterations()), benchmark::Counter::kIsRate);
}

}  // namespace

BENCHMARK(BM_Run)
    ->ArgNames({"people", "credits_per_person", "threads"})
    ->Args({1000, 100, 1})
    ->Args({1000, 100, 2})
    ->Args({10000, 100, 1})
    ->Args({10000, 100, 2})
    ->Args({100000, 10, 1})
    ->Args({100000, 10, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
