// Semantic checks of a Plan, each reported with its document path.
#include "salescomp/plan/plan_validation.hpp"

#include <set>
#include <string>
#include <variant>

namespace salescomp {

namespace {

constexpr Rate kZero = Rate::from_raw(0);
constexpr Rate kOne = Rate::from_int(1);
constexpr Rate kMaxMultiplier = Rate::from_int(10);

std::string at(const std::string& path, std::size_t i) { return path + "[" + std::to_string(i) + "]"; }

class Checker {
 public:
  explicit Checker(const Plan& plan) : plan_(plan) {}

  std::vector<Issue> run() {
    if (plan_.id.empty()) add("$.id", "", "a plan needs a non-empty id");
    if (!plan_.currency.valid()) add("$.currency", "", "a plan needs an ISO 4217 currency");
    check_timing();
    std::set<std::string> seen;
    for (std::size_t i = 0; i < plan_.measures.size(); ++i) {
      const Measure& m = plan_.measures[i];
      const std::string p = at("$.measures", i);
      if (m.id.empty())
        add(p + ".id", "", "a measure needs a non-empty id");
      else if (!seen.insert(m.id).second)
        add(p + ".id", m.id, "duplicate measure id");
      for (std::size_t k = 0; k < m.multipliers.size(); ++k) {
        const MeasureMultiplier& mm = m.multipliers[k];
        if (mm.factor < kZero || mm.factor > kMaxMultiplier)
          add(at(p + ".multipliers", k) + ".factor", mm.factor.to_short_string(),
              "factor must be between 0 and 10");
        if (mm.min_term_months < 0)
          add(at(p + ".multipliers", k) + ".min_term_months", std::to_string(mm.min_term_months),
              "must not be negative");
      }
    }
    seen.clear();
    int draws = 0, clawbacks = 0;
    for (std::size_t i = 0; i < plan_.components.size(); ++i) {
      const Component& c = plan_.components[i];
      const std::string p = at("$.components", i);
      if (c.id.empty())
        add(p + ".id", "", "a component needs a non-empty id");
      else if (!seen.insert(c.id).second)
        add(p + ".id", c.id, "duplicate component id");
      if (std::holds_alternative<DrawComponent>(c.spec) && ++draws == 2)
        add(p, "draw", "a plan has at most one draw component");
      if (std::holds_alternative<ClawbackComponent>(c.spec) && ++clawbacks == 2)
        add(p, "clawback", "a plan has at most one clawback component");
      std::visit([&](const auto& spec) { check(spec, p); }, c.spec);
    }
    return std::move(issues_);
  }

 private:
  void add(std::string path, std::string value, std::string rule) {
    issues_.push_back(Issue{std::nullopt, std::move(path), std::move(value), std::move(rule)});
  }

  void measure_ref(const std::string& id, const std::string& path, bool must_count = false) {
    const Measure* m = plan_.find_measure(id);
    if (id.empty())
      add(path, "", "a measure id is required");
    else if (!m)
      add(path, id, "unknown measure; declare it under $.measures");
    else if (must_count && m->aggregation != MeasureAggregation::Count)
      add(path, id, "per_unit needs a count measure");
  }
  void money(const Money& m, const std::string& path, bool positive) {
    if (plan_.currency.valid() && !(m.currency() == plan_.currency))
      add(path, m.format(), "must be in the plan currency " + std::string(plan_.currency.code()));
    if (positive ? m.minor_units() <= 0 : m.minor_units() < 0)
      add(path, m.to_string(), positive ? "must be positive" : "must not be negative");
  }
  void rate(Rate r, const std::string& path) {
    if (r < kZero || r > kOne) add(path, r.to_short_string(), "rate must be between 0 and 1 (0% to 100%)");
  }
  void level(Rate r, const std::string& path) {
    if (r < kZero) add(path, r.to_short_string(), "attainment level must not be negative");
  }

  void check_timing() {
    if (const auto& h = plan_.payout_timing.holdback) {
      if (h->share <= kZero || h->share >= kOne)
        add("$.payout_timing.holdback.share", h->share.to_short_string(),
            "holdback share must be strictly between 0 and 1");
      if (h->release_after_days < 0)
        add("$.payout_timing.holdback.release_after_days", std::to_string(h->release_after_days),
            "must not be negative");
    }
  }

