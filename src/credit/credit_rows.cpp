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
  for (std::size_t b = 0; b < blocks; ++b)
    out.blocks_[b].reset(new CreditRow[out.block_rows_[b + 1] - out.block_rows_[b]]);

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
  // ties keep the emission order. Most people need it (dates are not in deal
  // order); the check makes already ordered input cheap.
  run_credit_tasks(blocks, threads, [&](std::size_t b) {
    CreditRow* rows = out.blocks_[b].get();
    for (std::size_t p = first_person[b]; p < first_person[b + 1]; ++p) {
      CreditRow* first = rows + (start[p] - out.block_rows_[b]);
      CreditRow* last = rows + (start[p + 1] - out.block_rows_[b]);
      if (!std::is_sorted(first, last, credit_row_before)) std::stable_sort(first, last, credit_row_before);
    }
  });
  return out;
}

}  // namespace salescomp
