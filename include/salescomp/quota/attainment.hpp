#pragma once
// Attainment: credits against effective quotas, per subject, measure and
// period, plus the cumulative quarter-to-date and year-to-date figures.
//
//   credited   Σ credits of the subject with the row's measure, dated in the
//              period (and on or before `through`, when given)
//   attained   credited >= final quota, decided exactly (credited x 1 vs quota)
//   attainment credited / quota as a Rate, rounded once (HalfEven) for
//              display; decisions never use it
//   qtd_*/ytd_*  sums over the subject's rows of the same measure and period
//              kind in the same fiscal quarter/year, up to and including this row
// People are credited with every credit kind in `person_kinds`; a team with
// the credits (kinds in `team_kinds`, depth 0) of the people whose team is
// the team on the credit date.
#include <cstdint>
#include <optional>
#include <vector>

#include "salescomp/core/fiscal_calendar.hpp"
#include "salescomp/core/rate.hpp"
#include "salescomp/credit/credit_rule.hpp"
#include "salescomp/credit/credit_table.hpp"
#include "salescomp/org/organisation.hpp"
#include "salescomp/quota/effective_quota.hpp"

namespace salescomp {

enum class TeamQuotaSource : uint8_t {
  Explicit,      // only team rows of the quota table
  SumOfMembers,  // team rows where given, else Σ final quotas of the people in the team on the period's last
                 // day
};

struct AttainmentSettings {
  uint16_t person_kinds = 0xFFFF;
  uint16_t team_kinds = credit_kind_bit(CreditKind::Direct) | credit_kind_bit(CreditKind::RevenueSplit);
  TeamQuotaSource team_quota = TeamQuotaSource::SumOfMembers;
  std::optional<Date> through;  // count only credits dated on or before this day
  int threads = 1;              // rows credited on this many threads; the same table for any count
};

struct AttainmentTable {
  std::vector<SubjectKind> subject_kind;
  std::vector<int32_t> subject;
  std::vector<int32_t> measure;
  std::vector<Period> period;
  std::vector<Currency> currency;
  std::vector<int64_t> credited;
  std::vector<int64_t> quota;     // the final (effective) quota
  std::vector<Rate> attainment;   // display only; 0 when the quota is 0
  std::vector<uint8_t> attained;  // 1 when credited >= quota (exact)
  std::vector<int64_t> qtd_credited, qtd_quota, ytd_credited, ytd_quota;
  std::vector<Rate> qtd_attainment, ytd_attainment;
  std::vector<int32_t> credit_count;

  std::size_t size() const noexcept { return subject.size(); }
};

AttainmentTable compute_attainment(const CreditTable& credits, const EffectiveQuotaTable& quotas,
                                   const Organisation& org, const FiscalCalendar& calendar,
                                   const AttainmentSettings& settings = {});

}  // namespace salescomp
