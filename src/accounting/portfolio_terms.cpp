// The portfolio terms pass: one streaming pass over the credits' chunks,
// exact 128-bit sums per (person, quarter), one half-even division per group.
#include "salescomp/accounting/portfolio_terms.hpp"

#include <algorithm>
#include <string_view>
#include <unordered_map>

#include "salescomp/arrow/cell_issues.hpp"
#include "salescomp/arrow/column_readers.hpp"
#include "salescomp/arrow/text_cells.hpp"
#include "salescomp/core/error.hpp"
#include "salescomp/detail/int128.hpp"

namespace salescomp {

// Named (not anonymous) so that a unity build batching src/ files cannot clash.
namespace portfolio_terms_detail {

using detail::int128;

const arrow::Column& required_column(const arrow::ImportedTable& t, std::string_view name) {
  if (const arrow::Column* c = t.find(name)) return *c;
  throw ValidationError("SC-ACCT-PORTFOLIO",
                        Issue{std::nullopt, "column", std::string(name), "required column is missing", t.source()});
}

// numerator / denominator (> 0) rounded half-even (floor division first, as
// Python's divmod, so negative terms round the same way as Decimal does).
int128 divide_half_even(int128 numerator, int128 denominator) {
  int128 q = numerator / denominator, r = numerator % denominator;
  if (r < 0) q -= 1, r += denominator;
  const int128 twice = 2 * r;
  if (twice > denominator || (twice == denominator && (q & 1) != 0)) q += 1;
  return q;
}

}  // namespace portfolio_terms_detail

PortfolioTerms portfolio_terms(const arrow::ImportedTable& credits, const std::vector<int32_t>& deal_terms,
                               const std::vector<int32_t>& quarter_end_days,
                               const std::vector<std::string>& person_ids) {
  using namespace portfolio_terms_detail;
  using arrow::TypeId;
  const arrow::Column& person = required_column(credits, "person_id");
  const arrow::Column& deal_row = required_column(credits, "deal_row");
  const arrow::Column& date = required_column(credits, "date");
  const arrow::Column& amount = required_column(credits, "amount");
  if (!amount.type.is_decimal() && amount.type.id != TypeId::Null)
    throw ValidationError("SC-ACCT-PORTFOLIO", Issue{std::nullopt, "amount", amount.type.describe(),
                                                     "credit amounts must be decimal", credits.source()});
  if (!deal_row.type.is_integer() || deal_row.type.dictionary)
    throw ValidationError("SC-ACCT-PORTFOLIO", Issue{std::nullopt, "deal_row", deal_row.type.describe(),
                                                     "deal rows must be integers", credits.source()});
  if (!std::is_sorted(quarter_end_days.begin(), quarter_end_days.end()))
    throw ValidationError("SC-ACCT-PORTFOLIO",
                          Issue{std::nullopt, "quarter_ends", "", "quarter ends must be in ascending order"});

  // People by id; credits of anyone else do not count.
  std::unordered_map<std::string_view, int32_t> index;
  index.reserve(person_ids.size());
  for (std::size_t i = 0; i < person_ids.size(); ++i) index.emplace(person_ids[i], int32_t(i));
  const std::vector<int32_t> who = arrow::id_codes<int32_t>(
      person,
      [&](int64_t, std::string_view id) -> int32_t {
        const auto it = index.find(id);
        return it == index.end() ? -1 : it->second;
      },
      -1, -2);

  // Dates other than date32 (the credits table's own layout) are read once up front.
  arrow::CellIssues issues(credits.source().empty() ? "credits" : credits.source());
  std::vector<int32_t> other_days;
  if (date.type.id != TypeId::Date32) other_days = arrow::read_days(date, false, issues);

  const std::size_t quarters = quarter_end_days.size();
  std::vector<int128> numerator(person_ids.size() * quarters, 0), denominator(numerator.size(), 0);
  bool overflow = false;
  for (std::size_t k = 0; k < amount.chunks.size(); ++k) {
    const ArrowArray& amounts = *amount.chunks[k].array;
    const ArrowArray& rows = *deal_row.chunks[k].array;
    const ArrowArray* days = date.type.id == TypeId::Date32 ? date.chunks[k].array : nullptr;
    const int64_t first = amount.chunks[k].first_row;
    for (int64_t i = 0; i < amounts.length; ++i) {
      const int64_t row = first + i;
      const int32_t p = who[std::size_t(row)];
      if (p < 0 || amount.type.id == TypeId::Null || !arrow::is_valid_bit(amounts, i)) continue;
      const arrow::detail::DecimalCell cell = arrow::detail::decimal_at(amounts, amount.type, i);
      if (cell.state != arrow::detail::DecimalCell::State::Ok || cell.unscaled <= 0) continue;
      int32_t day;
      if (days != nullptr) {
        if (!arrow::is_valid_bit(*days, i)) continue;
        day = static_cast<const int32_t*>(days->buffers[1])[days->offset + i];
      } else {
        day = other_days[std::size_t(row)];
        if (day == arrow::kNoDay) continue;
      }
      const auto end = std::lower_bound(quarter_end_days.begin(), quarter_end_days.end(), day);
      if (end == quarter_end_days.end()) continue;
      if (!arrow::is_valid_bit(rows, i)) {
        issues.add(row, "deal_row", "", "a deal row is required");
        continue;
      }
      // A uint64 beyond int64 reads as negative here: out of range either way.
      const int64_t d = arrow::integer_at(rows, deal_row.type.id, i);
      if (d < 0 || uint64_t(d) >= deal_terms.size()) {
        const bool huge = deal_row.type.id == TypeId::UInt64 && d < 0;
        issues.add(row, "deal_row", huge ? std::to_string(uint64_t(d)) : std::to_string(d),
                   "no deal has this row (deals: " + std::to_string(deal_terms.size()) + ")");
        continue;
      }
      const std::size_t slot = std::size_t(p) * quarters + std::size_t(end - quarter_end_days.begin());
      int128 weighted;
      overflow |= __builtin_mul_overflow(cell.unscaled, int128(deal_terms[std::size_t(d)]), &weighted);
      overflow |= __builtin_add_overflow(numerator[slot], weighted, &numerator[slot]);
      overflow |= __builtin_add_overflow(denominator[slot], cell.unscaled, &denominator[slot]);
    }
  }
  issues.throw_if_any("SC-ACCT-PORTFOLIO");
  if (overflow)
    throw OverflowError("SC-ACCT-PORTFOLIO-OVERFLOW",
                        "credit-weighted terms: the sum of amount x term does not fit in 128 bits");

  PortfolioTerms out;
  out.quarters = quarters;
  out.term.assign(numerator.size(), kNoPortfolioTerm);
  for (std::size_t s = 0; s < numerator.size(); ++s) {
    if (denominator[s] <= 0) continue;
    const int128 t = divide_half_even(numerator[s], denominator[s]);
    if (t < std::numeric_limits<int32_t>::min() + 1 || t > std::numeric_limits<int32_t>::max())
      throw OverflowError("SC-ACCT-PORTFOLIO-OVERFLOW", "a credit-weighted term does not fit in 32 bits");
    out.term[s] = int32_t(t);
  }
  return out;
}

}  // namespace salescomp
