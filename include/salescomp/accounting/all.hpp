#pragma once
// Everything public of commission expense accounting (ASC 340-40 / IFRS 15).
#include "salescomp/accounting/amortisation_book.hpp"
#include "salescomp/accounting/amortisation_policy.hpp"
#include "salescomp/accounting/amortisation_schedule.hpp"
#include "salescomp/accounting/amortisation_spread.hpp"
#include "salescomp/accounting/asset_event_table.hpp"
#include "salescomp/accounting/asset_table.hpp"
#include "salescomp/accounting/capitalisation_decision.hpp"
#include "salescomp/accounting/commission_cost_table.hpp"
#include "salescomp/accounting/journal_table.hpp"
#include "salescomp/accounting/month.hpp"
#include "salescomp/accounting/revenue_schedule_table.hpp"
#include "salescomp/accounting/roll_forward_table.hpp"
