#pragma once
// Clawback of a cancelled deal: -k x (amount actually paid on it), posted in
// the period of the cancellation (the caller posts it there; closed periods
// are never rewritten). days = cancellation - close; in the window when
// days <= window_days (Inclusive) or days < window_days (Exclusive).
//   full                    k = 1
//   pro_rata_unserved_term  k = unserved days / term days, the term running
//                           from close for term_months calendar months
//   stepped                 k = share of the first step with days within it
//                           (same inclusivity); past every step k = 0
// Rounded once by `mode` (the result is the negated rounding of k x paid, so
// a clawback never exceeds what was paid).
#include <cstdint>
#include <optional>
#include <string>

#include "salescomp/core/date.hpp"
#include "salescomp/core/money.hpp"
#include "salescomp/core/rounding.hpp"
#include "salescomp/engine/explanation.hpp"
#include "salescomp/plan/components.hpp"

namespace salescomp {

// Absent when the cancellation falls outside the window.
std::optional<ComponentResult> calculate_clawback(const ClawbackComponent& component,
                                                  const std::string& component_id, Date close,
                                                  Date cancellation, int32_t term_months,
                                                  const Money& paid_on_deal, RoundingMode mode);

// `date` plus `months` calendar months, the day clamped to the month's end
// (Jan 31 + 1 month = Feb 28/29).
Date add_months(Date date, int32_t months);

}  // namespace salescomp
