// Clawbacks of cancelled deals.
#include "salescomp/engine/clawback_calculator.hpp"

#include <chrono>

#include "exact_value.hpp"

namespace salescomp {

using namespace engine_detail;

Date add_months(Date date, int32_t months) {
  const auto ymd = date.ymd();
  const auto target = std::chrono::year_month(ymd.year(), ymd.month()) + std::chrono::months(months);
  const auto last =
      std::chrono::year_month_day_last(target.year(), std::chrono::month_day_last(target.month()));
  const unsigned day = std::min(unsigned(ymd.day()), unsigned(last.day()));
  return Date::from_ymd(int(target.year()), unsigned(target.month()), day);
}

std::optional<ComponentResult> calculate_clawback(const ClawbackComponent& cc, const std::string& id,
                                                  Date close, Date cancellation, int32_t term_months,
                                                  const Money& paid, RoundingMode mode) {
  if (cancellation < close)
    throw ValidationError("SC-ENGINE-CLAWBACK",
                          Issue{std::nullopt, id, cancellation.to_string(),
                                "cancelled before the close date " + close.to_string()});
  const int32_t days = cancellation - close;
  auto within = [&](int32_t limit) {
    return cc.window_end == WindowEnd::Inclusive ? days <= limit : days < limit;
  };
  if (!within(cc.window_days)) return std::nullopt;

  Explanation ex;
  ex.component_id = id;
  ex.component_type = "clawback";
  ex.measure = paid;
  const std::string window = std::to_string(days) + " days from close " + close.to_string() +
                             " to cancellation " + cancellation.to_string() + ", window " +
                             std::to_string(cc.window_days) + " days " +
                             (cc.window_end == WindowEnd::Inclusive ? "inclusive" : "exclusive");
  Exact k = 1;
  switch (cc.method) {
    case ClawbackMethod::Full:
      ex.band = window + ", full";
      break;
    case ClawbackMethod::ProRataUnservedTerm: {
      if (term_months <= 0)
        throw ValidationError("SC-ENGINE-CLAWBACK",
                              Issue{std::nullopt, id, std::to_string(term_months),
                                    "pro-rata clawback needs the deal's term in months"});
      const Date end = add_months(close, term_months);
      const int32_t term_days = end - close;
      const int32_t unserved = std::max(0, end - cancellation);
      k = Exact(BigInt(unserved), BigInt(term_days));
      ex.band = window + ", pro rata: " + std::to_string(unserved) + " unserved of " +
                std::to_string(term_days) + " term days (term ends " + end.to_string() + ")";
      break;
    }
    case ClawbackMethod::Stepped: {
      k = 0;
      ex.band = window + ", past every step";
      for (const ClawbackStep& s : cc.steps)
        if (within(s.within_days)) {
          k = exact_rate(s.share);
          ex.band = window + ", step within " + std::to_string(s.within_days) + " days: share " +
                    s.share.to_short_string();
          break;
        }
      break;
    }
  }
  ex.rate = display_rate(k);
  ex.formula = "-(" + rate_text(k) + " x " + paid.to_string() + " paid on the deal)";
  // Round the clawed-back magnitude, then negate: never more than was paid.
  const Money magnitude = round_into(k * exact_minor(paid), paid.currency(), mode, ex);
  ex.amount = -magnitude;
  ex.exact_value = "-" + ex.exact_value;
  return ComponentResult{-magnitude, std::move(ex), exact_amount(-(k * exact_minor(paid)))};
}

}  // namespace salescomp
