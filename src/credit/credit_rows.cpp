#include "salescomp/credit/credit_rows.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <thread>

namespace salescomp {

namespace {

// Rows per block of ordered rows (whole people, so a block may be larger).
constexpr std::size_t kCreditOrderBlockRows = std::size_t(1) << 20;  // 40 MiB

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

// Puts one person's rows in credit_row_before order, stably. They arrive in
// emission order, which is deal-key order when the deals are in id order (as
// the loaders leave them): a stable counting sort by date then finishes the
// job in a few linear passes, with a sort of the rare (date, deal) groups a
// roll-up leaves out of rule order. The check after it falls back to a full
// stable sort when the deals were not in id order or the dates are too
// spread out to count.
class PersonRowOrder {
 public:
  void operator()(CreditRow* first, CreditRow* last) {
    if (std::is_sorted(first, last, before)) return;
    if (count_by_date(first, last)) {
      order_within_deals(first, last);
      if (std::is_sorted(first, last, before)) return;
    }
    std::stable_sort(first, last, before);
  }

 private:
  // A lambda, not the function's address: the comparison is inlined.
  static constexpr auto before = [](const CreditRow& x, const CreditRow& y) {
    return credit_row_before(x, y);
  };

  bool count_by_date(CreditRow* first, CreditRow* last) {
    const std::size_t n = std::size_t(last - first);
    int32_t lo = first->date.days(), hi = lo;
    for (const CreditRow* r = first; r != last; ++r) {
      lo = std::min(lo, r->date.days());
      hi = std::max(hi, r->date.days());
    }
    const std::size_t span = std::size_t(int64_t(hi) - lo) + 1;
    if (span > 16 * n + 4096) return false;  // counting costs O(span): cheap up to 16 days a row
    next_.assign(span + 1, 0);
    for (const CreditRow* r = first; r != last; ++r) ++next_[std::size_t(r->date.days() - lo) + 1];
    for (std::size_t d = 0; d < span; ++d) next_[d + 1] += next_[d];
    scratch_.resize(n);
    for (const CreditRow* r = first; r != last; ++r) scratch_[next_[std::size_t(r->date.days() - lo)]++] = *r;
    std::copy(scratch_.begin(), scratch_.end(), first);
    return true;
  }

  // Rows of one (date, deal) are contiguous after count_by_date when deals
  // come in key order; a roll-up can still put them out of (rule, depth, via)
  // order, which sorting just those few rows mends.
  static void order_within_deals(CreditRow* first, CreditRow* last) {
    for (CreditRow* a = first; a != last;) {
      CreditRow* b = a + 1;
      while (b != last && b->date == a->date && b->deal == a->deal) ++b;
      if (b - a > 1 && !std::is_sorted(a, b, before)) std::stable_sort(a, b, before);
      a = b;
    }
  }

  std::vector<uint32_t> next_;
  std::vector<CreditRow> scratch_;
};

}  // namespace

std::vector<CreditRow> OrderedCreditRows::to_vector() const {
  std::vector<CreditRow> out;
  out.reserve(size_);
  for (std::size_t b = 0; b < blocks(); ++b) {
    const auto rows = block(b);
    out.insert(out.end(), rows.begin(), rows.end());
  }
  return out;
}

OrderedCreditRows order_credit_rows(std::vector<CreditRowChunks>& parts, std::size_t people, int threads) {
  const std::size_t workers = parts.size();
  // 1. How many rows each worker has for each person.
  std::vector<std::vector<std::size_t>> cursor(workers, std::vector<std::size_t>(people, 0));
  run_credit_tasks(workers, threads, [&](std::size_t w) {
    auto& count = cursor[w];
    for (const auto& chunk : parts[w].chunks())
      for (const CreditRow& r : chunk) ++count[std::size_t(r.person)];
  });

  // 2. Where each person's rows start, and where each worker writes its
  // share of them (after the shares of the workers before it: deal order).
  std::vector<std::size_t> start(people + 1, 0);
  for (std::size_t p = 0; p < people; ++p) {
    std::size_t at = start[p];
    for (std::size_t w = 0; w < workers; ++w) {
      const std::size_t c = cursor[w][p];
      cursor[w][p] = at;
      at += c;
    }
    start[p + 1] = at;
  }

  // 3. Blocks of whole people, allocated uninitialised: a page of a block is
  // only touched when rows land in it, while the workers' chunks are freed.
  OrderedCreditRows out;
  out.size_ = start[people];
  std::vector<uint32_t> block_of(people, 0);
  std::vector<std::size_t> first_person{0};
  for (std::size_t p = 0; p < people; ++p) {
    if (start[p + 1] - out.block_rows_.back() > kCreditOrderBlockRows && start[p] > out.block_rows_.back()) {
      out.block_rows_.push_back(start[p]);
      first_person.push_back(p);
    }
    block_of[p] = uint32_t(out.block_rows_.size() - 1);
  }
  out.block_rows_.push_back(out.size_);
  first_person.push_back(people);
  const std::size_t blocks = out.block_rows_.size() - 1;
  out.blocks_.resize(blocks);
  for (std::size_t b = 0; b < blocks; ++b) {
    const std::size_t rows = out.block_rows_[b + 1] - out.block_rows_[b];
    // Raw storage (CreditRow is an aggregate: its rows begin to live when
    // assigned): `new CreditRow[rows]` would construct, so touch, every page
    // of every block serially before the workers scatter into them.
    out.blocks_[b].reset(static_cast<CreditRow*>(::operator new[](rows * sizeof(CreditRow))));
    detail::advise_huge_pages(out.blocks_[b].get(), rows * sizeof(CreditRow));
  }

  // 4. Scatter: each worker writes its own rows (disjoint positions).
  run_credit_tasks(workers, threads, [&](std::size_t w) {
    auto& at = cursor[w];
    for (auto& chunk : parts[w].chunks()) {
      for (const CreditRow& r : chunk) {
        const std::size_t p = std::size_t(r.person);
        const std::size_t b = block_of[p];
        out.blocks_[b][at[p]++ - out.block_rows_[b]] = r;
      }
      std::vector<CreditRow>().swap(chunk);
    }
  });
  parts.clear();

  // 5. Each person's rows by (date, deal key, rule, depth, via); stable, so
  // ties keep the emission order.
  run_credit_tasks(blocks, threads, [&](std::size_t b) {
    CreditRow* rows = out.blocks_[b].get();
    PersonRowOrder order;
    for (std::size_t p = first_person[b]; p < first_person[b + 1]; ++p)
      order(rows + (start[p] - out.block_rows_[b]), rows + (start[p + 1] - out.block_rows_[b]));
  });
  return out;
}

}  // namespace salescomp
