// Milestone bonuses, SPIFs and MBOs.
#include "salescomp/engine/bonus_calculators.hpp"

#include <algorithm>

#include "exact_value.hpp"
#include "salescomp/detail/int128.hpp"

namespace salescomp {

using namespace engine_detail;

MilestoneResult calculate_milestones(const MilestoneComponent& mc, const std::string& id,
                                     const Money& measure, const Money& quota,
                                     const std::vector<std::string>& already_paid) {
  if (quota.minor_units() <= 0)
    throw ValidationError("SC-ENGINE-QUOTA", Issue{std::nullopt, id, quota.to_string(),
                                                   "a positive quota is needed for milestone bonuses"});
  measure.require_same_currency(quota, "compare");
  MilestoneResult out;
  for (const Milestone& m : mc.milestones) {
    if (std::find(already_paid.begin(), already_paid.end(), m.id) != already_paid.end()) continue;
    // Exact: measure x 10^12 >= level x quota.
    if (exact_minor(measure) < exact_rate(m.attainment) * exact_minor(quota)) continue;
    Explanation ex;
    ex.component_id = id;
    ex.component_type = "milestone_bonus";
    ex.measure = measure;
    ex.quota = quota;
    ex.attainment = display_ratio(exact_minor(measure) / exact_minor(quota));
    ex.band = "milestone " + m.id + " at attainment " + m.attainment.to_short_string() + " (" +
              std::string(to_string(mc.accumulation)) + "), paid once";
    ex.formula = m.amount.to_string();
    ex.exact_value = m.amount.to_string();
    ex.amount = m.amount;
    out.lines.push_back(
        ComponentResult{m.amount, std::move(ex), ExactAmount::of_minor(m.amount.minor_units())});
    out.newly_paid.push_back(m.id);
  }
  return out;
}

namespace {

std::string label_of(const SpifCredit& cr) {
  return cr.deal_label.empty() ? std::to_string(cr.deal) : cr.deal_label;
}

}  // namespace

std::vector<std::pair<int64_t, ComponentResult>> calculate_spif(const SpifComponent& sc,
                                                                const std::string& id,
                                                                const std::vector<SpifCredit>& credits,
                                                                RoundingMode mode, bool explain) {
  std::vector<std::pair<int64_t, ComponentResult>> out;
  out.reserve(credits.size());
  for (const SpifCredit& cr : credits) {
    if (cr.date < sc.from || cr.date > sc.to) continue;
    if (!sc.deal_types.empty() &&
        std::find(sc.deal_types.begin(), sc.deal_types.end(), cr.deal_type) == sc.deal_types.end())
      continue;
    if (!sc.products.empty() &&
        std::find(sc.products.begin(), sc.products.end(), cr.product) == sc.products.end())
      continue;
    if (sc.min_credit && cr.credit < *sc.min_credit) continue;
    const Currency c = cr.credit.currency();
    if (sc.amount_per_deal) cr.credit.require_same_currency(*sc.amount_per_deal, "add");
    if (!explain) {
      // Amount only, in 128-bit integers: amount_per_deal x 10^12 + rate x credit
      // fits (|credit| < 2^63, rate < 10^13), divided once by 10^12 with `mode`.
      const detail::int128 scaled =
          (sc.amount_per_deal ? detail::int128(sc.amount_per_deal->minor_units()) * Rate::kOne : 0) +
          (sc.rate ? detail::int128(sc.rate->raw()) * cr.credit.minor_units() : 0);
      const detail::int128 q = divide_rounded<detail::int128>(scaled, Rate::kOne, mode);
      if (!detail::fits_int64(q))
        throw OverflowError("SC-OVERFLOW", "spif " + id + " on deal " + label_of(cr) + " overflows");
      ComponentResult r;
      r.amount = Money::from_minor(int64_t(q), c);
      r.explanation.amount = r.amount;
      r.exact = ExactAmount{BigInt(scaled), BigInt(Rate::kOne)};
      out.emplace_back(cr.deal, std::move(r));
      continue;
    }
    Explanation ex;
    ex.component_id = id;
    ex.component_type = "spif";
    ex.measure = cr.credit;
    if (explain)
      ex.band = "deal " + label_of(cr) + " on " + cr.date.to_string() + " in [" + sc.from.to_string() + ", " +
                sc.to.to_string() + "]";
    Exact value = 0;
    if (sc.amount_per_deal) {
      value += exact_minor(*sc.amount_per_deal);
      if (explain) ex.formula = sc.amount_per_deal->to_string();
    }
    if (sc.rate) {
      value += exact_rate(*sc.rate) * exact_minor(cr.credit);
      ex.rate = *sc.rate;
      if (explain)
        ex.formula +=
            (ex.formula.empty() ? "" : " + ") + sc.rate->to_short_string() + " x " + cr.credit.to_string();
    }
    const Money amount = round_into(value, c, mode, ex, explain);
    out.emplace_back(cr.deal, ComponentResult{amount, std::move(ex), exact_amount(value)});
  }
  return out;
}

ComponentResult calculate_mbo(const MboComponent& mc, const std::string& id,
                              const std::vector<std::pair<std::string, Rate>>& achievements,
                              RoundingMode mode) {
  std::vector<Issue> issues;
  for (const auto& [objective, value] : achievements) {
    bool known = false;
    for (const Objective& o : mc.objectives) known = known || o.id == objective;
    if (!known)
      issues.push_back(
          Issue{std::nullopt, id + "." + objective, value.to_short_string(), "unknown objective"});
    if (value.is_negative())
      issues.push_back(Issue{std::nullopt, id + "." + objective, value.to_short_string(),
                             "achievement must not be negative"});
  }
  Explanation ex;
  ex.component_id = id;
  ex.component_type = "mbo";
  Exact factor = 0;
  for (const Objective& o : mc.objectives) {
    const auto it = std::find_if(achievements.begin(), achievements.end(),
                                 [&](const auto& a) { return a.first == o.id; });
    if (it == achievements.end()) {
      issues.push_back(Issue{std::nullopt, id + "." + o.id, "", "no achievement entered for this objective"});
      continue;
    }
    const Rate used = std::min(it->second, mc.max_achievement);
    factor += exact_rate(o.weight) * exact_rate(used);
    ex.formula +=
        (ex.formula.empty() ? "" : " + ") + o.weight.to_short_string() + " x " + used.to_short_string();
    if (used != it->second)
      ex.applied.push_back(o.id + " achievement " + it->second.to_short_string() + " capped at " +
                           mc.max_achievement.to_short_string());
  }
  if (!issues.empty()) throw ValidationError("SC-ENGINE-MBO", std::move(issues));
  ex.rate = display_rate(factor);
  ex.formula = mc.target.to_string() + " x (" + ex.formula + ")";
  const Exact value = exact_minor(mc.target) * factor;
  const Money amount = round_into(value, mc.target.currency(), mode, ex);
  return ComponentResult{amount, std::move(ex), exact_amount(value)};
}

}  // namespace salescomp
