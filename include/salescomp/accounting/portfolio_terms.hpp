#pragma once
// The amortisation period of a period commission (docs/accounting.md, section 1).
// A commission paid on a quarter's bookings as a whole (a tiered commission, an
// override) is not tied to one contract, so it follows ASC 340-40's portfolio
// approach: it is amortised over the credit-weighted average term of the deals
// the person was credited for in that quarter, in whole months rounded half-even.
// One pass over the credits table, read where it lies: an Arrow table (C Data
// Interface), or crediting's own CreditTable.
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "salescomp/arrow/imported_table.hpp"
#include "salescomp/credit/credit_table.hpp"

namespace salescomp {

inline constexpr int32_t kNoPortfolioTerm = std::numeric_limits<int32_t>::min();

struct PortfolioTerms {
  std::size_t quarters = 0;
  // term[person * quarters + quarter - 1]: whole months, or kNoPortfolioTerm when
  // the person has no positive credit in that quarter.
  std::vector<int32_t> term;

  int32_t at(std::size_t person, std::size_t quarter) const noexcept {
    return term[person * quarters + quarter - 1];
  }
};

// `credits` needs the columns person_id (id), deal_row (integer index into
// `deal_terms`), date (date32, or any date layout) and amount (decimal); others
// are not read. A credit counts in the first quarter whose last day
// (`quarter_end_days`, ascending, days since 1970-01-01) is on or after its
// date; credits after the last quarter, of amount <= 0 or null, and of people
// not in `person_ids` do not count. Sums are exact (128 bits; an OverflowError
// otherwise); deal rows out of range are a ValidationError naming the 1-based row.
PortfolioTerms portfolio_terms(const arrow::ImportedTable& credits, const std::vector<int32_t>& deal_terms,
                               const std::vector<int32_t>& quarter_end_days,
                               const std::vector<std::string>& person_ids);

// The same from crediting's table as it lies, with no Arrow export: `row_of_person[p]`
// is the output row of roster person p (-1: not counted), and each amount weighs as
// the decimal the credits' Arrow export gives it (minor units at the table's widest
// currency scale), so both overloads give the same terms.
PortfolioTerms portfolio_terms(const CreditTable& credits, const std::vector<int32_t>& row_of_person,
                               std::size_t rows, const std::vector<int32_t>& deal_terms,
                               const std::vector<int32_t>& quarter_end_days);

}  // namespace salescomp
