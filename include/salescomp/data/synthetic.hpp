#pragma once
// A seeded generator of synthetic revenue organisations: roster (a tree of
// CRO, VPs, directors, managers and reps), effective-dated managers and
// teams (with mid-year manager moves), deals with revenue splits, overlays
// and SDR sources, and monthly quotas. Same spec and seed, same bytes, on
// every platform (splitmix64, no std distributions).
#include <cstdint>
#include <string>
#include <vector>

#include "salescomp/core/fiscal_calendar.hpp"
#include "salescomp/core/fx_table.hpp"
#include "salescomp/credit/credit_rule.hpp"
#include "salescomp/credit/split_table.hpp"
#include "salescomp/data/deal_table.hpp"
#include "salescomp/org/organisation.hpp"
#include "salescomp/quota/quota_table.hpp"

namespace salescomp {

struct SyntheticSpec {
  int32_t people = 1000;
  int64_t deals = 10000;
  int fanout = 8;          // reports per manager
  int fiscal_year = 2026;  // calendar fiscal year (start month 1)
  uint64_t seed = 42;
  int split_percent = 20;        // deals with a 2- or 3-way revenue split
  int overlay_percent = 10;      // deals with an overlay
  int sdr_percent = 30;          // deals sourced by an SDR
  int foreign_percent = 10;      // deals in EUR (credited in USD through FX)
  int manager_move_percent = 2;  // people whose manager changes on July 1
  int roll_up_depth = 3;
};

struct SyntheticData {
  Organisation org;
  DealTable deals;
  SplitTable splits;
  QuotaTable quotas;    // monthly, measure 0, USD
  CreditRuleSet rules;  // direct, revenue split, overlay, SDR, roll-up
  FxTable fx;           // EUR/USD quotes for the year
  FiscalCalendar calendar;
};

SyntheticData make_synthetic(const SyntheticSpec& spec);

}  // namespace salescomp
