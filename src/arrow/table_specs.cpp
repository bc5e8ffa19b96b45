#include "salescomp/arrow/table_specs.hpp"

#include <cstdint>
#include <limits>

#include "salescomp/core/error.hpp"

namespace salescomp::arrow {

// Declared at the end of this file, one function per area that appends its tables.
std::vector<TableSpec> accounting_table_specs();

namespace {

using K = FieldKind;
constexpr bool kRequired = true, kOptional = false;
constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();

std::vector<TableSpec> declare_tables() {
  std::vector<TableSpec> t;
  t.push_back(
      {"people",
       "The roster: one row per person.",
       {{"person_id", K::Id, kRequired, "the person's id (any text: CRM id, e-mail, name)"},
        {"role", K::Code, kRequired, "cro, cso, vp, director, sales_manager, ae, sdr, am, marketing, ops"},
        {"start_date", K::Date, kRequired, "first day of employment"},
        {"end_date", K::Date, kOptional, "last day of employment (inclusive); empty: still employed"},
        {"pay_currency", K::Code, kRequired, "ISO 4217 code the person is paid in"}}});
  t.push_back({"assignments",
               "Effective-dated assignments: manager, team, territory, role or plan of a person from a date.",
               {{"person_id", K::Id, kRequired, "the person"},
                {"field", K::Code, kRequired, "manager, team, territory, role or plan"},
                {"value", K::Id, kRequired, "the manager's person id, the team, territory, role or plan id"},
                {"from", K::Date, kRequired, "first day the value holds"},
                {"to", K::Date, kOptional, "last day the value holds (inclusive); empty: open-ended"}}});
  t.push_back({"leaves",
               "Leaves of absence (quota proration).",
               {{"person_id", K::Id, kRequired, "the person"},
                {"first", K::Date, kRequired, "first day away"},
                {"last", K::Date, kRequired, "last day away (inclusive)"}}});
  t.push_back({"deals",
               "Closed deals (bookings, renewals, refunds, cancellations): the input to crediting.",
               {{"deal_id", K::Id, kRequired, "the deal's id (any text, e.g. an 18-character CRM id)"},
                {"owner", K::Id, kRequired, "person id of the owner"},
                {"close_date", K::Date, kRequired, "the booking date"},
                {"amount", K::Money, kRequired, "in the deal currency; negative for refunds"},
                {"currency", K::Code, kRequired, "ISO 4217 code"},
                {"type", K::Code, kRequired,
                 "new_business, renewal, upsell, expansion, cross_sell, cancellation or refund"},
                {"invoice_date", K::Date, kOptional, "payout on invoice"},
                {"collection_date", K::Date, kOptional, "payout on collection"},
                {"cancellation_date", K::Date, kOptional, "clawbacks"},
                {"product", K::Id, kOptional, "product name (plan measure filters)"},
                {"customer", K::Id, kOptional, "customer id (account manager credit)"},
                {"source", K::Code, kOptional, "who sourced it: marketing, sdr, partner, sales or none"},
                {"source_person", K::Id, kOptional, "person id of the SDR or marketer who sourced it"},
                {"term_months", K::Integer, kOptional, "contract term in months (0: unknown)", 0, 1200},
                {"territory", K::Id, kOptional, "territory (territory credit)"},
                {"created_date", K::Date, kOptional, "opportunity creation (pipeline credit date)"},
                {"first_touch_source", K::Code, kOptional, "source of the first touch"},
                {"first_marketing_touch", K::Date, kOptional, "first marketing touch"},
                {"first_sales_activity", K::Date, kOptional, "first sales activity"}}});
  t.push_back({"splits",
               "Revenue splits (sum to exactly 1 per deal) and overlay splits (any total).",
               {{"deal_id", K::Id, kRequired, "the deal"},
                {"person", K::Id, kRequired, "person id credited"},
                {"share", K::Rate, kRequired, "share of the deal, e.g. 0.6"},
                {"kind", K::Code, kOptional, "revenue (default) or overlay"}}});
  t.push_back({"account_managers",
               "Account managers of customers over time (account manager credit).",
               {{"customer", K::Id, kRequired, "the customer"},
                {"person", K::Id, kRequired, "person id of the account manager"},
                {"from", K::Date, kRequired, "first day"},
                {"to", K::Date, kOptional, "last day (inclusive)"}}});
  t.push_back({"quotas",
               "Quotas per subject, measure and fiscal period, before ramps, proration and relief.",
               {{"subject", K::Id, kRequired, "person id (or team id with subject_kind team)"},
                {"subject_kind", K::Code, kOptional, "person (default) or team"},
                {"measure", K::Id, kOptional, "measure id (default: the first measure)"},
                {"period_kind", K::Code, kRequired, "week, month, quarter, half or year"},
                {"fiscal_year", K::Integer, kRequired, "fiscal year", 1, 9999},
                {"number", K::Integer, kRequired, "period number within the fiscal year (1-based)", 1, 53},
                {"amount", K::Money, kRequired, "the quota"},
                {"currency", K::Code, kRequired, "ISO 4217 code"}}});
  t.push_back({"quota_relief",
               "Quota relief: documented adjustments of one quota row (a positive amount lowers the quota).",
               {{"subject", K::Id, kRequired, "person id (or team id with subject_kind team)"},
                {"subject_kind", K::Code, kOptional, "person (default) or team"},
                {"measure", K::Id, kOptional, "measure id (default: the first measure)"},
                {"period_kind", K::Code, kRequired, "week, month, quarter, half or year"},
                {"fiscal_year", K::Integer, kRequired, "fiscal year", 1, 9999},
                {"number", K::Integer, kRequired, "period number within the fiscal year (1-based)", 1, 53},
                {"amount", K::Money, kRequired, "the relief"},
                {"currency", K::Code, kRequired, "ISO 4217 code"},
                {"reason", K::Text, kRequired, "why (territory change, agreed leave, ...)"}}});
  t.push_back({"ramp_assignments",
               "Which ramp (config.json ramps) applies to a new hire.",
               {{"person", K::Id, kRequired, "person id"}, {"ramp", K::Id, kRequired, "ramp name"}}});
  t.push_back({"pipeline",
               "Open opportunities weighted into pacing forecasts.",
               {{"owner", K::Id, kRequired, "person id of the owner"},
                {"expected_close", K::Date, kRequired, "expected close date"},
                {"amount", K::Money, kRequired, "in `currency`"},
                {"currency", K::Code, kRequired, "ISO 4217 code"},
                {"stage", K::Id, kRequired, "stage name (its probability comes from stage_probability)"},
                {"measure", K::Id, kOptional, "measure it would credit (default: the first measure)"}}});
  t.push_back({"fx_rates",
               "Dated exchange rates: 1 from_currency = rate to_currency from `date` on (carried forward).",
               {{"from_currency", K::Code, kRequired, "ISO 4217 code"},
                {"to_currency", K::Code, kRequired, "ISO 4217 code"},
                {"date", K::Date, kRequired, "first day the rate applies"},
                {"rate", K::Rate, kRequired, "exact decimal, at most 12 places"}}});
  t.push_back({"credits",
               "Credits handed to the commission run (what crediting produces).",
               {{"person_id", K::Id, kRequired, "person credited"},
                {"deal_id", K::Id, kRequired, "the deal the credit comes from"},
                {"date", K::Date, kRequired, "credit date"},
                {"amount", K::Money, kRequired, "the credit, in `currency`"},
                {"currency", K::Code, kRequired, "ISO 4217 code"},
                {"measure", K::Id, kOptional, "measure id (default bookings)"},
                {"kind", K::Code, kOptional,
                 "direct, revenue_split, overlay, roll_up, sdr_sourced, account_manager, marketing_sourced, "
                 "territory (default direct)"},
                {"deal_type", K::Code, kOptional, "the deal's type (default new_business)"},
                {"rule", K::Integer, kOptional, "crediting rule index (lineage)", 0, kInt32Max},
                {"depth", K::Integer, kOptional, "roll-up level (0: the rep)", 0, 64}}});
  t.push_back({"collections",
               "Cash collected per deal (payout on collection).",
               {{"deal_id", K::Id, kRequired, "the deal"},
                {"date", K::Date, kRequired, "collection date"},
                {"amount", K::Money, kRequired, "cash collected, in the deal currency"},
                {"currency", K::Code, kOptional, "the deal currency (default: the deal's)"}}});
  t.push_back({"mbo",
               "MBO achievements entered for a period.",
               {{"person_id", K::Id, kRequired, "the person"},
                {"component", K::Id, kRequired, "the plan's MBO component id"},
                {"objective", K::Id, kRequired, "the objective id"},
                {"achievement", K::Rate, kRequired, "achievement, 1 = 100%"}}});
  t.push_back({"plan_assignments",
               "Which plan pays a person over which days (the `plan` rows of assignments).",
               {{"person_id", K::Id, kRequired, "the person"},
                {"plan_id", K::Id, kRequired, "the plan's id"},
                {"from", K::Date, kRequired, "first day"},
                {"to", K::Date, kOptional, "last day (inclusive); empty: open-ended"}}});
  t.push_back(
      {"effective_quotas",
       "Quotas after ramps, proration and relief: what effective_quotas() gives and what the commission "
       "run takes (rows of subject_kind team are skipped by the run).",
       {{"subject", K::Id, kRequired, "person id (or team id when subject_kind is team)"},
        {"subject_kind", K::Code, kOptional, "person (default) or team"},
        {"measure", K::Id, kRequired, "measure id"},
        {"period_kind", K::Code, kOptional, "week, month, quarter, half or year"},
        {"fiscal_year", K::Integer, kOptional, "fiscal year", 1, 9999},
        {"number", K::Integer, kOptional, "period number within the fiscal year", 1, 53},
        {"period_start", K::Date, kRequired, "first day of the period"},
        {"period_end", K::Date, kOptional, "last day of the period"},
        {"base", K::Money, kOptional, "the quota as entered"},
        {"adjusted", K::Money, kOptional, "after ramp and proration"},
        {"relief", K::Money, kOptional, "quota relief (lowers the quota)"},
        {"quota", K::Money, kRequired, "the quota the period is measured against"},
        {"currency", K::Code, kRequired, "ISO 4217 code"},
        {"active_units", K::Integer, kOptional, "units (days or months) the person was active", 0, 400},
        {"total_units", K::Integer, kOptional, "units in the period", 0, 400},
        {"relief_reason", K::Text, kOptional, "reasons of the relief rows"}}});
  t.push_back({"run_deals",
               "The deals a commission run looks back at (row = the credits' deal).",
               {{"deal_id", K::Id, kOptional, "the user's deal id (explanations name the deal by it)"},
                {"close_date", K::Date, kRequired, "the booking date (clawback windows)"},
                {"cancellation_date", K::Date, kOptional, "clawbacks"},
                {"invoice_date", K::Date, kOptional, "payout on invoice"},
                {"collection_date", K::Date, kOptional, "payout on collection (fully collected that day)"},
                {"amount", K::Money, kOptional, "the deal amount in `currency` (payout on collection)"},
                {"currency", K::Code, kOptional, "ISO 4217 code of the amount"},
                {"term_months", K::Integer, kOptional, "contract term in months (0: unknown)", 0, 1200},
                {"product", K::Integer, kOptional, "the plan's product code (-1: none)", -1, kInt32Max}}});
  for (TableSpec& s : accounting_table_specs()) t.push_back(std::move(s));
  return t;
}

}  // namespace

const std::vector<TableSpec>& table_specs() {
  static const std::vector<TableSpec> specs = declare_tables();
  return specs;
}

const TableSpec& table_spec(std::string_view name) {
  for (const TableSpec& s : table_specs())
    if (s.name == name) return s;
  throw LookupError("SC-TABLE-UNKNOWN", "no declared table named '" + std::string(name) + "'");
}

}  // namespace salescomp::arrow

