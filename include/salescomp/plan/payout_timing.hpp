#pragma once
// When earned commission becomes payable: at booking (close), at invoice, or
// in proportion to cash collected; and an optional holdback: a share kept
// back and released `release_after_days` after the close (e.g. once the
// clawback window has passed).
#include <cstdint>
#include <optional>

#include "salescomp/core/rate.hpp"

namespace salescomp {

enum class PayoutBasis : uint8_t { Booking, Invoice, Collection };

struct Holdback {
  Rate share;
  int32_t release_after_days = 0;
};

struct PayoutTiming {
  PayoutBasis basis = PayoutBasis::Booking;
  std::optional<Holdback> holdback;
};

}  // namespace salescomp
