#pragma once
// The crediting run's intermediate rows and their output order.
//
// A crediting worker emits one fixed-size 48-byte CreditRow per credit (not
// the 14 output columns, ~60 bytes a row): what the rule already knows
// (measure) and what the date gives (period) are looked up when the columns
// are written. The deal's type and currency travel in the row: looked up
// there, by person order, they were two cache misses a row into the deals.
//
// The output order (credit_table.hpp, docs/crediting-and-quota.md "Order"):
// by person, then within a person by (date, deal key, rule, depth, via),
// where the deal key is the rank of the deal's id in byte order (the deal row
// itself when the deals are in id order, as loaders leave them). Each worker
// keeps its rows apart by person group (at most 256 groups of consecutive
// people) as it emits them, in huge-page chunks that never move, and counts
// each person's rows. The ordering then takes one group at a time: it
// scatters the group's rows to their people in a buffer reused for every
// group (a few hundred destinations, in cache), orders each person's rows,
// and frees the group's chunks, so rows are never held twice and a group's
// ordered rows are still in cache when its output columns are written.
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

// The people in groups of 2^shift consecutive roster indexes, at most
// kCreditPersonGroups groups: a group's rows are the unit the output is
// ordered in (credit_rows.cpp).
inline constexpr std::size_t kCreditPersonGroups = 256;
inline unsigned credit_person_group_shift(std::size_t people) noexcept {
  unsigned shift = 0;
  while (((people + (std::size_t(1) << shift) - 1) >> shift) > kCreditPersonGroups) ++shift;
  return shift;
}

// One worker's rows in emission order, kept apart by person group (each
// group's rows in huge-page chunks that never move), with the worker's count
// of rows for each person. Sorting the rows by group as they are emitted
// costs nothing more than appending them, and leaves the ordering a sort of
// one group's rows at a time, in cache, instead of a scatter of every row
// over the whole output.
class CreditRowChunks {
 public:
  CreditRowChunks() = default;
  explicit CreditRowChunks(std::size_t people)
      : shift_(credit_person_group_shift(people)),
        groups_((people + (std::size_t(1) << shift_) - 1) >> shift_),
        count_(people, 0) {}

  // The place of a new row of `person` (in [0, people)), to be filled in
  // field by field: a row built elsewhere and copied here was read back
  // while its fields were still being stored, a stall of the whole copy.
  CreditRow& emplace(int32_t person) {
    ++count_[std::size_t(person)];
    Group& g = groups_[std::size_t(person) >> shift_];
    if (g.next == g.limit) grow(std::size_t(person) >> shift_);
    // Hundreds of groups are too many streams for the hardware prefetcher:
    // without this each new cache line of a group waited on memory (the
    // workers took twice as long).
    __builtin_prefetch(g.next + 8, 1);
    ++size_;
    return *g.next++;
  }
  void push_back(const CreditRow& r) { emplace(r.person) = r; }
  std::size_t size() const noexcept { return size_; }
  std::size_t groups() const noexcept { return groups_.size(); }
  unsigned group_shift() const noexcept { return shift_; }
  // This worker's rows of person p.
  uint32_t rows_of(std::size_t p) const noexcept { return count_[p]; }
  // Group g's rows, chunk by chunk in emission order: f(const CreditRow*, n).
  template <class F>
  void for_each_chunk(std::size_t g, F&& f) const {
    const Group& group = groups_[g];
    for (std::size_t c = 0; c < group.chunks.size(); ++c) {
      const Chunk& chunk = group.chunks[c];
      f(chunk.first, std::size_t((c + 1 < group.chunks.size() ? chunk.limit : group.next) - chunk.first));
    }
  }
  // Gives group g's memory back.
  void free_group(std::size_t g) noexcept { groups_[g] = Group(); }

 private:
  struct PageDelete {
    void operator()(void* p) const noexcept { detail::free_huge_page(p); }
  };
  struct Chunk {
    std::unique_ptr<void, PageDelete> page;
    CreditRow* first;  // after the chunk's colour offset (grow)
    CreditRow* limit;
  };
  struct Group {
    CreditRow* next = nullptr;
    CreditRow* limit = nullptr;
    std::vector<Chunk> chunks;
  };
  void grow(std::size_t g);

  unsigned shift_ = 0;
  std::vector<Group> groups_;
  std::vector<uint32_t> count_;  // rows of each person (a worker's rows of one person fit: grow checks)
  std::size_t size_ = 0;
};

// One block of ordered rows: the k-th is rows[order[k]].
struct OrderedCreditBlock {
  std::span<const CreditRow> rows;
  std::span<const uint32_t> order;
};

// Credit rows in output order, one block (a person group's rows) at a time.
// The workers' rows of a group are put in order when the block is asked for,
// into a buffer reused for every block, and freed: the rows are never held
// twice, and the ordered rows of a block are still in cache when the output
// columns are written from them.
class OrderedCreditRows {
 public:
  OrderedCreditRows(std::vector<CreditRowChunks> parts, std::size_t people, int threads);

  std::size_t size() const noexcept { return size_; }
  std::size_t blocks() const noexcept { return block_group_.size(); }
  // Row offset of block b's first row (blocks() + 1 entries).
  std::size_t block_first_row(std::size_t b) const noexcept { return block_rows_[b]; }
  // Block b's rows in order (whole people, never empty), valid until the next
  // call; the workers' rows of the block are freed.
  OrderedCreditBlock order_block(std::size_t b);
  // Rows still held by the workers' chunks, not yet ordered.
  std::size_t unordered_rows() const noexcept { return unordered_; }
  // All rows, ordering every block (tests).
  std::vector<CreditRow> to_vector();

 private:
  struct RawRowsDelete {
    void operator()(CreditRow* p) const noexcept { ::operator delete[](p); }
  };
  std::vector<CreditRowChunks> parts_;
  std::size_t people_ = 0;
  int threads_ = 1;
  std::vector<std::size_t> block_group_;  // person group of each block
  std::vector<std::size_t> block_rows_{0};
  std::size_t size_ = 0, unordered_ = 0;
  // Raw storage (CreditRow is an aggregate: its rows begin to live when assigned).
  std::unique_ptr<CreditRow[], RawRowsDelete> buffer_;
  std::unique_ptr<uint32_t[]> order_;  // the block's order (OrderedCreditBlock)
};

// Orders the workers' rows (each worker's rows in deal order, the workers in
// deal order) by person, then by credit_row_before within a person; ties keep
// that emission order (a stable sort), so the result does not depend on the
// number of workers or `threads`. Takes `parts` (left empty); the rows are
// put in order block by block (OrderedCreditRows::order_block). Every part
// must have been made for `people`.
OrderedCreditRows order_credit_rows(std::vector<CreditRowChunks>& parts, std::size_t people, int threads);

}  // namespace salescomp
