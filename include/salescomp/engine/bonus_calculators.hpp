#pragma once
// Calculators of the one-off and per-deal bonuses: milestone bonuses (paid
// once), SPIFs (per matching credit in a date window) and MBOs (entered
// achievement x target). Pure and exact, one rounding per line.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "salescomp/core/date.hpp"
#include "salescomp/core/money.hpp"
#include "salescomp/core/rounding.hpp"
#include "salescomp/data/deal_type.hpp"
#include "salescomp/engine/explanation.hpp"
#include "salescomp/plan/components.hpp"

namespace salescomp {

// Milestones newly reached (A >= level, exact) and not already paid; each
// is one line. `already_paid` holds the ids paid in earlier periods.
struct MilestoneResult {
  std::vector<ComponentResult> lines;
  std::vector<std::string> newly_paid;
};
MilestoneResult calculate_milestones(const MilestoneComponent& component, const std::string& component_id,
                                     const Money& measure, const Money& quota,
                                     const std::vector<std::string>& already_paid);

// One credit a SPIF may pay on.
struct SpifCredit {
  int64_t deal = 0;  // deal id (lineage)
  Date date;
  DealType deal_type = DealType::NewBusiness;
  int32_t product = -1;
  Money credit;
  std::string deal_label;  // the user's deal id for explanations ("": `deal` is printed)
};
// One line per qualifying credit, in input order: amount_per_deal + rate x
// credit, rounded once by `mode`.
std::vector<std::pair<int64_t, ComponentResult>> calculate_spif(const SpifComponent& component,
                                                                const std::string& component_id,
                                                                const std::vector<SpifCredit>& credits,
                                                                RoundingMode mode, bool explain = true);

// target x sum(weight_i x min(achievement_i, max_achievement)). Every
// objective needs an achievement (>= 0); unknown or missing ids are errors.
ComponentResult calculate_mbo(const MboComponent& component, const std::string& component_id,
                              const std::vector<std::pair<std::string, Rate>>& achievements,
                              RoundingMode mode);

}  // namespace salescomp
