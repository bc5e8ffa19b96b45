// Draws, guarantees, recovery and forgiveness.
#include "salescomp/engine/draw_calculator.hpp"

#include <algorithm>

namespace salescomp {

namespace {
std::string_view kind_name(DrawKind k) {
  switch (k) {
    case DrawKind::NonRecoverableGuarantee:
      return "non_recoverable_guarantee";
    case DrawKind::RecoverableGuarantee:
      return "recoverable_guarantee";
    case DrawKind::RecoverableDraw:
      return "recoverable_draw";
  }
  return "?";
}
}  // namespace

DrawResult calculate_draw(const DrawComponent& dc, const std::string& id, const Money& earnings,
                          const DrawState& state) {
  const Currency c = dc.amount.currency();
  const Money zero = Money::zero(c);
  earnings.require_same_currency(dc.amount, "compare");
  auto balance = [&](const Money& m) { return m.currency().valid() ? m : zero; };
  Money recoverable = balance(state.recoverable_balance);
  Money guarantee = balance(state.guarantee_balance);
  const Money owed_before = recoverable + guarantee;
  const bool in_term = state.periods_elapsed < dc.term_periods;
  const bool guaranteed = in_term && dc.kind != DrawKind::RecoverableDraw;

  DrawResult r;
  Explanation& ex = r.explanation;
  ex.component_id = id;
  ex.component_type = "draw";
  ex.measure = earnings;
  ex.band = std::string(kind_name(dc.kind)) + ", period " + std::to_string(state.periods_elapsed + 1) +
            " of " + std::to_string(dc.term_periods) + (in_term ? "" : " (term over)");

  // Recovery from carried balances: recoverable first, then guarantee.
  Money available = guaranteed ? earnings - dc.amount : earnings;
  if (available.is_negative()) available = zero;
  const Money from_recoverable = std::min(available, recoverable);
  const Money from_guarantee = std::min(available - from_recoverable, guarantee);
  recoverable -= from_recoverable;
  guarantee -= from_guarantee;
  r.recovered = -(from_recoverable + from_guarantee);
  if (!r.recovered.is_zero())
    ex.applied.push_back("recovered " + from_recoverable.to_string() + " of the recoverable balance and " +
                         from_guarantee.to_string() + " of the guarantee balance from " +
                         available.to_string() +
                         (guaranteed ? " of earnings above the guarantee" : " of earnings"));

  r.paid = zero;
  if (in_term) {
    if (dc.kind == DrawKind::RecoverableDraw) {
      r.paid = dc.amount;
      recoverable += dc.amount;
      ex.formula = "draw " + dc.amount.to_string() + " paid on top of earnings " + earnings.to_string();
    } else {
      const Money top_up = earnings < dc.amount ? dc.amount - earnings : zero;
      r.paid = top_up;
      if (dc.kind == DrawKind::RecoverableGuarantee) guarantee += top_up;
      ex.formula =
          "max(0, " + dc.amount.to_string() + " - " + earnings.to_string() + ") = " + top_up.to_string();
    }
  }
  r.forgiven = zero;
  if (dc.forgive_at_term_end && state.periods_elapsed + 1 == dc.term_periods) {
    r.forgiven = recoverable + guarantee;
    if (!r.forgiven.is_zero())
      ex.applied.push_back("term ends: balance " + r.forgiven.to_string() + " forgiven");
    recoverable = zero;
    guarantee = zero;
  }
  r.next = DrawState{recoverable, guarantee, state.periods_elapsed + 1};
  ex.applied.push_back("balances after: recoverable " + recoverable.to_string() + ", guarantee " +
                       guarantee.to_string());
  // The recovery is its own line: its explanation carries the same chain
  // (kind, term, balances) with the recovery as the amount and formula.
  Explanation& rex = r.recovery_explanation;
  rex = ex;
  rex.component_id = id + ".recovery";
  rex.formula = "-min(" + available.to_string() + " available, " + owed_before.to_string() +
                " owed before this period) = " + r.recovered.to_string();
  rex.amount = r.recovered;
  rex.exact_value = r.recovered.to_string();
  ex.amount = r.paid;
  ex.exact_value = r.paid.to_string();
  if (ex.formula.empty()) ex.formula = "0 (term over)";
  return r;
}

}  // namespace salescomp
