// Payout timing (booking / invoice / collection) and holdbacks.
#include "salescomp/engine/payout_timing_calculator.hpp"

#include "exact_value.hpp"

namespace salescomp {

using namespace engine_detail;

ComponentResult calculate_payable(const PayoutTiming& timing, const std::string& id, const Money& earned,
                                  const DealPaymentEvents& deal, Date period_end, const Money& paid_before,
                                  RoundingMode mode, bool explain) {
  earned.require_same_currency(paid_before, "net");
  Explanation ex;
  ex.component_id = id;
  ex.component_type = "payout_timing";
  ex.measure = earned;
  Exact basis_share = 0;
  switch (timing.basis) {
    case PayoutBasis::Booking:
      basis_share = deal.close <= period_end ? 1 : 0;
      ex.band = "on booking " + deal.close.to_string();
      break;
    case PayoutBasis::Invoice:
      basis_share = deal.invoice && *deal.invoice <= period_end ? 1 : 0;
      ex.band = deal.invoice ? "on invoice " + deal.invoice->to_string() : "on invoice (not invoiced)";
      break;
    case PayoutBasis::Collection: {
      deal.deal_amount.require_same_currency(deal.collected_to_date, "divide");
      if (deal.deal_amount.minor_units() <= 0)
        throw ValidationError("SC-ENGINE-TIMING", Issue{std::nullopt, id, deal.deal_amount.to_string(),
                                                        "pay on collection needs a positive deal amount"});
      basis_share = exact_minor(deal.collected_to_date) / exact_minor(deal.deal_amount);
      if (basis_share > 1) basis_share = 1;
      if (basis_share < 0) basis_share = 0;
      ex.band =
          "on collection: " + deal.collected_to_date.to_string() + " of " + deal.deal_amount.to_string();
      break;
    }
  }
  Exact released = 1;
  if (timing.holdback) {
    const Date release = deal.close.plus_days(timing.holdback->release_after_days);
    if (release > period_end) {
      released = 1 - exact_rate(timing.holdback->share);
      if (explain)
        ex.applied.push_back("holdback " + timing.holdback->share.to_short_string() + " until " +
                             release.to_string());
    } else if (explain) {
      ex.applied.push_back("holdback released on " + release.to_string());
    }
  }
  if (explain) {
    ex.rate = display_rate(basis_share * released);
    ex.formula = earned.to_string() + " x " + rate_text(basis_share) + " x " + rate_text(released);
  }
  const Money to_date =
      round_into(exact_minor(earned) * basis_share * released, earned.currency(), mode, ex, explain);
  const Money now = to_date - paid_before;
  if (!paid_before.is_zero()) {
    ex.prior_paid = paid_before;
    if (explain) ex.formula += " - " + paid_before.to_string() + " paid before";
  }
  ex.amount = now;
  return ComponentResult{
      now, std::move(ex),
      exact_amount(exact_minor(earned) * basis_share * released - exact_minor(paid_before))};
}

}  // namespace salescomp
