#include "salescomp/credit/credit_rows.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <stdexcept>
#include <thread>

namespace salescomp {

namespace {

// Runs task(0..tasks-1) on up to `threads` threads, tasks handed out in
// order; the first failing task's exception (in task order) is rethrown.
template <class Task>
void run_credit_tasks(std::size_t tasks, int threads, Task&& task) {
  const std::size_t n = std::min<std::size_t>(tasks, std::size_t(std::max(threads, 1)));
  if (n <= 1) {
    for (std::size_t t = 0; t < tasks; ++t) task(t);
    return;
  }
  std::atomic<std::size_t> next{0};
  std::vector<std::exception_ptr> errors(tasks);
  auto worker = [&] {
    for (std::size_t t = next++; t < tasks; t = next++) {
      try {
        task(t);
      } catch (...) {
        errors[t] = std::current_exception();
      }
    }
  };
  std::vector<std::thread> pool;
  for (std::size_t i = 0; i + 1 < n; ++i) pool.emplace_back(worker);
  worker();
  for (auto& th : pool) th.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
}

// Puts one person's rows in credit_row_before order, stably, as a
// permutation: the rows stay where they are and their indexes are ordered
// (4 bytes moved a row, not 48 twice; the column writers gather through it
// from rows still in cache). They arrive in emission order, which is
// deal-key order when the deals are in id order (as the loaders leave them):
// a stable counting sort by date then finishes the job in a few linear
// passes, with a sort of the rare (date, deal) groups a roll-up leaves out of
// rule order. The check after it falls back to a full stable sort when the
// deals were not in id order or the dates are too spread out to count.
class PersonRowOrder {
 public:
  // Fills order[first, last) with the indexes first..last-1 of `rows`, ordered.
  void operator()(const CreditRow* rows, uint32_t first, uint32_t last, uint32_t* order) {
    const Before before{rows};
    uint32_t* const o = order + first;
    uint32_t* const o_last = order + last;
    if (std::is_sorted(rows + first, rows + last, row_before)) {
      for (uint32_t k = first; k < last; ++k) order[k] = k;
      return;
    }
    if (count_by_date(rows, first, last, o)) {
      order_within_deals(rows, o, o_last);
      if (std::is_sorted(o, o_last, before)) return;
    } else {
      for (uint32_t k = first; k < last; ++k) order[k] = k;
    }
    // Stable, so ties keep the emission order (the counting sort kept it too).
    std::stable_sort(o, o_last, before);
  }

 private:
  // Lambdas and function objects, not the function's address: the comparison is inlined.
  static constexpr auto row_before = [](const CreditRow& x, const CreditRow& y) {
    return credit_row_before(x, y);
  };
  struct Before {
    const CreditRow* rows;
    bool operator()(uint32_t x, uint32_t y) const { return credit_row_before(rows[x], rows[y]); }
  };

  bool count_by_date(const CreditRow* rows, uint32_t first, uint32_t last, uint32_t* o) {
    const std::size_t n = last - first;
    int32_t lo = rows[first].date.days(), hi = lo;
    for (uint32_t k = first; k < last; ++k) {
      lo = std::min(lo, rows[k].date.days());
      hi = std::max(hi, rows[k].date.days());
    }
    const std::size_t span = std::size_t(int64_t(hi) - lo) + 1;
    if (span > 16 * n + 4096) return false;  // counting costs O(span): cheap up to 16 days a row
    next_.assign(span + 1, 0);
    for (uint32_t k = first; k < last; ++k) ++next_[std::size_t(rows[k].date.days() - lo) + 1];
    for (std::size_t d = 0; d < span; ++d) next_[d + 1] += next_[d];
    for (uint32_t k = first; k < last; ++k) o[next_[std::size_t(rows[k].date.days() - lo)]++] = k;
    return true;
  }

  // Rows of one (date, deal) are contiguous after count_by_date when deals
  // come in key order; a roll-up can still put them out of (rule, depth, via)
  // order, which sorting just those few rows mends.
  static void order_within_deals(const CreditRow* rows, uint32_t* first, uint32_t* last) {
    const Before before{rows};
    for (uint32_t* a = first; a != last;) {
      uint32_t* b = a + 1;
      while (b != last && rows[*b].date == rows[*a].date && rows[*b].deal == rows[*a].deal) ++b;
      if (b - a > 1 && !std::is_sorted(a, b, before)) std::stable_sort(a, b, before);
      a = b;
    }
  }

