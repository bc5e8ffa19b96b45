#pragma once
// Small builders for accounting tests: one struct per row, defaults for the
// columns a test does not care about.
#include <salescomp/accounting/all.hpp>

#include <string>
#include <vector>

namespace salescomp::testing {

struct Line {
  int64_t id = 1;
  int64_t amount = 0;  // minor units
  const char* currency = "USD";
  const char* incurred = "2026-01-01";
  const char* start = "2026-01-01";
  int32_t term = 12;
  CostKind kind = CostKind::Initial;
  bool incremental = true;
  bool commensurate = true;
  int32_t life = 0;
  AmortisationPattern pattern = AmortisationPattern::StraightLine;
};

struct Event {
  int64_t id = 1;
  AssetEventKind kind = AssetEventKind::Clawback;
  const char* date = "2026-01-01";
  int64_t amount = 0;
  int32_t months = 0;
};

struct Revenue {
  int64_t id = 1;
  const char* month = "2026-01-01";
  int64_t weight = 0;
};

inline CommissionCostTable make_costs(const std::vector<Line>& lines) {
  CommissionCostTable t;
  for (const Line& l : lines) {
    t.line_id.push_back(l.id);
    t.person.push_back(l.id * 10);
    t.contract.push_back(l.id * 100);
    t.amount.push_back(l.amount);
    t.currency.push_back(Currency::of(l.currency));
    t.incurred.push_back(Date::parse(l.incurred));
    t.contract_start.push_back(Date::parse(l.start));
    t.term_months.push_back(l.term);
    t.kind.push_back(l.kind);
    t.incremental.push_back(l.incremental);
    t.renewal_commensurate.push_back(l.commensurate);
    t.customer_life_months.push_back(l.life);
    t.pattern.push_back(l.pattern);
  }
  return t;
}

inline AssetEventTable make_events(const std::vector<Event>& events) {
  AssetEventTable t;
  for (const Event& e : events) {
    t.line_id.push_back(e.id);
    t.kind.push_back(e.kind);
    t.date.push_back(Date::parse(e.date));
    t.amount.push_back(e.amount);
    t.months.push_back(e.months);
  }
  return t;
}

inline RevenueScheduleTable make_revenue(const std::vector<Revenue>& rows) {
  RevenueScheduleTable t;
  for (const Revenue& r : rows) {
    t.line_id.push_back(r.id);
    t.month.push_back(Date::parse(r.month));
    t.weight.push_back(r.weight);
  }
  return t;
}

inline AmortisationBook make_book(const std::vector<Line>& lines, const std::vector<Event>& events = {},
                                  AmortisationPolicy policy = {}, const std::vector<Revenue>& revenue = {}) {
  return AmortisationBook(make_costs(lines), make_events(events), make_revenue(revenue), policy);
}

inline MonthIndex month(const char* iso) { return month_of(Date::parse(iso)); }

// One asset's schedule as plain rows for EXPECT_EQ.
struct Row {
  std::string month;
  int64_t opening, addition, reduction, amortisation, write_off, closing, current;
  bool operator==(const Row&) const = default;
};
inline std::ostream& operator<<(std::ostream& os, const Row& r) {
  return os << "{" << r.month << " open " << r.opening << " add " << r.addition << " red " << r.reduction
            << " amort " << r.amortisation << " wo " << r.write_off << " close " << r.closing << " cur "
            << r.current << "}";
}

inline std::vector<Row> rows_of(const AmortisationBook& book, int64_t line_id) {
  const AssetTable assets = book.assets();
  const AmortisationSchedule s = book.schedule();
  std::vector<Row> out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (assets.line_id[std::size_t(s.asset[i])] != line_id) continue;
    out.push_back(Row{month_start(s.month[i]).to_string().substr(0, 7), s.opening[i], s.addition[i],
                      s.reduction[i], s.amortisation[i], s.write_off[i], s.closing[i], s.current[i]});
  }
  return out;
}

inline std::vector<int64_t> amortisation_of(const AmortisationBook& book, int64_t line_id) {
  std::vector<int64_t> out;
  for (const Row& r : rows_of(book, line_id)) out.push_back(r.amortisation);
  return out;
}

}  // namespace salescomp::testing