  void check_table(const TierTable& t, const std::string& p) {
    const std::string tiers = p + ".tiers";
    if (t.tiers.empty()) {
      add(tiers, "[]", "a tier table needs at least one tier");
      return;
    }
    auto shown = [&](int64_t v) {
      return t.basis == TierBasis::Attainment ? Rate::from_raw(v).to_short_string()
                                              : std::to_string(v) + " minor units";
    };
    if (t.tiers.front().from != 0)
      add(at(tiers, 0) + ".from", shown(t.tiers.front().from),
          "the first tier must start at 0 (a gap below it would pay nothing)");
    for (std::size_t i = 0; i < t.tiers.size(); ++i) {
      const Tier& tier = t.tiers[i];
      const std::string tp = at(tiers, i);
      rate(tier.rate, tp + ".rate");
      if (tier.to && *tier.to <= tier.from)
        add(tp + ".to", shown(*tier.to), "must be greater than from (" + shown(tier.from) + ")");
      if (!tier.to && i + 1 != t.tiers.size()) add(tp + ".to", "", "only the last tier may be unbounded");
      if (i > 0 && t.tiers[i - 1].to) {
        const int64_t prev_to = *t.tiers[i - 1].to;
        if (tier.from < prev_to)
          add(tp + ".from", shown(tier.from),
              tier.from < t.tiers[i - 1].from
                  ? "tiers out of order: starts below the previous tier"
                  : "overlaps the previous tier, which ends at " + shown(prev_to));
        else if (tier.from > prev_to)
          add(tp + ".from", shown(tier.from), "gap after the previous tier, which ends at " + shown(prev_to));
      }
      if (t.mode == TierMode::Interpolated) {
        if (tier.to && !tier.rate_to)
          add(tp + ".rate_to", "", "interpolated tiers need rate_to (the rate reached at 'to')");
        if (!tier.to && tier.rate_to)
          add(tp + ".rate_to", tier.rate_to->to_short_string(), "an unbounded tier cannot interpolate");
      } else if (tier.rate_to) {
        add(tp + ".rate_to", tier.rate_to->to_short_string(), "rate_to is only for mode 'interpolated'");
      }
      if (tier.rate_to) rate(*tier.rate_to, tp + ".rate_to");
    }
    if (t.mode == TierMode::Hybrid) {
      if (!t.hybrid_threshold) {
        add(p + ".hybrid_threshold", "", "mode 'hybrid' needs hybrid_threshold");
      } else {
        bool on_edge = false;
        for (const Tier& tier : t.tiers) on_edge = on_edge || tier.from == *t.hybrid_threshold;
        if (!on_edge)
          add(p + ".hybrid_threshold", shown(*t.hybrid_threshold), "must be the 'from' of one of the tiers");
      }
    } else if (t.hybrid_threshold) {
      add(p + ".hybrid_threshold", shown(*t.hybrid_threshold), "only for mode 'hybrid'");
    }
  }

  void check_gate(const Gate& g, const std::string& p) {
    if (!g.measure.empty()) measure_ref(g.measure, p + ".measure");
    if (g.level < 0) add(p + ".level", std::to_string(g.level), "must not be negative");
  }

  void check_caps(const Caps& c, const std::string& p, bool allows_per_deal) {
    if (c.per_deal) {
      money(*c.per_deal, p + ".per_deal", true);
      if (!allows_per_deal)
        add(p + ".per_deal", c.per_deal->to_string(), "a per-deal cap needs a flat_rate component");
    }
    if (c.per_period) money(*c.per_period, p + ".per_period", true);
    if (c.per_year) money(*c.per_year, p + ".per_year", true);
    if (c.attainment && *c.attainment <= kZero)
      add(p + ".attainment", c.attainment->to_short_string(), "must be positive");
    if (c.soft) {
      level(c.soft->level, p + ".soft.level");
      if (c.soft->multiplier < kZero || c.soft->multiplier > kOne)
        add(p + ".soft.multiplier", c.soft->multiplier.to_short_string(),
            "a soft cap multiplier is between 0 and 1");
    }
  }

