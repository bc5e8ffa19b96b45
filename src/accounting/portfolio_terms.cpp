// The portfolio terms pass: one streaming pass over the credits' chunks,
// exact 128-bit sums per (person, quarter), one half-even division per group.
#include "salescomp/accounting/portfolio_terms.hpp"

#include <algorithm>
#include <cstring>
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
  throw ValidationError("SC-ACCT-PORTFOLIO", Issue{std::nullopt, "column", std::string(name),
                                                   "required column is missing", t.source()});
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

// Exact sums of amount x term and of amount per (row, quarter); one half-even
// division per group at the end.
class TermSums {
 public:
  TermSums(std::size_t rows, const std::vector<int32_t>& quarter_end_days, uint64_t credits)
      : ends_(quarter_end_days),
        numerator_(rows * ends_.size(), 0),
        denominator_(numerator_.size(), 0),
        // An int64 amount times a 32-bit term is below 2^94, so fewer than 2^32 such
        // products cannot leave 128 bits: sums are checked only once a wider amount is added.
        bounded_(credits < (uint64_t(1) << 32)) {
    if (!std::is_sorted(ends_.begin(), ends_.end()))
      throw ValidationError("SC-ACCT-PORTFOLIO", Issue{std::nullopt, "quarter_ends", "",
                                                       "quarter ends must be in ascending order"});
  }

  // The quarter of `day`: the first whose last day is on or after it; quarters() when none.
  std::size_t quarter_of(int32_t day) const {
    return std::size_t(std::lower_bound(ends_.begin(), ends_.end(), day) - ends_.begin());
  }
  std::size_t quarters() const noexcept { return ends_.size(); }

  // `narrow`: the amount fits int64.
  void add(std::size_t row, std::size_t quarter, int128 amount, bool narrow, int32_t term) {
    const std::size_t slot = row * ends_.size() + quarter;
    if (narrow && bounded_) {
      numerator_[slot] += amount * term;
      denominator_[slot] += amount;
      return;
    }
    bounded_ = false;
    int128 weighted;
    overflow_ |= __builtin_mul_overflow(amount, int128(term), &weighted);
    overflow_ |= __builtin_add_overflow(numerator_[slot], weighted, &numerator_[slot]);
    overflow_ |= __builtin_add_overflow(denominator_[slot], amount, &denominator_[slot]);
  }

  PortfolioTerms finish() const {
    if (overflow_)
      throw OverflowError("SC-ACCT-PORTFOLIO-OVERFLOW",
                          "credit-weighted terms: the sum of amount x term does not fit in 128 bits");
    PortfolioTerms out;
    out.quarters = ends_.size();
    out.term.assign(numerator_.size(), kNoPortfolioTerm);
    for (std::size_t s = 0; s < numerator_.size(); ++s) {
      if (denominator_[s] <= 0) continue;
      const int128 t = divide_half_even(numerator_[s], denominator_[s]);
      if (t < std::numeric_limits<int32_t>::min() + 1 || t > std::numeric_limits<int32_t>::max())
        throw OverflowError("SC-ACCT-PORTFOLIO-OVERFLOW", "a credit-weighted term does not fit in 32 bits");
      out.term[s] = int32_t(t);
    }
    return out;
  }

 private:
  const std::vector<int32_t>& ends_;
  std::vector<int128> numerator_, denominator_;
  bool bounded_;
  bool overflow_ = false;
};

constexpr int32_t kUnknown = -2;

