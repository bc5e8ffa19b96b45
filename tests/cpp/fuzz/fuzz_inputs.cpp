// The fuzz target of salescomp's input parsers (issue 12): plan JSON, config
// JSON and the text-cell parsers. A libFuzzer entry point; the first input
// byte picks the parser, the rest is its input. Every input must either be
// read or refused with a salescomp::Error; anything else (a crash, a
// sanitizer report, another exception, a value that does not read back) is
// a bug. Build for libFuzzer with clang:
//   clang++ -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude \
//     tests/cpp/fuzz/fuzz_inputs.cpp build/dev/libsalescomp.a
// test_fuzz_driver.cpp runs it deterministically (fixed seed, >= 100,000
// generated inputs) as the ctest "fuzz", also under ASan + UBSan.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fuzz_inputs.hpp"
#include "salescomp/core/cell_grammar.hpp"
#include "salescomp/core/decimal_text.hpp"
#include "salescomp/core/error.hpp"
#include "salescomp/detail/json_parser.hpp"
#include "salescomp/plan/plan_json.hpp"

namespace {

[[noreturn]] void fuzz_bug(const char* what) {
  std::fprintf(stderr, "fuzz: %s\n", what);
  std::abort();
}

void fuzz_json(std::string_view text) {
  try {
    salescomp::detail::parse_json(text);
  } catch (const salescomp::Error&) {
  }
}

void fuzz_plan(std::string_view text) {
  try {
    const salescomp::Plan plan = salescomp::plan_from_json(text);
    // a plan that was read must write canonical JSON that reads back to the same plan
    const std::string canonical = salescomp::plan_to_json(plan);
    if (salescomp::plan_to_json(salescomp::plan_from_json(canonical)) != canonical)
      fuzz_bug("plan_to_json(plan_from_json(x)) is not a fixed point");
  } catch (const salescomp::Error&) {
  }
}

void fuzz_cells(std::string_view text) {
  try {
    salescomp::check_id_text(text, "id");
  } catch (const salescomp::Error&) {
  }
  try {
    const int64_t v = salescomp::parse_integer_text(text, -1'000'000'000'000LL, 1'000'000'000'000LL, "n");
    if (salescomp::parse_integer_text(std::to_string(v), -1'000'000'000'000LL, 1'000'000'000'000LL, "n") != v)
      fuzz_bug("integer does not read back");
  } catch (const salescomp::Error&) {
  }
  try {
    const salescomp::Date d = salescomp::parse_date_text(text, "date");
    if (!(salescomp::parse_date_text(d.to_string(), "date") == d)) fuzz_bug("date does not read back");
  } catch (const salescomp::Error&) {
  }
  for (int scale : {0, 2, 12}) {
    try {
      const int64_t v = salescomp::parse_scaled(text, scale, std::nullopt, "amount");
      if (salescomp::parse_scaled(salescomp::format_scaled(v, scale), scale) != v)
        fuzz_bug("decimal does not read back");
    } catch (const salescomp::Error&) {
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 3) {
    case 0:
      fuzz_plan(text);
      break;
    case 1:
      fuzz_json(text);  // config.json and any other document
      break;
    default:
      fuzz_cells(text);
      break;
  }
  return 0;
}
