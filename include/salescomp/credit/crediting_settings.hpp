#pragma once
// Settings of a crediting run: the currency credits are expressed in, the
// date of the FX rate, the period the `period` column names, rounding.
#include <cstdint>

#include "salescomp/core/currency.hpp"
#include "salescomp/core/period.hpp"
#include "salescomp/core/rounding.hpp"

namespace salescomp {

enum class CreditCurrency : uint8_t {
  Deal,         // keep the deal's currency (no FX)
  PayCurrency,  // the credited person's pay currency
  Reporting,    // one reporting currency for everyone
};

enum class FxDate : uint8_t {
  CreditDate,  // the rate in force on the credit date (the deal date)
  PeriodEnd,   // the rate in force on the last day of the credit's period
};

struct CreditingSettings {
  CreditCurrency currency = CreditCurrency::PayCurrency;
  Currency reporting_currency{};  // for CreditCurrency::Reporting
  FxDate fx_date = FxDate::CreditDate;
  PeriodKind period_kind = PeriodKind::Month;      // the `period` column and FxDate::PeriodEnd
  RoundingMode rounding = RoundingMode::HalfEven;  // shares (overlay, role, roll-up) and FX
  int threads = 1;                                 // 0 = hardware concurrency; output is identical
};

}  // namespace salescomp
