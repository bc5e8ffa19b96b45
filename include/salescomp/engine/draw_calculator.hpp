#pragma once
// Draws and guarantees for one person and period, with balances carried.
//
// With E the period's earnings (all other components) and D the draw:
//   non_recoverable_guarantee  top-up max(0, D - E) while in term; forgiven at once
//   recoverable_guarantee      top-up max(0, D - E) while in term, added to
//                              the guarantee balance
//   recoverable_draw           D paid on top of earnings while in term, added
//                              to the recoverable balance
// Recovery, before this period's draw is added: from the earnings above D
// while a guarantee is in term (from all of E otherwise), the recoverable
// balance first, then the guarantee balance (Xactly's order). At the end of
// the last period of the term, remaining balances are forgiven when the
// plan says so. All amounts are exact in minor units; no rounding happens.
#include <cstdint>

#include "salescomp/core/money.hpp"
#include "salescomp/engine/explanation.hpp"
#include "salescomp/plan/components.hpp"

namespace salescomp {

struct DrawState {
  Money recoverable_balance;  // owed back from recoverable draws
  Money guarantee_balance;    // owed back from recoverable guarantees
  int32_t periods_elapsed = 0;
};

struct DrawResult {
  Money paid;       // draw or top-up paid this period (>= 0)
  Money recovered;  // deducted from earnings this period (<= 0)
  Money forgiven;   // balance written off this period (>= 0, not paid)
  DrawState next;
  Explanation explanation;           // of the draw line (amount = paid)
  Explanation recovery_explanation;  // of the recovery line (amount = recovered)
};

DrawResult calculate_draw(const DrawComponent& component, const std::string& component_id,
                          const Money& earnings, const DrawState& state);

}  // namespace salescomp
