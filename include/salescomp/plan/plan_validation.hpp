#pragma once
// Semantic validation of a Plan. Every problem is reported (not just the
// first), each with the JSON path of the offending value in the plan
// document, e.g. "$.components[2].tiers[1].from", as the Issue's field.
#include <vector>

#include "salescomp/core/error.hpp"
#include "salescomp/plan/plan.hpp"

namespace salescomp {

// Problems of `plan`, in document order; empty when the plan is valid.
std::vector<Issue> plan_issues(const Plan& plan);

// Throws ValidationError "SC-PLAN-INVALID" listing every problem.
void validate_plan(const Plan& plan);

}  // namespace salescomp
