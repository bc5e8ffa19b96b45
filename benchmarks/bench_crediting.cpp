// Crediting throughput: synthetic deals over a synthetic roster with 20%
// revenue splits, 10% overlays, 30% SDR-sourced deals, 10% EUR deals (FX to
// USD) and 3-level roll-ups. Items = deals credited.
#include <benchmark/benchmark.h>

#include <ctime>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <salescomp/arrow/export_table.hpp>
#include <salescomp/arrow/imported_table.hpp>
#include <salescomp/credit/crediting.hpp>
#include <salescomp/credit/deal_arrow.hpp>
#include <salescomp/data/deal_source.hpp>
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

// A 64-bit digest of a column's bytes, to check that a change to the kernel
// leaves every output byte as it was (SALESCOMP_BENCH_CHECKSUM=1).
template <class T>
uint64_t column_digest(const std::vector<T>& v, uint64_t h) {
  const auto* p = reinterpret_cast<const unsigned char*>(v.data());
  const std::size_t bytes = v.size() * sizeof(T);
  std::size_t i = 0;
  for (; i + 8 <= bytes; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    h = (h ^ w) * 0x9E3779B97F4A7C15ull;
    h ^= h >> 29;
  }
  for (; i < bytes; ++i) h = (h ^ p[i]) * 0x100000001B3ull;
  return (h ^ bytes) * 0x9E3779B97F4A7C15ull;
}

uint64_t table_digest(const CreditTable& c) {
  uint64_t h = 0;
  h = column_digest(c.person, h);
  h = column_digest(c.deal, h);
  h = column_digest(c.date, h);
  h = column_digest(c.amount, h);
  h = column_digest(c.currency, h);
  h = column_digest(c.kind, h);
  h = column_digest(c.deal_type, h);
  h = column_digest(c.rule, h);
  h = column_digest(c.depth, h);
  h = column_digest(c.period, h);
  h = column_digest(c.measure, h);
  h = column_digest(c.via, h);
  h = column_digest(c.source_amount, h);
  return column_digest(c.source_currency, h);
}

// CPU seconds of every thread of the process so far: on a shared machine the
// wall time of a run varies with the other jobs far more than its CPU time.
double process_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return double(t.tv_sec) + double(t.tv_nsec) * 1e-9;
}

bool checksum_wanted() {
  const char* v = std::getenv("SALESCOMP_BENCH_CHECKSUM");
  return v && std::string(v) == "1";
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
  uint64_t digest = 0;
  double cpu = 0;
  for (auto _ : state) {
    const double cpu_before = process_cpu_seconds();
    CreditTable c = credit_deals(d.deals, d.org, d.rules, settings, src);
    cpu += process_cpu_seconds() - cpu_before;
    rows = c.size();
    benchmark::DoNotOptimize(c.amount.data());
    if (checksum_wanted()) {
      state.PauseTiming();
      digest = table_digest(c);
      state.ResumeTiming();
    }
  }
  if (checksum_wanted())
    std::fprintf(stderr, "crediting %lld deals, %d threads: %zu credit rows, digest %016llx\n",
                 static_cast<long long>(state.range(0)), int(state.range(2)), rows,
                 static_cast<unsigned long long>(digest));
  state.SetItemsProcessed(int64_t(state.iterations()) * state.range(0));
  state.counters["credit_rows"] = double(rows);
  // All threads' CPU seconds of credit_deals, an iteration.
  state.counters["process_cpu_s"] = cpu / double(state.iterations());
}

// The synthetic deals as the Arrow table a user hands over (what pyarrow reads
// from a CSV export): text ids, text owner, currency and type, date32 close
// dates, decimal128(38, 2) amounts; `dictionary` encodes the repeated texts
// (owner, currency, type, source, source_person) as a Parquet file gives them.
arrow::ImportedTable deals_arrow(const SyntheticData& d, bool dictionary) {
  const DealTable& t = d.deals;
  const std::size_t n = t.size();
  std::vector<std::string> ids(n), owner(n), currency(n), type(n), source(n), source_person(n);
  std::vector<int32_t> days(n);
  for (std::size_t i = 0; i < n; ++i) {
    ids[i] = std::to_string(t.id[i]);
    owner[i] = d.org.roster().id(t.owner[i]);
    currency[i] = std::string(t.currency[i].code());
    type[i] = std::string(to_string(t.type[i]));
    source[i] = std::string(to_string(t.source[i]));
    source_person[i] = t.source_person[i] >= 0 ? d.org.roster().id(t.source_person[i]) : "";
    days[i] = t.close_date[i].days();
  }
  auto text = [&](const char* name, const std::vector<std::string>& v) {
    if (!dictionary) return arrow::ExportColumn::texts(name, v);
    std::vector<std::string> names;
    std::vector<int32_t> codes(v.size());
    std::unordered_map<std::string, int32_t> seen;
    for (std::size_t i = 0; i < v.size(); ++i) {
      auto [it, added] = seen.emplace(v[i], int32_t(names.size()));
      if (added) names.push_back(v[i]);
      codes[i] = it->second;
    }
    return arrow::ExportColumn::dictionary(name, std::move(codes), names);
  };
  arrow::ExportTable e;
  e.add(arrow::ExportColumn::texts("deal_id", ids));
  e.add(text("owner", owner));
  e.add(arrow::ExportColumn::dates("close_date", days));
  e.add(arrow::ExportColumn::decimals("amount", t.amount, 2));
  e.add(text("currency", currency));
  e.add(text("type", type));
  e.add(text("source", source));
  e.add(text("source_person", source_person));
  ArrowArrayStream stream;
  e.export_stream(&stream);
  return arrow::ImportedTable::from_stream(&stream, "deals");
}

// Validation and loading of deals from Arrow in C++ (read_deals_strict):
// every cell checked, ids ranked in byte order, rows put in id order.
// Items = deals read. Arg 1: dictionary-encoded text columns; arg 2: threads.
void BM_ReadDeals(benchmark::State& state) {
  const SyntheticData& d = data(state.range(0), 100'000);
  const arrow::ImportedTable table = deals_arrow(d, state.range(1) != 0);
  for (auto _ : state) {
    Dictionary products, customers;
    auto r = read_deals_strict(table, d.org, products, customers, int(state.range(2)));
    if (!r) state.SkipWithError("the strict reader refused the synthetic deals");
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * state.range(0));
}

}  // namespace

BENCHMARK(BM_ReadDeals)
    ->Args({1'000'000, 0, 1})
    ->Args({1'000'000, 1, 1})
    ->Args({1'000'000, 0, 2})
    ->Args({1'000'000, 1, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

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