// Whether two dictionaries hold the same texts in the same order: the same buffers, or
// (utf8 / large_utf8) equal offsets and bytes. Each batch of a stream read from a file
// carries its own copy of the dictionary; comparing it (about 1 MB for 100k people) is
// far cheaper than looking its entries up again.
bool same_dictionary(const ArrowArray* a, const ArrowArray* b, arrow::TypeId text) {
  if (a == b) return true;
  if (a == nullptr || b == nullptr || a->length != b->length || a->null_count != b->null_count) return false;
  if (a->offset == b->offset && a->n_buffers == b->n_buffers) {
    bool same = true;
    for (int64_t k = 0; k < a->n_buffers && same; ++k) same = a->buffers[k] == b->buffers[k];
    if (same) return true;
  }
  if (a->null_count != 0 || (text != arrow::TypeId::Utf8 && text != arrow::TypeId::LargeUtf8)) return false;
  const std::size_t width = text == arrow::TypeId::Utf8 ? 4 : 8;
  auto offset = [&](const ArrowArray* x, int64_t i) -> int64_t {
    const void* o = x->buffers[1];
    return width == 4 ? int64_t(static_cast<const int32_t*>(o)[x->offset + i])
                      : static_cast<const int64_t*>(o)[x->offset + i];
  };
  const int64_t a0 = offset(a, 0), b0 = offset(b, 0), n = a->length;
  if (offset(a, n) - a0 != offset(b, n) - b0) return false;
  for (int64_t i = 1; i <= n; ++i)
    if (offset(a, i) - a0 != offset(b, i) - b0) return false;
  return std::memcmp(static_cast<const char*>(a->buffers[2]) + a0,
                     static_cast<const char*>(b->buffers[2]) + b0, std::size_t(offset(a, n) - a0)) == 0;
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
  TermSums sums(person_ids.size(), quarter_end_days, uint64_t(credits.num_rows()));

  // People by id; credits of anyone else do not count. A dictionary column (what crediting
  // exports) is looked up once per dictionary entry, and once per dictionary, not per credit.
  std::unordered_map<std::string_view, int32_t> index;
  index.reserve(person_ids.size());
  for (std::size_t i = 0; i < person_ids.size(); ++i) index.emplace(person_ids[i], int32_t(i));
  auto lookup = [&](int64_t, std::string_view id) -> int32_t {
    const auto it = index.find(id);
    return it == index.end() ? -1 : it->second;
  };
  const bool dictionary = person.type.dictionary && person.type.is_text_like();
  std::vector<int32_t> who;  // per row, when the ids are not a dictionary
  if (!dictionary) who = arrow::id_codes<int32_t>(person, lookup, -1, -2);
  const ArrowArray* memo_of = nullptr;
  std::vector<int32_t> memo;  // person of each entry of the dictionary memo_of (kUnknown: not yet)

  // Dates other than date32 (the credits table's own layout) are read once up front.
  arrow::CellIssues issues(credits.source().empty() ? "credits" : credits.source());
  std::vector<int32_t> other_days;
  if (date.type.id != TypeId::Date32) other_days = arrow::read_days(date, false, issues);

  for (std::size_t k = 0; k < amount.chunks.size(); ++k) {
    const ArrowArray& amounts = *amount.chunks[k].array;
    const ArrowArray& rows = *deal_row.chunks[k].array;
    const ArrowArray& ids = *person.chunks[k].array;
    const ArrowArray* days = date.type.id == TypeId::Date32 ? date.chunks[k].array : nullptr;
    const int64_t first = amount.chunks[k].first_row;
    if (dictionary && !same_dictionary(ids.dictionary, memo_of, person.type.value->id)) {
      // Chunks of one column often share their dictionary's buffers: keep what was looked up.
      memo_of = ids.dictionary;
      memo.assign(std::size_t(ids.dictionary->length), kUnknown);
    }
    const arrow::TextArray texts = dictionary ? arrow::TextArray(*ids.dictionary, person.type.value->id)
                                              : arrow::TextArray(ids, TypeId::Utf8);
    const bool words128 = amount.type.id == TypeId::Decimal128;
    const auto* words = words128 ? static_cast<const int64_t*>(amounts.buffers[1]) : nullptr;
    for (int64_t i = 0; i < amounts.length; ++i) {
      const int64_t row = first + i;
      int32_t p;
      if (dictionary) {
        if (!arrow::is_valid_bit(ids, i)) continue;
        const auto e = std::size_t(arrow::integer_at(ids, person.type.id, i));
        if (memo[e] == kUnknown) memo[e] = lookup(0, texts.at(int64_t(e)));
        p = memo[e];
      } else {
        p = who[std::size_t(row)];
      }
      if (p < 0 || amount.type.id == TypeId::Null || !arrow::is_valid_bit(amounts, i)) continue;
      // The amount: decimal128 read as two words when it fits int64 (the common case).
      int128 unscaled;
      bool narrow = false;
      if (words128) {
        const int64_t low = words[2 * (amounts.offset + i)], high = words[2 * (amounts.offset + i) + 1];
        narrow = high == (low >> 63);
        unscaled = narrow ? int128(low) : (int128(high) << 64) | int128(uint64_t(low));
      } else {
        const arrow::detail::DecimalCell cell = arrow::detail::decimal_at(amounts, amount.type, i);
        if (cell.state != arrow::detail::DecimalCell::State::Ok) continue;
        unscaled = cell.unscaled;
        narrow = detail::fits_int64(unscaled);
      }
      if (unscaled <= 0) continue;
      int32_t day;
      if (days != nullptr) {
        if (!arrow::is_valid_bit(*days, i)) continue;
        day = static_cast<const int32_t*>(days->buffers[1])[days->offset + i];
      } else {
        day = other_days[std::size_t(row)];
        if (day == arrow::kNoDay) continue;
      }
      const std::size_t quarter = sums.quarter_of(day);
      if (quarter == sums.quarters()) continue;
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
      sums.add(std::size_t(p), quarter, unscaled, narrow, deal_terms[std::size_t(d)]);
    }
  }
  issues.throw_if_any("SC-ACCT-PORTFOLIO");
  return sums.finish();
}

