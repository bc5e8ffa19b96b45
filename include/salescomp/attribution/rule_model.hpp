#pragma once
// Rule-based attribution models and every convention they need. Defaults are
// the field's usual ones; docs/attribution.md shows each with arithmetic.
#include <cstdint>
#include <vector>

#include "salescomp/core/rate.hpp"

namespace salescomp {

enum class RuleModel {
  FirstTouch,        // everything to the first touch
  LastTouch,         // everything to the last touch
  LastNonDirect,     // last touch whose channel is not in direct_channels (all direct: last touch)
  LinearPerTouch,    // 1/L per touch: a channel touched twice gets 2/L
  LinearPerChannel,  // 1/|distinct channels| per channel, whatever the repeats
  PositionBased,     // first / middle / last shares (U-shaped, 40/20/40)
  WShaped,           // first touch, lead created, opportunity created + rest
  FullPath,          // W-shaped + closed won
  TimeDecay,         // 2^(-dt / half_life), dt from the latest touch
  StepDecay,         // factor^floor(dt / step), dt from the conversion time
  CustomPositions,   // weights by position from the start / from the end
};

// Position-based journeys with two touches have no middle.
enum class TwoTouchConvention {
  SplitMiddleEvenly,  // first + middle/2, last + middle/2 (40/20/40 -> 50/50)
  Renormalise,        // first : last in proportion first : last (40:40 -> 50/50; 40:30 -> 4/7, 3/7)
};

// What a journey with a single touch does in models that distinguish positions
// (position-based, W-shaped, full path, custom positions).
enum class OneTouchConvention {
  FullCredit,  // the single touch gets everything (the field's convention)
  Reject,      // a ValidationError naming the row
};

// Milestone shares of W-shaped / full-path. A touch holding several milestones
// (first touch that also created the lead) gets the sum of their shares; a
// milestone absent from the journey drops out and the rest is renormalised;
// `rest` is spread evenly over the touches that hold no milestone, and when
// there are none it drops out (milestone touches renormalised).
struct MilestoneShares {
  Rate first_touch;
  Rate lead_created;
  Rate opportunity_created;
  Rate closed_won;
  Rate rest;
};

struct RuleOptions {
  RuleModel model = RuleModel::LinearPerTouch;

  std::vector<int32_t> direct_channels;  // LastNonDirect

  Rate first_share = Rate::parse("0.4");  // PositionBased
  Rate middle_share = Rate::parse("0.2");
  Rate last_share = Rate::parse("0.4");
  // first + middle + last must be exactly 1 (docs/attribution.md); shares
  // that do not sum to 1 are an error unless the caller asks to scale them.
  bool normalise_shares = false;
  TwoTouchConvention two_touch = TwoTouchConvention::SplitMiddleEvenly;
  OneTouchConvention one_touch = OneTouchConvention::FullCredit;

  MilestoneShares w_shaped{Rate::parse("0.3"), Rate::parse("0.3"), Rate::parse("0.3"), Rate::from_int(0),
                           Rate::parse("0.1")};
  MilestoneShares full_path{Rate::parse("0.225"), Rate::parse("0.225"), Rate::parse("0.225"),
                            Rate::parse("0.225"), Rate::parse("0.1")};

  int64_t half_life = 7 * 86400;          // TimeDecay, in timestamp units (7 days of seconds)
  Rate step_factor = Rate::parse("0.5");  // StepDecay: weight factor^floor(dt / step_length)
  int64_t step_length = 7 * 86400;

  // CustomPositions: touch i of L gets weights_from_start[i] if i is in range,
  // else weights_from_end[L-1-i] if in range, else other_weight.
  std::vector<Rate> weights_from_start;
  std::vector<Rate> weights_from_end;
  Rate other_weight = Rate::from_int(0);

  bool per_journey = false;  // also return JourneyCredits
};

}  // namespace salescomp
