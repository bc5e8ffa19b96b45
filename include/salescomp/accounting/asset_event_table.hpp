#pragma once
// Events that change a commission asset after it is recognised, in columns.
// Each names its asset by the cost line's line_id.
#include <cstdint>
#include <string_view>
#include <vector>

#include "salescomp/core/date.hpp"

namespace salescomp {

// The order is also the processing order of events on the same date.
enum class AssetEventKind : uint8_t {
  Clawback,          // amount (minor units, > 0) recovered from the payee: reduces the asset
  Extension,         // months (> 0) added to the amortisation period, prospectively
  ChangeInEstimate,  // months (> 0) = the new total amortisation period, prospectively
  Termination,       // early termination / churn: the remaining balance is written off
};

struct AssetEventTable {
  std::vector<int64_t> line_id;
  std::vector<AssetEventKind> kind;
  std::vector<Date> date;
  std::vector<int64_t> amount;  // Clawback: minor units of the asset's currency; else 0
  std::vector<int32_t> months;  // Extension / ChangeInEstimate; else 0

  std::size_t size() const noexcept { return line_id.size(); }
};

constexpr std::string_view to_string(AssetEventKind k) noexcept {
  switch (k) {
    case AssetEventKind::Clawback:
      return "clawback";
    case AssetEventKind::Extension:
      return "extension";
    case AssetEventKind::ChangeInEstimate:
      return "change_in_estimate";
    case AssetEventKind::Termination:
      return "termination";
  }
  return "?";
}

}  // namespace salescomp
