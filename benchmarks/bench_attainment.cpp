// Attainment throughput: effective quotas (12 monthly rows per person, 10% of
// people ramping/starting mid-year) and attainment with QTD/YTD and derived
// team quotas, for 100k people over 12 months. Items = person-months.
#include <benchmark/benchmark.h>

#include <memory>

#include <salescomp/credit/crediting.hpp>
#include <salescomp/data/synthetic.hpp>
#include <salescomp/quota/attainment.hpp>
#include <salescomp/quota/effective_quota.hpp>

using namespace salescomp;

namespace {

struct Fixture {
  SyntheticData data;
  CreditTable credits;
  std::vector<RampSchedule> ramps;
  std::vector<int32_t> ramp_of;
};

const Fixture& fixture(int32_t people) {
  static std::unique_ptr<Fixture> f;
  if (!f) {
    SyntheticSpec spec;
    spec.people = people;
    spec.deals = 1'000'000;
    f = std::make_unique<Fixture>(Fixture{make_synthetic(spec), {}, {}, {}});
    CreditingSources src;
    src.splits = &f->data.splits;
    src.fx = &f->data.fx;
    src.calendar = &f->data.calendar;
    CreditingSettings s;
    s.threads = 2;
    f->credits = credit_deals(f->data.deals, f->data.org, f->data.rules, s, src);
    f->ramps = {RampSchedule::percents(
        {Rate::parse("0"), Rate::parse("0.25"), Rate::parse("0.5"), Rate::parse("0.75")})};
    f->ramp_of.assign(std::size_t(people), -1);
    for (int32_t p = 0; p < people; ++p)
      if (f->data.org.roster().start(p).year() == spec.fiscal_year) f->ramp_of[std::size_t(p)] = 0;
  }
  return *f;
}

void BM_EffectiveQuotas(benchmark::State& state) {
  const Fixture& f = fixture(int32_t(state.range(0)));
  QuotaInputs in{f.data.org, f.data.calendar};
  in.ramps = &f.ramps;
  in.ramp_of_person = &f.ramp_of;
  for (auto _ : state) {
    EffectiveQuotaTable q = effective_quotas(f.data.quotas, in);
    benchmark::DoNotOptimize(q.final_amount.data());
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(f.data.quotas.size()));
}

void BM_Attainment(benchmark::State& state) {
  const Fixture& f = fixture(int32_t(state.range(0)));
  QuotaInputs in{f.data.org, f.data.calendar};
  in.ramps = &f.ramps;
  in.ramp_of_person = &f.ramp_of;
  const EffectiveQuotaTable q = effective_quotas(f.data.quotas, in);
  std::size_t rows = 0;
  for (auto _ : state) {
    AttainmentTable a = compute_attainment(f.credits, q, f.data.org, f.data.calendar);
    rows = a.size();
    benchmark::DoNotOptimize(a.credited.data());
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(f.data.quotas.size()));
  state.counters["rows"] = double(rows);
  state.counters["credits"] = double(f.credits.size());
}

}  // namespace

BENCHMARK(BM_EffectiveQuotas)->Arg(100'000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Attainment)->Arg(100'000)->Unit(benchmark::kMillisecond)->UseRealTime();
