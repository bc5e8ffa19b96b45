// Deterministic run of the fuzz target (fuzz_inputs.cpp): a fixed seed and
// budget (SALESCOMP_FUZZ_INPUTS, default 100,000 inputs; SALESCOMP_FUZZ_SEED
// to replay another run) of inputs made by mutating a plan document, a
// config document and text cells. Runs in every ctest preset, so CI runs it
// under ASan + UBSan.
#include <gtest/gtest.h>

#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "fuzz_inputs.hpp"

namespace {

const char* const kPlanSeed = R"({
  "id": "ae", "currency": "USD", "period": "quarter",
  "rounding": {"mode": "HalfUp", "scope": "per_line"},
  "measures": [{"id": "bookings", "credit_kinds": ["direct"]}],
  "components": [
    {"id": "c", "type": "tiered", "measure": "bookings", "basis": "attainment", "mode": "marginal",
     "tiers": [{"from": "0", "to": "1.0", "rate": "0.08"}, {"from": "1.0", "rate": "0.12"}]},
    {"id": "f", "type": "flat_rate", "measure": "bookings", "rate": 0.05,
     "caps": {"per_period": "100000.00"}}
  ]
})";
const char* const kConfigSeed = R"({"fiscal_year": 2026, "fiscal_start_month": 1, "as_of": "2026-11-13",
  "stage_probability": {"commit": "0.8"}, "mbo": [{"person": "revops", "component": "mbo",
  "objective": "x", "quarter": 1, "achievement": "0.9"}], "reporting_currency": "USD"})";
const std::vector<std::string> kCellSeeds = {"1001",        "-5", "2026-01-11", "12.34",      "ae_east_1",
                                             "Jos\xc3\xa9", "0",  "-0.50",      "9999-12-31", "P1"};
const std::vector<std::string> kTokens = {"{",
                                          "}",
                                          "[",
                                          "]",
                                          "\"",
                                          ",",
                                          ":",
                                          "\\",
                                          "\\u0000",
                                          "\\ud800",
                                          "1e3",
                                          "-",
                                          "0",
                                          "01",
                                          ".",
                                          "null",
                                          "true",
                                          "\xff",
                                          "\xc3",
                                          "\xc3\xa9",
                                          "\xef\xbb\xbf",
                                          "\xed\xa0\x80",
                                          "\xef\xbc\x91",
                                          "_",
                                          " ",
                                          "\n",
                                          "\t",
                                          "\0",
                                          "\"rate\": \"0.10\"",
                                          "\"id\": \"x\"",
                                          "W02",
                                          "2026",
                                          "99999999999999999999",
                                          "+",
                                          "NaN",
                                          "[[[[[[[["};

std::string mutate(std::string s, std::mt19937_64& rng) {
  const int edits = 1 + int(rng() % 4);
  for (int e = 0; e < edits; ++e) {
    const std::size_t pos = s.empty() ? 0 : rng() % (s.size() + 1);
    switch (rng() % 6) {
      case 0:
        s.insert(pos, kTokens[rng() % kTokens.size()]);
        break;
      case 1:
        if (pos < s.size()) s.erase(pos, 1 + rng() % 8);
        break;
      case 2:
        if (pos < s.size()) s[pos] = char(rng() % 256);
        break;
      case 3:
        if (pos < s.size()) s.insert(pos, s.substr(pos, 1 + rng() % 32));
        break;
      case 4:
        s.resize(pos);
        break;
      default:
        if (pos < s.size()) s[pos] = char(s[pos] ^ (1 << (rng() % 8)));
        break;
    }
  }
  return s;
}

long env_number(const char* name, long fallback) {
  const char* v = std::getenv(name);
  return v ? std::strtol(v, nullptr, 10) : fallback;
}

}  // namespace

TEST(Fuzz, PlanConfigAndCellParsersReadOrRefuseEveryInput) {
  const long budget = env_number("SALESCOMP_FUZZ_INPUTS", 100'000);
  std::mt19937_64 rng(static_cast<uint64_t>(env_number("SALESCOMP_FUZZ_SEED", 12)));
  long runs = 0;
  for (; runs < budget; ++runs) {
    const int which = int(runs % 3);
    std::string input = which == 0   ? kPlanSeed
                        : which == 1 ? kConfigSeed
                                     : kCellSeeds[rng() % kCellSeeds.size()];
    if (rng() % 16 != 0) input = mutate(std::move(input), rng);  // a few unmutated seeds too
    input.insert(input.begin(), char(which));
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
  }
  EXPECT_EQ(runs, budget);
  EXPECT_GE(budget, 1) << "SALESCOMP_FUZZ_INPUTS must be positive";
}
