#pragma once
// The plan document (JSON) <-> Plan. Reading is strict: unknown keys, wrong
// types, missing required fields and every semantic problem of
// validate_plan are reported together in one ValidationError
// "SC-PLAN-INVALID", each Issue naming the JSON path. Decimals are written
// as JSON strings ("0.05") or plain JSON numbers (0.05); exponents are
// refused. Money amounts are in the plan currency. docs/plan-schema.json is
// the JSON Schema; docs/plan-reference.md explains every option.
#include <string>
#include <string_view>

#include "salescomp/detail/json_value.hpp"
#include "salescomp/plan/plan.hpp"

namespace salescomp {

Plan plan_from_json(std::string_view json_text);
Plan plan_from_json(const detail::JsonValue& document);

// Canonical JSON of a valid plan (keys in schema order, decimals as strings,
// every default written out); plan_from_json(plan_to_json(p)) == p.
std::string plan_to_json(const Plan& plan);

}  // namespace salescomp