// Commission expense accounting (salescomp.accounting, docs/accounting.md): the
// three tables of the input book. Month counts are read as 32-bit integers; the
// book's own rules (1 to 1200 months) are checked after the cells are read.
namespace salescomp::arrow {

std::vector<TableSpec> accounting_table_specs() {
  using K = FieldKind;
  constexpr bool kRequired = true, kOptional = false;
  constexpr int64_t kMin32 = std::numeric_limits<int32_t>::min(),
                    kMax32 = std::numeric_limits<int32_t>::max();
  std::vector<TableSpec> t;
  t.push_back(
      {"commission_costs",
       "Commission costs to capitalise or expense: one row per cost line (give amount or amount_minor).",
       {{"line_id", K::Id, kRequired, "the cost line (integers, or text ids); unique; the asset key"},
        {"person", K::Id, kOptional, "who was paid (lineage, passed through to the assets)"},
        {"contract", K::Id, kOptional, "the contract or deal the cost was paid for (lineage)"},
        {"amount", K::Money, kOptional, "the cost, in `currency`; positive"},
        {"amount_minor", K::MinorUnits, kOptional,
         "the cost in integer minor units of `currency` (instead of amount)"},
        {"currency", K::Code, kRequired, "ISO 4217 code"},
        {"incurred", K::Date, kRequired, "when the cost is recognised"},
        {"contract_start", K::Date, kRequired, "when the service, and amortisation, begins"},
        {"term_months", K::Integer, kRequired, "contract term; 1 to 1200 for incremental costs", kMin32,
         kMax32},
        {"incremental", K::Boolean, kRequired, "incurred only because the contract was obtained"},
        {"kind", K::Code, kOptional, "initial (default), renewal or expansion"},
        {"renewal_commensurate", K::Boolean, kOptional,
         "renewals pay a commensurate commission (default true)"},
        {"customer_life_months", K::Integer, kOptional, "expected customer life; 0 or empty: the policy's",
         kMin32, kMax32},
        {"pattern", K::Code, kOptional, "straight_line (default) or revenue_proportional"}}});
  t.push_back({"asset_events",
               "Events that change a commission asset after it is recognised.",
               {{"line_id", K::Id, kRequired, "the cost line (asset) the event applies to"},
                {"kind", K::Code, kRequired, "clawback, extension, change_in_estimate or termination"},
                {"date", K::Date, kRequired, "when it happens"},
                {"amount", K::Money, kOptional, "clawback: the amount recovered, in the line's currency"},
                {"amount_minor", K::MinorUnits, kOptional, "clawback: the amount in integer minor units"},
                {"months", K::Integer, kOptional,
                 "extension: months added; change_in_estimate: the new total period", kMin32, kMax32}}});
  t.push_back(
      {"revenue_schedule",
       "Revenue per month of the cost lines amortised in proportion to revenue.",
       {{"line_id", K::Id, kRequired, "the cost line"},
        {"month", K::Date, kRequired, "any day of the month"},
        {"weight", K::Money, kRequired, "revenue (or any weight) of the month, >= 0, at most 4 decimals"}}});
  return t;
}

}  // namespace salescomp::arrow
