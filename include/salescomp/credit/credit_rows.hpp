#pragma once
// The crediting run's intermediate rows and their output order.
//
// A crediting worker emits one fixed-size 48-byte CreditRow per credit (not
// the 14 output columns, ~60 bytes a row): what the rule already knows
// (measure) and what the date gives (period) are looked up when the columns
// are written. The deal's type and currency travel in the row: looked up
// there, by person order, they were two cache misses a row into the deals. Rows are kept in fixed-size
// chunks, so a worker's output never moves while it grows.
//
// The output order (credit_table.hpp, docs/crediting-and-quota.md "Order"):
// by person (a parallel counting sort: each worker scatters its own rows),
// then within a person by (date, deal key, rule, depth, via), where the deal
// key is the rank of the deal's id in byte order (the deal row itself when
// the deals are in id order, as loaders leave them). The ordered rows are
// held in blocks of whole people, so they can be freed block by block while
// the output columns are written: peak memory stays near the bigger of
// (rows + rows) and (columns + one block), never rows + columns.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <span>
#include <vector>

#include "salescomp/core/currency.hpp"
#include "salescomp/core/date.hpp"
#include "salescomp/credit/credit_kind.hpp"
#include "salescomp/data/deal_type.hpp"
#include "salescomp/detail/huge_pages.hpp"

namespace salescomp {

struct CreditRow {
  int64_t amount;         // minor units of the credit currency
  int64_t source_amount;  // minor units of the deal currency, before FX
  uint32_t deal;          // deal key while ordering (see above), the deal row in the output
  int32_t person;         // roster index
  int32_t via;            // roll-ups: the report whose credit rolled up; -1 otherwise
  Date date;
  Currency currency;  // the credit currency
  int16_t rule;       // index of the rule in the rule set (< 2^15, checked)
  CreditKind kind;
  uint8_t depth;             // roll-up level (<= 64)
  Currency source_currency;  // the deal's currency
  DealType deal_type;        // the deal's type
};
static_assert(sizeof(CreditRow) == 48, "a credit row is 48 bytes");

// True when x comes before y within one person's credits.
inline bool credit_row_before(const CreditRow& x, const CreditRow& y) noexcept {
  // (date, deal) as one unsigned 64-bit key: one comparison decides almost every pair.
  const auto date_deal = [](const CreditRow& r) {
    return (uint64_t(uint32_t(r.date.days()) ^ 0x8000'0000u) << 32) | r.deal;
  };
  const uint64_t kx = date_deal(x), ky = date_deal(y);
  if (kx != ky) return kx < ky;
  if (x.rule != y.rule) return x.rule < y.rule;
  if (x.depth != y.depth) return x.depth < y.depth;
  return x.via < y.via;
}

// One worker's rows in emission order, in chunks of kChunkRows.
class CreditRowChunks {
 public:
  static constexpr std::size_t kChunkRows = std::size_t(1) << 18;  // 10 MiB

  void push_back(const CreditRow& r) {
    if (chunks_.empty() || chunks_.back().size() == kChunkRows) {
      chunks_.emplace_back();
      detail::reserve_huge(chunks_.back(), kChunkRows);
    }
    chunks_.back().push_back(r);
    ++size_;
  }
  CreditRow& operator[](std::size_t i) noexcept { return chunks_[i / kChunkRows][i % kChunkRows]; }
  const CreditRow& operator[](std::size_t i) const noexcept {
    return chunks_[i / kChunkRows][i % kChunkRows];
  }
  std::size_t size() const noexcept { return size_; }
  std::vector<std::vector<CreditRow>>& chunks() noexcept { return chunks_; }
  const std::vector<std::vector<CreditRow>>& chunks() const noexcept { return chunks_; }

 private:
  std::vector<std::vector<CreditRow>> chunks_;
  std::size_t size_ = 0;
};

// Credit rows in output order, in blocks of whole people.
class OrderedCreditRows {
 public:
  std::size_t size() const noexcept { return size_; }
  std::size_t blocks() const noexcept { return blocks_.size(); }
  std::span<const CreditRow> block(std::size_t b) const noexcept {
    return {blocks_[b].get(), block_rows_[b + 1] - block_rows_[b]};
  }
  // Row offset of block b's first row (blocks() + 1 entries).
  std::size_t block_first_row(std::size_t b) const noexcept { return block_rows_[b]; }
  void free_block(std::size_t b) noexcept { blocks_[b].reset(); }
  // All rows (tests).
  std::vector<CreditRow> to_vector() const;

 private:
  friend OrderedCreditRows order_credit_rows(std::vector<CreditRowChunks>&, std::size_t, int);
  // Blocks are raw storage from ::operator new[] (order_credit_rows).
  struct RawRowsDelete {
    void operator()(CreditRow* p) const noexcept { ::operator delete[](p); }
  };
  std::vector<std::unique_ptr<CreditRow[], RawRowsDelete>> blocks_;
  std::vector<std::size_t> block_rows_{0};
  std::size_t size_ = 0;
};

// Orders the workers' rows (each worker's rows in deal order, the workers in
// deal order) by person, then by credit_row_before within a person; ties keep
// that emission order (a stable sort), so the result does not depend on the
// number of workers or `threads`. Consumes `parts` (each chunk is freed once
// scattered). Every row's person must be in [0, people).
OrderedCreditRows order_credit_rows(std::vector<CreditRowChunks>& parts, std::size_t people, int threads);

}  // namespace salescomp