  std::vector<uint32_t> next_;
};

}  // namespace

void CreditRowChunks::grow(std::size_t group) {
  constexpr std::size_t kChunkRows = detail::kHugePageBytes / sizeof(CreditRow);
  // A worker's count of one person's rows is 32 bits: no worker may hold more rows.
  if (size_ > std::size_t(UINT32_MAX) - kChunkRows)
    throw std::length_error("more than 2^32 credits a worker");
  Group& g = groups_[group];
  Chunk c{std::unique_ptr<void, PageDelete>(detail::allocate_huge_page()), nullptr, nullptr};
  // Each chunk starts at its own offset (a multiple of 192 bytes, 4 rows and
  // 3 cache lines, up to 48 KiB): chunks all aligned alike would put every
  // group's next row in the same few cache sets, and the groups' writes would
  // evict each other's lines (this cost the workers twice their time).
  const std::size_t colour = (group * 97 + g.chunks.size() * 31) % 256;
  c.first = static_cast<CreditRow*>(c.page.get()) + 4 * colour;
  c.limit = static_cast<CreditRow*>(c.page.get()) + kChunkRows;
  g.next = c.first;
  g.limit = c.limit;
  g.chunks.push_back(std::move(c));
}

OrderedCreditRows order_credit_rows(std::vector<CreditRowChunks>& parts, std::size_t people, int threads) {
  OrderedCreditRows out(std::move(parts), people, threads);
  parts.clear();
  return out;
}

OrderedCreditRows::OrderedCreditRows(std::vector<CreditRowChunks> parts, std::size_t people, int threads)
    : parts_(std::move(parts)), people_(people), threads_(threads) {
  if (parts_.empty() || people == 0) return;
  const unsigned shift = parts_.front().group_shift();
  for (const auto& part : parts_)
    if (part.group_shift() != shift || part.groups() != parts_.front().groups())
      throw std::invalid_argument("order_credit_rows: parts made for another number of people");
  // A block per person group with rows: whole people, in person order.
  std::size_t biggest = 0;
  for (std::size_t g = 0; g < parts_.front().groups(); ++g) {
    std::size_t rows = 0;
    for (std::size_t p = g << shift; p < std::min(people, (g + 1) << shift); ++p)
      for (const auto& part : parts_) rows += part.rows_of(p);
    if (rows == 0) continue;
    block_group_.push_back(g);
    block_rows_.push_back(block_rows_.back() + rows);
    biggest = std::max(biggest, rows);
  }
  size_ = unordered_ = block_rows_.back();
  buffer_.reset(static_cast<CreditRow*>(::operator new[](biggest * sizeof(CreditRow))));
  // Indexes within a block are 32 bits.
  if (biggest > std::size_t(UINT32_MAX)) throw std::length_error("more than 2^32 credits for 2^shift people");
  order_ = std::make_unique<uint32_t[]>(biggest);
  detail::advise_huge_pages(buffer_.get(), biggest * sizeof(CreditRow));
}

OrderedCreditBlock OrderedCreditRows::order_block(std::size_t b) {
  const std::size_t g = block_group_[b];
  const unsigned shift = parts_.front().group_shift();
  const std::size_t first = g << shift, last = std::min(people_, (g + 1) << shift);
  const std::size_t workers = parts_.size();

  // 1. Where each person's rows start in the block, and where each worker
  // writes its share of them (after the shares of the workers before it:
  // deal order).
  std::vector<std::size_t> start(last - first + 1, 0);
  std::vector<std::vector<std::size_t>> cursor(workers, std::vector<std::size_t>(last - first));
  std::size_t at = 0;
  for (std::size_t p = first; p < last; ++p) {
    start[p - first] = at;
    for (std::size_t w = 0; w < workers; ++w) {
      cursor[w][p - first] = at;
      at += parts_[w].rows_of(p);
    }
  }
  start[last - first] = at;
  CreditRow* rows = buffer_.get();

  // 2. Scatter: each worker's rows of the group to their people (a few
  // hundred destinations, so the writes stream), then free them.
  run_credit_tasks(workers, threads_, [&](std::size_t w) {
    auto& to = cursor[w];
    parts_[w].for_each_chunk(g, [&](const CreditRow* chunk, std::size_t n) {
      for (std::size_t k = 0; k < n; ++k) {
        std::size_t& at = to[std::size_t(chunk[k].person) - first];
        // Hundreds of destinations are too many for the hardware to prefetch.
        __builtin_prefetch(rows + at + 8, 1);
        rows[at++] = chunk[k];
      }
    });
    parts_[w].free_group(g);
  });
  unordered_ -= at;

  // 3. Each person's rows by (date, deal key, rule, depth, via); stable, so
  // ties keep the emission order. Slices of people, so threads share the work.
  const std::size_t slices = std::min<std::size_t>(last - first, 16);
  uint32_t* order = order_.get();
  run_credit_tasks(slices, threads_, [&](std::size_t s) {
    PersonRowOrder person_order;
    const std::size_t p0 = (last - first) * s / slices, p1 = (last - first) * (s + 1) / slices;
    for (std::size_t p = p0; p < p1; ++p)
      person_order(rows, uint32_t(start[p]), uint32_t(start[p + 1]), order);
  });
  return {{rows, at}, {order, at}};
}

std::vector<CreditRow> OrderedCreditRows::to_vector() {
  std::vector<CreditRow> out;
  out.reserve(size_);
  for (std::size_t b = 0; b < blocks(); ++b) {
    const OrderedCreditBlock block = order_block(b);
    for (uint32_t k : block.order) out.push_back(block.rows[k]);
  }
  return out;
}

}  // namespace salescomp
