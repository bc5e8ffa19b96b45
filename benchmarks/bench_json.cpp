// The strict JSON reader (issue 12): an object of N keys is read in linear
// time (the old reader checked duplicate keys quadratically: 80,000 keys took
// 13.9 s). Items = keys.
#include <benchmark/benchmark.h>

#include <salescomp/detail/json_parser.hpp>
#include <string>

namespace {

std::string object_of(int64_t keys) {
  std::string doc = "{";
  for (int64_t i = 0; i < keys; ++i)
    doc += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":\"" + std::to_string(i) + "\"";
  return doc + "}";
}

void BM_JsonObjectKeys(benchmark::State& state) {
  const std::string doc = object_of(state.range(0));
  for (auto _ : state) {
    auto v = salescomp::detail::parse_json(doc);
    benchmark::DoNotOptimize(v);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(state.iterations() * int64_t(doc.size()));
}
BENCHMARK(BM_JsonObjectKeys)->Arg(1'000)->Arg(80'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

}  // namespace