  void check_curve(const PayCurve& c, const std::string& p) {
    if (c.points.size() < 2)
      add(p + ".points", std::to_string(c.points.size()), "a pay curve needs at least two points");
    for (std::size_t i = 0; i < c.points.size(); ++i) {
      const std::string pp = at(p + ".points", i);
      if (i == 0 && !c.points[0].attainment.is_zero())
        add(pp + ".attainment", c.points[0].attainment.to_short_string(),
            "the first point must be at attainment 0");
      if (i > 0 && c.points[i].attainment <= c.points[i - 1].attainment)
        add(pp + ".attainment", c.points[i].attainment.to_short_string(),
            "points must have strictly increasing attainment");
      if (c.points[i].factor < kZero || c.points[i].factor > kMaxMultiplier)
        add(pp + ".factor", c.points[i].factor.to_short_string(), "factor must be between 0 and 10");
    }
  }

  void check(const RateComponent& r, const std::string& p) {
    measure_ref(r.measure, p + ".measure");
    if (r.rate) rate(*r.rate, p + ".rate");
    if (r.table) check_table(*r.table, p);
    if (r.rate.has_value() == r.table.has_value())
      add(p, "", "a rate component has either 'rate' (flat_rate) or 'tiers' (tiered)");
    for (std::size_t i = 0; i < r.adjustments.size(); ++i) {
      const RateAdjustment& a = r.adjustments[i];
      const std::string ap = at(p + ".adjustments", i);
      level(a.level, ap + ".level");
      if (a.direction == AdjustmentDirection::Above && (a.multiplier < kOne || a.multiplier > kMaxMultiplier))
        add(ap + ".multiplier", a.multiplier.to_short_string(),
            "an accelerator multiplier is between 1 and 10");
      if (a.direction == AdjustmentDirection::Below && (a.multiplier < kZero || a.multiplier > kOne))
        add(ap + ".multiplier", a.multiplier.to_short_string(),
            "a decelerator multiplier is between 0 and 1");
    }
    if (r.gate) check_gate(*r.gate, p + ".gate");
    check_caps(r.caps, p + ".caps", r.rate.has_value());
    if (r.kicker) {
      level(r.kicker->level, p + ".kicker.level");
      if (r.kicker->multiplier < kOne || r.kicker->multiplier > kMaxMultiplier)
        add(p + ".kicker.multiplier", r.kicker->multiplier.to_short_string(),
            "a kicker multiplier is between 1 and 10");
    }
  }
  void check(const TargetIncentiveComponent& t, const std::string& p) {
    measure_ref(t.measure, p + ".measure");
    money(t.target, p + ".target", true);
    check_curve(t.curve, p + ".curve");
    if (t.gate) check_gate(*t.gate, p + ".gate");
    check_caps(t.caps, p + ".caps", false);
  }
  void check(const PerUnitComponent& u, const std::string& p) {
    measure_ref(u.measure, p + ".measure", true);
    money(u.amount_per_unit, p + ".amount_per_unit", false);
    check_caps(u.caps, p + ".caps", false);
  }
  void check(const MilestoneComponent& m, const std::string& p) {
    measure_ref(m.measure, p + ".measure");
    if (m.milestones.empty()) add(p + ".milestones", "[]", "needs at least one milestone");
    std::set<std::string> ids;
    for (std::size_t i = 0; i < m.milestones.size(); ++i) {
      const Milestone& s = m.milestones[i];
      const std::string sp = at(p + ".milestones", i);
      if (s.id.empty() || !ids.insert(s.id).second)
        add(sp + ".id", s.id, "milestone ids must be non-empty and unique");
      level(s.attainment, sp + ".attainment");
      if (i > 0 && s.attainment <= m.milestones[i - 1].attainment)
        add(sp + ".attainment", s.attainment.to_short_string(),
            "milestones must have strictly increasing attainment");
      money(s.amount, sp + ".amount", true);
    }
  }
  void check(const SpifComponent& s, const std::string& p) {
    if (s.to < s.from)
      add(p + ".to", s.to.to_string(), "the window ends before it starts (" + s.from.to_string() + ")");
    if (!s.amount_per_deal && !s.rate) add(p, "", "a spif needs amount_per_deal, rate or both");
    if (s.amount_per_deal) money(*s.amount_per_deal, p + ".amount_per_deal", true);
    if (s.rate) rate(*s.rate, p + ".rate");
    if (s.min_credit) money(*s.min_credit, p + ".min_credit", false);
  }
  void check(const MboComponent& m, const std::string& p) {
    money(m.target, p + ".target", true);
    if (m.objectives.empty()) add(p + ".objectives", "[]", "needs at least one objective");
    Rate total = kZero;
    std::set<std::string> ids;
    for (std::size_t i = 0; i < m.objectives.size(); ++i) {
      const Objective& o = m.objectives[i];
      if (o.id.empty() || !ids.insert(o.id).second)
        add(at(p + ".objectives", i) + ".id", o.id, "objective ids must be non-empty and unique");
      rate(o.weight, at(p + ".objectives", i) + ".weight");
      total = total + o.weight;
    }
    if (!m.objectives.empty() && total != kOne)
      add(p + ".objectives", total.to_short_string(), "objective weights must sum to exactly 1");
    if (m.max_achievement < kZero || m.max_achievement > kMaxMultiplier)
      add(p + ".max_achievement", m.max_achievement.to_short_string(), "must be between 0 and 10");
  }
  void check(const OverrideComponent& o, const std::string& p) {
    measure_ref(o.measure, p + ".measure");
    if (o.basis == OverrideBasis::TeamAttainment) {
      if (!o.target)
        add(p + ".target", "", "basis 'team_attainment' needs target");
      else
        money(*o.target, p + ".target", true);
      if (!o.curve)
        add(p + ".curve", "", "basis 'team_attainment' needs curve");
      else
        check_curve(*o.curve, p + ".curve");
      if (o.rate)
        add(p + ".rate", o.rate->to_short_string(), "basis 'team_attainment' pays by curve, not rate");
    } else {
      if (!o.rate)
        add(p + ".rate", "", "an override on team credits needs rate");
      else
        rate(*o.rate, p + ".rate");
      if (o.curve || o.target) add(p + ".curve", "", "curve and target are only for basis 'team_attainment'");
    }
    if (o.basis == OverrideBasis::AboveThreshold) {
      if (!o.threshold)
        add(p + ".threshold", "", "basis 'above_threshold' needs threshold");
      else
        money(*o.threshold, p + ".threshold", false);
    } else if (o.threshold) {
      add(p + ".threshold", o.threshold->to_string(), "only for basis 'above_threshold'");
    }
  }
  void check(const DrawComponent& d, const std::string& p) {
    money(d.amount, p + ".amount", true);
    if (d.term_periods < 1) add(p + ".term_periods", std::to_string(d.term_periods), "must be at least 1");
  }
  void check(const ClawbackComponent& c, const std::string& p) {
    if (c.window_days < 0) add(p + ".window_days", std::to_string(c.window_days), "must not be negative");
    if (c.method == ClawbackMethod::Stepped && c.steps.empty())
      add(p + ".steps", "[]", "method 'stepped' needs steps");
    if (c.method != ClawbackMethod::Stepped && !c.steps.empty())
      add(p + ".steps", std::to_string(c.steps.size()) + " steps", "steps are only for method 'stepped'");
    for (std::size_t i = 0; i < c.steps.size(); ++i) {
      const std::string sp = at(p + ".steps", i);
      if (c.steps[i].within_days < 0 || c.steps[i].within_days > c.window_days)
        add(sp + ".within_days", std::to_string(c.steps[i].within_days), "must be between 0 and window_days");
      if (i > 0 && c.steps[i].within_days <= c.steps[i - 1].within_days)
        add(sp + ".within_days", std::to_string(c.steps[i].within_days),
            "steps must have strictly increasing within_days");
      if (c.steps[i].share < kZero || c.steps[i].share > kOne)
        add(sp + ".share", c.steps[i].share.to_short_string(), "share must be between 0 and 1");
    }
  }

  const Plan& plan_;
  std::vector<Issue> issues_;
};

}  // namespace

std::vector<Issue> plan_issues(const Plan& plan) { return Checker(plan).run(); }

void validate_plan(const Plan& plan) {
  std::vector<Issue> issues = plan_issues(plan);
  if (!issues.empty()) throw ValidationError("SC-PLAN-INVALID", std::move(issues));
}

}  // namespace salescomp