PortfolioTerms portfolio_terms(const CreditTable& credits, const std::vector<int32_t>& row_of_person,
                               std::size_t rows, const std::vector<int32_t>& deal_terms,
                               const std::vector<int32_t>& quarter_end_days) {
  using namespace portfolio_terms_detail;
  TermSums sums(rows, quarter_end_days, credits.size());
  // The export's common scale: the widest minor unit among the credits' currencies.
  int scale = -1;
  for (const Currency& c : credits.currency) scale = std::max(scale, c.exponent());
  std::vector<Issue> issues;
  constexpr std::size_t kAhead = 16;  // deal rows are random: fetch their terms early
  for (std::size_t k = 0; k < credits.size(); ++k) {
    if (k + kAhead < credits.size()) {
      const int64_t ahead = credits.deal[k + kAhead];
      if (ahead >= 0 && uint64_t(ahead) < deal_terms.size())
        __builtin_prefetch(&deal_terms[std::size_t(ahead)]);
    }
    const int64_t minor = credits.amount[k];
    const int32_t person = credits.person[k];
    if (minor <= 0 || person < 0 || std::size_t(person) >= row_of_person.size() || row_of_person[person] < 0)
      continue;
    const std::size_t quarter = sums.quarter_of(credits.date[k].days());
    if (quarter == sums.quarters()) continue;
    const int64_t d = credits.deal[k];
    if (d < 0 || uint64_t(d) >= deal_terms.size()) {
      issues.push_back(Issue{int64_t(k), "deal_row", std::to_string(d),
                             "no deal has this row (deals: " + std::to_string(deal_terms.size()) + ")"});
      continue;
    }
    const int shift = scale - credits.currency[k].exponent();
    const int128 amount = shift == 0 ? int128(minor) : int128(minor) * detail::pow10_128(shift);
    sums.add(std::size_t(row_of_person[person]), quarter, amount, detail::fits_int64(amount),
             deal_terms[std::size_t(d)]);
  }
  if (!issues.empty()) throw ValidationError("SC-ACCT-PORTFOLIO", std::move(issues));
  return sums.finish();
}

}  // namespace salescomp
