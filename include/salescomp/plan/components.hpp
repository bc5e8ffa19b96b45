#pragma once
// The components a plan is built from: what each pays and its options. How
// they are computed lives in engine/ (one calculator per component family);
// docs/plan-reference.md describes every option with a worked example.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "salescomp/core/date.hpp"
#include "salescomp/core/money.hpp"
#include "salescomp/core/rate.hpp"
#include "salescomp/data/deal_type.hpp"
#include "salescomp/plan/plan_period.hpp"
#include "salescomp/plan/tier_table.hpp"

namespace salescomp {

// ---- modifiers of rate-based components ---------------------------------

// Accelerator (Above, multiplier > 1) or decelerator (Below, multiplier < 1)
// at an attainment level. Band: only the part of the measure above (below)
// the level is paid at rate x multiplier. Whole: the whole payout is
// multiplied when attainment is at or above (below) the level.
enum class AdjustmentDirection : uint8_t { Above, Below };
enum class AdjustmentScope : uint8_t { Band, Whole };

struct RateAdjustment {
  AdjustmentDirection direction = AdjustmentDirection::Above;
  Rate level;       // attainment fraction
  Rate multiplier;  // of the rate
  AdjustmentScope scope = AdjustmentScope::Band;
};

// Gate: until the gate measure reaches `level` the component pays nothing
// (NoPayout) or pays without its accelerators (NoAccelerator). The gate may
// look at another measure and at a cumulative span (e.g. year to date).
enum class GateBasis : uint8_t { Attainment, Amount };
enum class GateEffect : uint8_t { NoPayout, NoAccelerator };

struct Gate {
  std::string measure;  // empty: the component's own measure
  GateBasis basis = GateBasis::Attainment;
  int64_t level = 0;  // Rate raw units (attainment) or minor units (amount)
  Accumulation accumulation = Accumulation::Period;
  GateEffect effect = GateEffect::NoPayout;
};

// Caps. Hard caps clip the money; `attainment` stops counting the measure
// above that attainment; a soft cap multiplies the rate above its level.
struct SoftCap {
  Rate level;       // attainment fraction
  Rate multiplier;  // of the rate above the level, e.g. 0.5
};

struct Caps {
  std::optional<Money> per_deal;    // flat_rate only: commission of one deal
  std::optional<Money> per_period;  // the component's payout in a period
  std::optional<Money> per_year;    // the component's payout over the fiscal year
  std::optional<Rate> attainment;   // measure counted up to this attainment only
  std::optional<SoftCap> soft;
};

// Kicker: when attainment reaches `level`, the payout is multiplied.
struct Kicker {
  Rate level;
  Rate multiplier;
};

// ---- components ---------------------------------------------------------

// flat_rate (a single rate) and tiered (a TierTable) on a measure, with the
// modifiers above. Cumulative components pay the true-up
// earned(cumulative) - paid(earlier periods of the span).
struct RateComponent {
  std::string measure;
  std::optional<Rate> rate;        // flat_rate
  std::optional<TierTable> table;  // tiered
  Accumulation accumulation = Accumulation::Period;
  std::vector<RateAdjustment> adjustments;
  std::optional<Gate> gate;
  Caps caps;
  std::optional<Kicker> kicker;
};

// A piecewise-linear function through points (x_i, y_i), x strictly
// increasing from 0. Beyond the last point: Flat (keep y_last) or Extend
// (continue the last slope).
enum class CurveBeyond : uint8_t { Flat, Extend };
struct CurvePoint {
  Rate attainment;
  Rate factor;
};
struct PayCurve {
  std::vector<CurvePoint> points;
  CurveBeyond beyond = CurveBeyond::Flat;
};

// target_incentive: payout = target x f(attainment).
struct TargetIncentiveComponent {
  std::string measure;
  Money target;
  PayCurve curve;
  Accumulation accumulation = Accumulation::Period;
  std::optional<Gate> gate;
  Caps caps;
};

// per_unit: count of credited items x amount per unit.
struct PerUnitComponent {
  std::string measure;  // a count measure
  Money amount_per_unit;
  Caps caps;
};

// milestone_bonus: a fixed amount the first time attainment reaches each
// level (paid once; the paid milestones are carried in the state).
struct Milestone {
  std::string id;
  Rate attainment;
  Money amount;
};
struct MilestoneComponent {
  std::string measure;
  Accumulation accumulation = Accumulation::YearToDate;
  std::vector<Milestone> milestones;
};

// spif: for every credit whose deal matches and whose date lies in
// [from, to] (both inclusive), a fixed amount and/or a rate of the credit.
struct SpifComponent {
  std::vector<DealType> deal_types;
  std::vector<int32_t> products;
  Date from;
  Date to;
  std::optional<Money> min_credit;  // credits below it do not qualify
  std::optional<Money> amount_per_deal;
  std::optional<Rate> rate;
};

// mbo: target x sum(weight_i x min(achievement_i, max_achievement));
// achievements are entered per period.
struct Objective {
  std::string id;
  Rate weight;
};
struct MboComponent {
  Money target;
  std::vector<Objective> objectives;
  Rate max_achievement = Rate::from_int(1);
};

// manager_override on a team measure (typically roll-up credits):
//   FirstDollar    rate x team credit
//   AboveThreshold rate x max(0, team credit - threshold)
//   TeamAttainment target x f(team attainment)
enum class OverrideBasis : uint8_t { FirstDollar, AboveThreshold, TeamAttainment };
struct OverrideComponent {
  std::string measure;
  OverrideBasis basis = OverrideBasis::FirstDollar;
  std::optional<Rate> rate;
  std::optional<Money> threshold;
  std::optional<Money> target;
  std::optional<PayCurve> curve;
};

// draw: see engine/draw_calculator.hpp for the balance rules.
enum class DrawKind : uint8_t { NonRecoverableGuarantee, RecoverableGuarantee, RecoverableDraw };
struct DrawComponent {
  DrawKind kind = DrawKind::RecoverableDraw;
  Money amount;              // per period
  int32_t term_periods = 0;  // periods the draw is paid (counted from the first)
  bool forgive_at_term_end = false;
};

// clawback of what was actually paid on a deal cancelled within the window.
// The window is measured in days from close to cancellation; Inclusive:
// days <= window_days claws back, Exclusive: days < window_days.
enum class ClawbackMethod : uint8_t { Full, ProRataUnservedTerm, Stepped };
enum class WindowEnd : uint8_t { Inclusive, Exclusive };
struct ClawbackStep {
  int32_t within_days = 0;  // same inclusivity as the window
  Rate share;
};
struct ClawbackComponent {
  int32_t window_days = 0;
  WindowEnd window_end = WindowEnd::Inclusive;
  ClawbackMethod method = ClawbackMethod::Full;
  std::vector<ClawbackStep> steps;  // Stepped only, within_days increasing
  bool reverse_attainment = false;
};

using ComponentSpec =
    std::variant<RateComponent, TargetIncentiveComponent, PerUnitComponent, MilestoneComponent, SpifComponent,
                 MboComponent, OverrideComponent, DrawComponent, ClawbackComponent>;

struct Component {
  std::string id;
  ComponentSpec spec;
};

// The document's "type" of a component.
inline std::string_view component_type(const Component& c) {
  struct {
    std::string_view operator()(const RateComponent& r) const { return r.table ? "tiered" : "flat_rate"; }
    std::string_view operator()(const TargetIncentiveComponent&) const { return "target_incentive"; }
    std::string_view operator()(const PerUnitComponent&) const { return "per_unit"; }
    std::string_view operator()(const MilestoneComponent&) const { return "milestone_bonus"; }
    std::string_view operator()(const SpifComponent&) const { return "spif"; }
    std::string_view operator()(const MboComponent&) const { return "mbo"; }
    std::string_view operator()(const OverrideComponent&) const { return "manager_override"; }
    std::string_view operator()(const DrawComponent&) const { return "draw"; }
    std::string_view operator()(const ClawbackComponent&) const { return "clawback"; }
  } visitor;
  return std::visit(visitor, c.spec);
}

}  // namespace salescomp
