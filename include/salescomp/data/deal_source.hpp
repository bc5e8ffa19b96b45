#pragma once
// Text names of DealSource (declared with the deal table contract).
#include <string>
#include <string_view>

#include "salescomp/core/error.hpp"
#include "salescomp/data/deal_table.hpp"

namespace salescomp {

constexpr std::string_view to_string(DealSource s) noexcept {
  switch (s) {
    case DealSource::None:
      return "none";
    case DealSource::Marketing:
      return "marketing";
    case DealSource::Sdr:
      return "sdr";
    case DealSource::Partner:
      return "partner";
    case DealSource::Sales:
      return "sales";
  }
  return "?";
}

// "" is None.
inline DealSource deal_source_from_string(std::string_view s) {
  if (s.empty()) return DealSource::None;
  for (DealSource d :
       {DealSource::None, DealSource::Marketing, DealSource::Sdr, DealSource::Partner, DealSource::Sales})
    if (to_string(d) == s) return d;
  throw ValidationError("SC-DEAL-SOURCE", Issue{std::nullopt, "source", std::string(s),
                                                "expected marketing, sdr, partner, sales or none"});
}

}  // namespace salescomp
