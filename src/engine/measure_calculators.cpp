// The measure-based calculators. Everything is exact (rationals) until the
// single rounding in settle().
#include "salescomp/engine/measure_calculators.hpp"

#include <string>
#include <vector>

#include "exact_value.hpp"

namespace salescomp {

namespace {

using namespace engine_detail;

// A stretch [start, end) of the measure axis (minor units) paid at `rate`.
struct Segment {
  Exact start, end, rate;
};

[[noreturn]] void missing_quota(const std::string& component_id, const char* why) {
  throw ValidationError("SC-ENGINE-QUOTA", Issue{std::nullopt, component_id, "no positive quota",
                                                 std::string("a positive quota is needed for ") + why});
}

Exact require_quota(const ComponentInput& in, const char* why) {
  if (!in.quota || in.quota->minor_units() <= 0) missing_quota(in.component_id, why);
  in.measure.require_same_currency(*in.quota, "compare");
  return exact_minor(*in.quota);
}

// Multiplies the rate of the part of every segment above (or below) `level`.
// A segment of a negative measure runs from 0 down to x (start > end): its
// points are split at the level the same way and keep their direction, so
// the integral over [0, x] stays signed (a refund below a decelerator's level
// is paid at the decelerated rate).
std::vector<Segment> multiply_part(const std::vector<Segment>& segments, const Exact& level, const Exact& m,
                                   bool above) {
  std::vector<Segment> out;
  for (const Segment& s : segments) {
    const bool downward = s.end < s.start;
    const Exact lo = downward ? s.end : s.start, hi = downward ? s.start : s.end;
    auto push = [&](const Exact& a, const Exact& b, const Exact& rate) {
      out.push_back(downward ? Segment{b, a, rate} : Segment{a, b, rate});
    };
    if (hi <= level || lo >= level) {
      const bool inside = above ? lo >= level : hi <= level;
      push(lo, hi, inside ? s.rate * m : s.rate);
      continue;
    }
    if (downward) {  // the part nearer 0 first
      push(level, hi, above ? s.rate * m : s.rate);
      push(lo, level, above ? s.rate : s.rate * m);
    } else {
      push(lo, level, above ? s.rate : s.rate * m);
      push(level, hi, above ? s.rate * m : s.rate);
    }
  }
  return out;
}

Exact integrate(const std::vector<Segment>& segments) {
  Exact total = 0;
  for (const Segment& s : segments) total += s.rate * (s.end - s.start);
  return total;
}

std::string describe(const std::vector<Segment>& segments, Currency c) {
  std::string f;
  for (const Segment& s : segments) {
    if (!f.empty()) f += " + ";
    f += rate_text(s.rate) + " x " + money_text(s.end - s.start, c);
  }
  return f;
}

// The common end of every measure-based calculator: per-deal cap, true-up,
// period and year caps, the one rounding, and the explanation's last fields.
// `per_deal_rate`: the component's effective rate on the measure, which a
// per-deal cap applies to each deal's credit (absent: no per-deal cap).
// `cumulative`: the component pays a true-up, so paid_before is netted; a
// period component has no earlier payments to net and refuses them.
ComponentResult settle(Exact earned, const ComponentInput& in, const Caps& caps, Explanation ex,
                       const std::optional<Exact>& per_deal_rate = std::nullopt, bool cumulative = false) {
  const Currency c = in.measure.currency();
  if (!cumulative && !in.paid_before.is_zero())
    throw ValidationError(
        "SC-ENGINE-PAID-BEFORE",
        Issue{std::nullopt, in.component_id, in.paid_before.to_string(),
              "paid_before is only netted by cumulative components (accumulation "
              "quarter_to_date or year_to_date); this component pays each period on its own"});
  if (caps.per_deal && per_deal_rate) {
    Exact total_credit = 0;
    for (const Money& d : in.deal_credits) total_credit += exact_minor(d);
    if ((in.deal_credits.empty() && !in.measure.is_zero()) || total_credit != exact_minor(in.measure))
      throw ValidationError(
          "SC-ENGINE-DEALS",
          Issue{std::nullopt, in.component_id, std::to_string(in.deal_credits.size()) + " deal credits",
                "a per-deal cap needs the deal credits, summing to the measure"});
    const Exact& effective = *per_deal_rate;
    const Exact cap = exact_minor(*caps.per_deal);
    Exact capped = 0;
    int hits = 0;
    for (const Money& d : in.deal_credits) {
      const Exact own = exact_minor(d) * effective;
      if (own > cap) ++hits;
      capped += own > cap ? cap : own;
    }
    if (hits > 0 && in.explain)
      ex.applied.push_back("per_deal cap " + caps.per_deal->to_string() + " on " + std::to_string(hits) +
                           " deal(s): " + money_text(earned, c) + " -> " + money_text(capped, c));
    earned = capped;
  }
  Exact payout = earned;
  if (!in.paid_before.is_zero()) {
    in.measure.require_same_currency(in.paid_before, "net");
    payout -= exact_minor(in.paid_before);
    ex.prior_paid = in.paid_before;
    if (in.explain) ex.formula += " - " + in.paid_before.to_string() + " paid before";
  }
  if (caps.per_period && payout > exact_minor(*caps.per_period)) {
    if (in.explain)
      ex.applied.push_back("per_period cap " + caps.per_period->to_string() + " (uncapped " +
                           money_text(payout, c) + ")");
    payout = exact_minor(*caps.per_period);
  }
  if (caps.per_year) {
    Exact room = exact_minor(*caps.per_year) - exact_minor(in.paid_in_year);
    if (room < 0) room = 0;
    if (payout > room) {
      if (in.explain)
        ex.applied.push_back("per_year cap " + caps.per_year->to_string() + " with " +
                             in.paid_in_year.to_string() + " paid this year (uncapped " +
                             money_text(payout, c) + ")");
      payout = room;
    }
  }
  const Money amount = round_into(payout, c, in.rounding, ex, in.explain);
  return ComponentResult{amount, std::move(ex), exact_amount(payout)};
}

// Is the gate open? (exact: g >= level x Qg, or g >= level for amounts)
bool gate_open(const Gate& g, const ComponentInput& in, std::string& note) {
  const Money value = in.gate_measure.value_or(in.measure);
  bool open;
  if (g.basis == GateBasis::Attainment) {
    const std::optional<Money> q = in.gate_measure ? in.gate_quota : in.quota;
    if (!q || q->minor_units() <= 0) missing_quota(in.component_id, "an attainment gate");
    value.require_same_currency(*q, "compare");
    open = exact_minor(value) >= exact_raw_rate(g.level) * exact_minor(*q);
    if (!in.explain) return open;
    note = "gate at attainment " + Rate::from_raw(g.level).to_short_string() + " of " +
           (g.measure.empty() ? std::string("this measure") : g.measure) + " (" +
           std::string(to_string(g.accumulation)) + "): " + value.to_string() + " / " + q->to_string();
  } else {
    open = value.minor_units() >= g.level;
    if (!in.explain) return open;
    note = "gate at " + Money::from_minor(g.level, value.currency()).to_string() + " of " +
           (g.measure.empty() ? std::string("this measure") : g.measure) + " (" +
           std::string(to_string(g.accumulation)) + "): " + value.to_string();
  }
  note += open ? " reached" : " not reached";
  return open;
}

std::string bound_text(int64_t b, TierBasis basis, Currency c) {
  return basis == TierBasis::Attainment ? Rate::from_raw(b).to_short_string()
                                        : Money::from_minor(b, c).to_string();
}

// The piecewise-linear curve at `a`.
Exact curve_at(const PayCurve& curve, const Exact& a, std::string& segment) {
  const auto& p = curve.points;
  if (a <= exact_rate(p.front().attainment)) {
    segment = "at or below the first point";
    return exact_rate(p.front().factor);
  }
  for (std::size_t i = 0; i + 1 < p.size(); ++i) {
    const Exact a0 = exact_rate(p[i].attainment), a1 = exact_rate(p[i + 1].attainment);
    if (a < a1) {
      segment = "segment " + std::to_string(i + 1) + " [" + p[i].attainment.to_short_string() + ", " +
                p[i + 1].attainment.to_short_string() + ")";
      const Exact y0 = exact_rate(p[i].factor), y1 = exact_rate(p[i + 1].factor);
      return y0 + (y1 - y0) * (a - a0) / (a1 - a0);
    }
  }
  const std::size_t n = p.size();
  if (curve.beyond == CurveBeyond::Flat) {
    segment = "beyond the last point (flat)";
    return exact_rate(p[n - 1].factor);
  }
  segment = "beyond the last point (last slope extended)";
  const Exact a0 = exact_rate(p[n - 2].attainment), a1 = exact_rate(p[n - 1].attainment);
  const Exact y0 = exact_rate(p[n - 2].factor), y1 = exact_rate(p[n - 1].factor);
  return y1 + (y1 - y0) * (a - a1) / (a1 - a0);
}

Explanation base_explanation(const ComponentInput& in, std::string type) {
  Explanation ex;
  ex.component_id = in.component_id;
  ex.component_type = std::move(type);
  ex.measure = in.measure;
  ex.amount = Money::zero(in.measure.currency());
  if (in.quota) {
    ex.quota = in.quota;
    if (in.quota->minor_units() > 0 && in.explain)
      ex.attainment = display_ratio(exact_minor(in.measure) / exact_minor(*in.quota));
  }
  return ex;
}

}  // namespace

// What a rate component earns on the measure x_full before the per-deal
// cap, the true-up and the money caps, in the documented order: attainment
// cap, bands (tiers), band adjustments, soft cap, whole adjustments, kicker.
// Whole adjustments and the kicker compare the attainment after the
// attainment cap: measure above the cap counts for nothing.
Exact rate_earned(const RateComponent& rc, const Exact& x_full, const std::optional<Exact>& q,
                  bool accelerators_allowed, const ComponentInput& in, Explanation& ex) {
  const Currency c = in.measure.currency();
  Exact x = x_full;
  if (rc.caps.attainment) {
    const Exact limit = exact_rate(*rc.caps.attainment) * *q;
    if (x > limit) {
      if (in.explain)
        ex.applied.push_back("attainment cap " + rc.caps.attainment->to_short_string() +
                             ": measure counted up to " + money_text(limit, c));
      x = limit;
    }
  }

  std::vector<Segment> segments;
  if (rc.rate) {
    segments.push_back(Segment{0, x, exact_rate(*rc.rate)});
    ex.rate = *rc.rate;
  } else {
    const TierTable& t = *rc.table;
    const std::size_t n = t.tiers.size();
    auto minor_of = [&](int64_t b) {
      return t.basis == TierBasis::Attainment ? exact_raw_rate(b) * *q : exact_int(b);
    };
    std::vector<Exact> from(n);
    std::vector<std::optional<Exact>> to(n);
    for (std::size_t i = 0; i < n; ++i) {
      from[i] = minor_of(t.tiers[i].from);
      if (t.tiers[i].to) to[i] = minor_of(*t.tiers[i].to);
    }
    // The band containing x: the last band whose lower edge x reaches
    // (LowerInclusive: x >= from; UpperInclusive: x > from). Exact, as
    // compare_ratio: x * 10^12 against from * Q.
    std::size_t k = 0;
    for (std::size_t i = n; i-- > 0;) {
      if (t.edge == BandEdge::LowerInclusive ? x >= from[i] : x > from[i]) {
        k = i;
        break;
      }
    }
    const Tier& band = t.tiers[k];
    if (in.explain)
      ex.band = "tier " + std::to_string(k + 1) + " of " + std::to_string(n) + " " +
                (t.edge == BandEdge::LowerInclusive ? "[" : "(") + bound_text(band.from, t.basis, c) + ", " +
                (band.to ? bound_text(*band.to, t.basis, c) : std::string("inf")) +
                (t.edge == BandEdge::LowerInclusive || !band.to ? ")" : "]") + ", " +
                std::string(to_string(t.mode));
    auto marginal_from = [&](std::size_t first) {
      for (std::size_t i = first; i <= k; ++i)
        segments.push_back(Segment{from[i], i == k ? x : *to[i], exact_rate(t.tiers[i].rate)});
    };
    if (x <= 0) {
      segments.push_back(Segment{0, x, exact_rate(t.tiers[0].rate)});
      ex.rate = t.tiers[0].rate;
    } else if (t.mode == TierMode::Marginal) {
      marginal_from(0);
    } else if (t.mode == TierMode::Retroactive) {
      segments.push_back(Segment{0, x, exact_rate(band.rate)});
      ex.rate = band.rate;
    } else if (t.mode == TierMode::Hybrid) {
      std::size_t threshold = 0;
      while (t.tiers[threshold].from != *t.hybrid_threshold) ++threshold;
      if (k < threshold) {
        segments.push_back(Segment{0, x, exact_rate(band.rate)});
        ex.rate = band.rate;
      } else if (threshold == 0) {
        marginal_from(0);
      } else {
        segments.push_back(Segment{0, from[threshold], exact_rate(t.tiers[threshold - 1].rate)});
        marginal_from(threshold);
      }
    } else {  // Interpolated
      Exact r = exact_rate(band.rate);
      if (band.to) r += (exact_rate(*band.rate_to) - r) * (x - from[k]) / (*to[k] - from[k]);
      segments.push_back(Segment{0, x, r});
      if (in.explain) ex.rate = display_rate(r);
    }
  }

  for (const RateAdjustment& a : rc.adjustments) {
    if (a.scope != AdjustmentScope::Band) continue;
    const bool above = a.direction == AdjustmentDirection::Above;
    if (above && !accelerators_allowed) continue;
    const Exact level = exact_rate(a.level) * *q;
    // Some point of [min(0, x), max(0, x)] lies above (below) the level.
    if (above ? x > level : (x < 0 ? x : Exact(0)) < level) {
      if (in.explain)
        ex.applied.push_back(std::string(above ? "accelerator x" : "decelerator x") +
                             a.multiplier.to_short_string() + " on the part " + (above ? "above" : "below") +
                             " attainment " + a.level.to_short_string());
      segments = multiply_part(segments, level, exact_rate(a.multiplier), above);
    }
  }
  if (rc.caps.soft) {
    const Exact level = exact_rate(rc.caps.soft->level) * *q;
    if (x > level) {
      if (in.explain)
        ex.applied.push_back("soft cap above attainment " + rc.caps.soft->level.to_short_string() +
                             ": rate x" + rc.caps.soft->multiplier.to_short_string());
      segments = multiply_part(segments, level, exact_rate(rc.caps.soft->multiplier), true);
    }
  }
  Exact earned = integrate(segments);
  if (in.explain) ex.formula = describe(segments, c);
  for (const RateAdjustment& a : rc.adjustments) {
    if (a.scope != AdjustmentScope::Whole) continue;
    const bool above = a.direction == AdjustmentDirection::Above;
    if (above && !accelerators_allowed) continue;
    const bool reached = x >= exact_rate(a.level) * *q;
    if (above == reached) {
      earned *= exact_rate(a.multiplier);
      if (!in.explain) continue;
      ex.formula = "(" + ex.formula + ") x " + a.multiplier.to_short_string();
      ex.applied.push_back(std::string(above ? "accelerator x" : "decelerator x") +
                           a.multiplier.to_short_string() + " on the whole payout (attainment " +
                           (above ? "at or above " : "below ") + a.level.to_short_string() + ")");
    }
  }
  if (rc.kicker && accelerators_allowed && x >= exact_rate(rc.kicker->level) * *q) {
    earned *= exact_rate(rc.kicker->multiplier);
    if (in.explain) ex.formula = "(" + ex.formula + ") x " + rc.kicker->multiplier.to_short_string();
    if (in.explain)
      ex.applied.push_back("kicker x" + rc.kicker->multiplier.to_short_string() +
                           " (attainment at or above " + rc.kicker->level.to_short_string() + ")");
  }
  return earned;
}

// The effective rate a per-deal cap applies when the deals net to 0: the
// rate just above 0. Every modifier is constant on (0, lowest positive
// level x Q), so the rate there is earned(d) / d for d inside it.
Exact rate_just_above_zero(const RateComponent& rc, const std::optional<Exact>& q, bool accelerators_allowed,
                           const ComponentInput& in) {
  std::optional<Exact> lowest;
  auto consider = [&](Rate level) {
    if (!q) return;
    const Exact v = exact_rate(level) * *q;
    if (v > 0 && (!lowest || v < *lowest)) lowest = v;
  };
  for (const RateAdjustment& a : rc.adjustments) consider(a.level);
  if (rc.caps.soft) consider(rc.caps.soft->level);
  if (rc.caps.attainment) consider(*rc.caps.attainment);
  if (rc.kicker) consider(rc.kicker->level);
  const Exact d = lowest ? *lowest / Exact(2) : Exact(1);
  ComponentInput quiet = in;
  quiet.explain = false;
  Explanation scratch;
  return rate_earned(rc, d, q, accelerators_allowed, quiet, scratch) / d;
}

ComponentResult calculate_rate_component(const RateComponent& rc, const ComponentInput& in) {
  Explanation ex = base_explanation(in, rc.table ? "tiered" : "flat_rate");
  const bool needs_quota = (rc.table && rc.table->basis == TierBasis::Attainment) ||
                           !rc.adjustments.empty() || rc.caps.attainment || rc.caps.soft || rc.kicker;
  const std::optional<Exact> q =
      needs_quota ? std::optional<Exact>(require_quota(in, "attainment-based options")) : std::nullopt;
  const Exact x_full = exact_minor(in.measure);

  bool accelerators_allowed = true;
  if (rc.gate) {
    std::string note;
    const bool open = gate_open(*rc.gate, in, note);
    if (!open && rc.gate->effect == GateEffect::NoPayout) {
      ex.applied.push_back(note + ": no payout");
      ex.formula = "0 (gate closed)";
      return settle(Exact(0), in, rc.caps, std::move(ex), std::nullopt,
                    rc.accumulation != Accumulation::Period);
    }
    if (!open) {
      accelerators_allowed = false;
      ex.applied.push_back(note + ": accelerators and kicker not applied");
    }
  }

  const Exact earned = rate_earned(rc, x_full, q, accelerators_allowed, in, ex);
  std::optional<Exact> per_deal_rate;
  if (rc.caps.per_deal)
    per_deal_rate = x_full != 0 ? earned / x_full : rate_just_above_zero(rc, q, accelerators_allowed, in);
  return settle(earned, in, rc.caps, std::move(ex), per_deal_rate, rc.accumulation != Accumulation::Period);
}

ComponentResult calculate_target_incentive(const TargetIncentiveComponent& tc, const ComponentInput& in) {
  Explanation ex = base_explanation(in, "target_incentive");
  const Exact q = require_quota(in, "a target-incentive curve");
  Exact a = exact_minor(in.measure) / q;
  if (tc.gate) {
    std::string note;
    if (!gate_open(*tc.gate, in, note)) {
      if (tc.gate->effect == GateEffect::NoPayout) {
        ex.applied.push_back(note + ": no payout");
        ex.formula = "0 (gate closed)";
        return settle(Exact(0), in, tc.caps, std::move(ex), std::nullopt,
                      tc.accumulation != Accumulation::Period);
      }
      if (a > 1) a = 1;
      ex.applied.push_back(note + ": curve not applied above attainment 1");
    }
  }
  if (tc.caps.attainment && a > exact_rate(*tc.caps.attainment)) {
    a = exact_rate(*tc.caps.attainment);
    if (in.explain) ex.applied.push_back("attainment cap " + tc.caps.attainment->to_short_string());
  }
  const Exact f = curve_at(tc.curve, a, ex.band);
  if (in.explain) ex.rate = display_rate(f);
  if (in.explain)
    ex.formula = tc.target.to_string() + " x f(" + rate_text(a) + ") = " + tc.target.to_string() + " x " +
                 rate_text(f);
  return settle(exact_minor(tc.target) * f, in, tc.caps, std::move(ex), std::nullopt,
                tc.accumulation != Accumulation::Period);
}

ComponentResult calculate_per_unit(const PerUnitComponent& pc, const ComponentInput& in) {
  Explanation ex = base_explanation(in, "per_unit");
  ex.measure.reset();
  ex.count = in.count;
  if (in.explain) ex.formula = std::to_string(in.count) + " x " + pc.amount_per_unit.to_string();
  return settle(exact_int(in.count) * exact_minor(pc.amount_per_unit), in, pc.caps, std::move(ex));
}

ComponentResult calculate_override(const OverrideComponent& oc, const ComponentInput& in) {
  const Currency c = in.measure.currency();
  Explanation ex = base_explanation(in, "manager_override");
  const Exact x = exact_minor(in.measure);
  Exact earned = 0;
  switch (oc.basis) {
    case OverrideBasis::FirstDollar:
      earned = exact_rate(*oc.rate) * x;
      ex.rate = *oc.rate;
      if (in.explain)
        ex.formula = oc.rate->to_short_string() + " x " + in.measure.to_string() +
                     " (team credit from the first dollar)";
      break;
    case OverrideBasis::AboveThreshold: {
      const Exact over = x > exact_minor(*oc.threshold) ? x - exact_minor(*oc.threshold) : Exact(0);
      earned = exact_rate(*oc.rate) * over;
      ex.rate = *oc.rate;
      if (!in.explain) break;
      ex.band = "above threshold " + oc.threshold->to_string();
      ex.formula = oc.rate->to_short_string() + " x max(0, " + in.measure.to_string() + " - " +
                   oc.threshold->to_string() + ") = " + oc.rate->to_short_string() + " x " +
                   money_text(over, c);
      break;
    }
    case OverrideBasis::TeamAttainment: {
      const Exact a = x / require_quota(in, "an override on team attainment");
      const Exact f = curve_at(*oc.curve, a, ex.band);
      earned = exact_minor(*oc.target) * f;
      if (!in.explain) break;
      ex.rate = display_rate(f);
      ex.formula = oc.target->to_string() + " x f(" + rate_text(a) + ") = " + oc.target->to_string() + " x " +
                   rate_text(f);
      break;
    }
  }
  return settle(earned, in, Caps{}, std::move(ex));
}

}  // namespace salescomp
