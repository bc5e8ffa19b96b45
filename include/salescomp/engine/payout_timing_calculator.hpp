#pragma once
// How much of a deal's earned commission is payable by a period end, under
// the plan's payout timing, net of what was already paid on it:
//   payable(to date) = earned x released share x basis share, rounded once
//   basis share      booking 1 once closed; invoice 1 once invoiced;
//                    collection collected / deal amount (capped at 1)
//   released share   1, or (1 - holdback share) until close + release days
//                    has passed (release date <= period end)
//   this period      payable(to date) - paid_before
#include <optional>
#include <string>

#include "salescomp/core/date.hpp"
#include "salescomp/core/money.hpp"
#include "salescomp/core/rounding.hpp"
#include "salescomp/engine/explanation.hpp"
#include "salescomp/plan/payout_timing.hpp"

namespace salescomp {

struct DealPaymentEvents {
  Date close;
  std::optional<Date> invoice;
  Money deal_amount;        // for the collected share (deal currency)
  Money collected_to_date;  // cash collected by the period end (deal currency)
};

ComponentResult calculate_payable(const PayoutTiming& timing, const std::string& component_id,
                                  const Money& earned, const DealPaymentEvents& deal, Date period_end,
                                  const Money& paid_before, RoundingMode mode, bool explain = true);

}  // namespace salescomp
