#include "salescomp/credit/deal_arrow.hpp"

#include <algorithm>
#include <cstring>
#include <numeric>
#include <string>
#include <string_view>
#include <unordered_map>

#include "salescomp/arrow/cell_issues.hpp"
#include "salescomp/arrow/column_readers.hpp"
#include "salescomp/arrow/text_cells.hpp"
#include "salescomp/core/cell_grammar.hpp"
#include "salescomp/core/decimal_text.hpp"
#include "salescomp/core/error.hpp"
#include "salescomp/data/deal_source.hpp"
#include "salescomp/data/deal_type.hpp"
#include "salescomp/data/deal_validation.hpp"

namespace salescomp {

namespace {

using arrow::Chunk;
using arrow::Column;
using arrow::TypeId;

// Thrown inside the strict readers at the first cell they do not take; the
// entry points turn it into nullopt.
struct NotStrict {};

[[noreturn]] void not_strict() { throw NotStrict{}; }

// Texts of a column as the per-row path reads them (tables.strings: nulls
// are "", integers their decimal text); other types are not taken.
template <class F>
void for_each_name(const Column& c, F&& f) {
  if (!c.type.is_text_like() && !c.type.is_integer()) not_strict();
  arrow::for_each_id(c,
                     [&](int64_t row, std::optional<std::string_view> text) { f(row, text.value_or("")); });
}

// Codes of a name column (nulls read as ""): one lookup per distinct
// dictionary entry, and per run of equal cells in plain text.
template <class Code, class Lookup>
std::vector<Code> name_codes(const Column& c, Lookup&& lookup) {
  std::vector<Code> out(std::size_t(c.length));
  if (c.type.dictionary && c.type.is_text_like()) {
    for (const Chunk& chunk : c.chunks) {
      const ArrowArray& a = *chunk.array;
      const arrow::TextArray dict(*a.dictionary, c.type.value->id);
      std::vector<Code> memo(std::size_t(a.dictionary->length));
      std::vector<uint8_t> known(std::size_t(a.dictionary->length), 0);
      std::optional<Code> null_code;
      Code* o = out.data() + chunk.first_row;
      for (int64_t i = 0; i < a.length; ++i) {
        if (!arrow::is_valid_bit(a, i)) {
          if (!null_code) null_code = lookup(std::string_view());
          o[i] = *null_code;
          continue;
        }
        const auto k = std::size_t(arrow::integer_at(a, c.type.id, i));
        if (!known[k]) {
          memo[k] = lookup(dict.at(int64_t(k)));
          known[k] = 1;
        }
        o[i] = memo[k];
      }
    }
    return out;
  }
  std::string last;
  Code last_code{};
  bool have_last = false;
  for_each_name(c, [&](int64_t row, std::string_view text) {
    if (!have_last || text != last) {
      last_code = lookup(text);
      last.assign(text);
      have_last = true;
    }
    out[std::size_t(row)] = last_code;
  });
  return out;
}

// Days of a date32 column; nulls are kNoDay (refused when `required`).
std::vector<int32_t> strict_days(const Column& c, bool required) {
  std::vector<int32_t> out(std::size_t(c.length), arrow::kNoDay);
  if (c.type.id == TypeId::Null && !c.type.dictionary) {
    if (required && c.length > 0) not_strict();
    return out;
  }
  if (c.type.id != TypeId::Date32 || c.type.dictionary) not_strict();
  for (const Chunk& chunk : c.chunks) {
    const ArrowArray& a = *chunk.array;
    const auto* v = static_cast<const int32_t*>(a.buffers[1]) + a.offset;
    int32_t* o = out.data() + chunk.first_row;
    for (int64_t i = 0; i < a.length; ++i) {
      if (!arrow::is_valid_bit(a, i)) {
        if (required) not_strict();
        continue;
      }
      if (v[i] == arrow::kNoDay) not_strict();
      o[i] = v[i];
    }
  }
  return out;
}

std::vector<std::optional<Date>> optional_dates(const std::vector<int32_t>& days) {
  std::vector<std::optional<Date>> out(days.size());
  for (std::size_t i = 0; i < days.size(); ++i)
    if (days[i] != arrow::kNoDay) out[i] = Date::from_days(days[i]);
  return out;
}

// The rows in the byte order of their ids (stable): an LSD radix sort on
// the first 8 bytes (big-endian, zero-padded: ids hold no NUL), 16 bits a
// pass, skipping digits every id shares; then a comparison sort of the rest
// of the text only inside runs of equal prefixes.
struct IdKey {
  uint64_t prefix;
  uint32_t row;
};

void radix_sort_by_prefix(std::vector<IdKey>& keys) {
  std::vector<IdKey> buffer(keys.size());
  std::vector<std::size_t> count(std::size_t(1) << 16);
  for (int shift = 0; shift < 64; shift += 16) {
    std::fill(count.begin(), count.end(), 0);
    for (const IdKey& k : keys) ++count[(k.prefix >> shift) & 0xFFFF];
    if (count[(keys.front().prefix >> shift) & 0xFFFF] == keys.size()) continue;  // one digit: no-op pass
    std::size_t at = 0;
    for (auto& c : count) {
      const std::size_t n = c;
      c = at;
      at += n;
    }
    for (const IdKey& k : keys) buffer[count[(k.prefix >> shift) & 0xFFFF]++] = k;
    keys.swap(buffer);
  }
}

std::vector<uint32_t> id_order(const StringColumn& ids) {
  const std::size_t n = ids.size();
  std::vector<IdKey> keys(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::string_view s = ids[i];
    unsigned char b[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    std::memcpy(b, s.data(), std::min<std::size_t>(8, s.size()));
    uint64_t p = 0;
    for (unsigned char x : b) p = (p << 8) | x;
    keys[i] = IdKey{p, uint32_t(i)};
  }
  auto tail = [&](uint32_t row) {
    const std::string_view s = ids[row];
    return s.substr(std::min<std::size_t>(8, s.size()));
  };
  if (n >= (std::size_t(1) << 16)) {
    radix_sort_by_prefix(keys);  // stable: equal prefixes stay in row order
  } else {
    std::sort(keys.begin(), keys.end(), [](const IdKey& a, const IdKey& b) {
      return a.prefix != b.prefix ? a.prefix < b.prefix : a.row < b.row;
    });
  }
  for (std::size_t k = 0; k < n;) {
    std::size_t e = k + 1;
    bool longer = ids[keys[k].row].size() > 8;
    for (; e < n && keys[e].prefix == keys[k].prefix; ++e)
      if (ids[keys[e].row].size() > 8) longer = true;
    if (longer && e - k > 1)
      std::sort(keys.begin() + std::ptrdiff_t(k), keys.begin() + std::ptrdiff_t(e),
                [&](const IdKey& a, const IdKey& b) {
                  const int c = tail(a.row).compare(tail(b.row));
                  return c != 0 ? c < 0 : a.row < b.row;
                });
    k = e;
  }
  std::vector<uint32_t> order(n);
  for (std::size_t k = 0; k < n; ++k) order[k] = keys[k].row;
  return order;
}

template <class T>
std::vector<T> gathered(const std::vector<T>& v, const std::vector<uint32_t>& order) {
  if (v.empty()) return {};
  std::vector<T> out(order.size());
  for (std::size_t k = 0; k < order.size(); ++k) out[k] = v[order[k]];
  return out;
}

// Person ids of the roster by text: open addressing over a flat table that
// holds each id's first 8 bytes and length, so a lookup of a short id reads
// one slot (no node, no second cache miss for the text).
class PersonIndex {
 public:
  PersonIndex(const Roster& roster, std::size_t people) {
    std::size_t size = 16;
    while (size < people * 2) size <<= 1;
    mask_ = size - 1;
    slots_.assign(size, Slot{});
    for (std::size_t p = 0; p < people; ++p) {
      const std::string& id = roster.id(int32_t(p));
      std::size_t at = hash(id) & mask_;
      while (slots_[at].person >= 0) at = (at + 1) & mask_;
      slots_[at] = Slot{prefix(id), id.data(), uint32_t(id.size()), int32_t(p)};
    }
  }
  int32_t find(std::string_view id) const {
    const uint64_t pre = prefix(id);
    for (std::size_t at = hash(id) & mask_;; at = (at + 1) & mask_) {
      const Slot& s = slots_[at];
      if (s.person < 0) return -1;
      if (s.prefix == pre && s.size == id.size() &&
          (id.size() <= 8 || std::memcmp(s.text + 8, id.data() + 8, id.size() - 8) == 0))
        return s.person;
    }
  }

 private:
  struct Slot {
    uint64_t prefix = 0;
    const char* text = nullptr;
    uint32_t size = 0;
    int32_t person = -1;
  };
  static uint64_t prefix(std::string_view s) noexcept {
    uint64_t p = 0;
    std::memcpy(&p, s.data(), std::min<std::size_t>(8, s.size()));
    return p;
  }
  static std::size_t hash(std::string_view s) noexcept {  // FNV-1a, then a multiplicative mix
    uint64_t h = 1469598103934665603ull;
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    return std::size_t((h ^ (h >> 29)) * 0xbf58476d1ce4e5b9ull >> 20);
  }
  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
};

// Codes of a product/customer column: texts (nulls as "") interned in input order.
std::vector<int32_t> interned(const Column& c, Dictionary& dictionary) {
  std::unordered_map<std::string, int32_t> seen;
  return name_codes<int32_t>(c, [&](std::string_view text) {
    auto it = seen.find(std::string(text));
    if (it == seen.end()) it = seen.emplace(std::string(text), dictionary.intern(std::string(text))).first;
    return it->second;
  });
}

DealsRead read_deals(const arrow::ImportedTable& t, const Organisation& org, Dictionary& products,
                     Dictionary& customers) {
  static const char* const known[] = {"deal_id",
                                      "owner",
                                      "close_date",
                                      "amount",
                                      "currency",
                                      "type",
                                      "invoice_date",
                                      "collection_date",
                                      "cancellation_date",
                                      "product",
                                      "customer",
                                      "source",
                                      "source_person",
                                      "term_months",
                                      "territory",
                                      "created_date",
                                      "first_touch_source",
                                      "first_marketing_touch",
                                      "first_sales_activity"};
  for (const Column& c : t.columns())
    if (std::find_if(std::begin(known), std::end(known), [&](const char* k) { return c.name == k; }) ==
        std::end(known))
      not_strict();
  auto col = [&](const char* name) { return t.find(name); };
  for (const char* required : {"deal_id", "owner", "close_date", "amount", "currency", "type"})
    if (!col(required)) not_strict();
  const std::size_t n = std::size_t(t.num_rows());
  if (n > std::size_t(UINT32_MAX)) not_strict();

  // Ids: the user's text (integers as decimal text), each a valid id.
  const Column& id_col = *col("deal_id");
  if (!id_col.type.is_text_like() && !id_col.type.is_integer()) not_strict();
  StringColumn ids;
  ids.reserve(n, n * 8);
  arrow::for_each_id(id_col, [&](int64_t, std::optional<std::string_view> id) {
    if (!id || id_text_problem(*id)) not_strict();
    ids.push_back(*id);
  });
  const std::vector<uint32_t> order = id_order(ids);
  for (std::size_t k = 1; k < n; ++k)
    if (ids[order[k]] == ids[order[k - 1]]) not_strict();  // duplicates: the per-row path names them

  const Roster& roster = org.roster();
  const PersonIndex people(roster, org.size());
  DealTable d;
  d.id.resize(n);
  std::iota(d.id.begin(), d.id.end(), int64_t(0));
  d.id_text = ids.permuted(order);
  {
    std::vector<int32_t> owner = name_codes<int32_t>(*col("owner"), [&](std::string_view id) {
      const int32_t p = people.find(id);
      if (p < 0) not_strict();
      return p;
    });
    d.owner = gathered(owner, order);
  }
  {
    const std::vector<int32_t> days = strict_days(*col("close_date"), true);
    d.close_date.resize(n);
    for (std::size_t k = 0; k < n; ++k) d.close_date[k] = Date::from_days(days[order[k]]);
  }
  std::vector<Currency> currency = name_codes<Currency>(*col("currency"), [&](std::string_view code) {
    try {
      return Currency::of(code);
    } catch (const Error&) {
      not_strict();
    }
  });
  {
    std::vector<DealType> type = name_codes<DealType>(*col("type"), [&](std::string_view name) {
      try {
        return deal_type_from_string(name);
      } catch (const Error&) {
        not_strict();
      }
    });
    d.type = gathered(type, order);
  }
  {
    // Amounts at exactly the currency's decimals, as the per-row path reads
    // them (decimal cells with zeros beyond the currency's places are taken).
    const Column& a = *col("amount");
    std::vector<int64_t> amount(n, 0);
    arrow::CellIssues issues("deals");
    if (a.type.is_text_like()) {
      arrow::for_each_text(a, [&](int64_t row, std::optional<std::string_view> text) {
        if (!text) not_strict();
        try {
          amount[std::size_t(row)] =
              parse_scaled(*text, currency[std::size_t(row)].exponent(), std::nullopt, "amount");
        } catch (const Error&) {
          not_strict();
        }
      });
    } else if (a.type.is_decimal() && !a.type.dictionary) {
      arrow::detail::for_each_decimal(a, issues, [&](int64_t row, const arrow::detail::DecimalCell& cell) {
        if (cell.state != arrow::detail::DecimalCell::State::Ok) not_strict();
        if (!arrow::detail::rescale_to_minor(cell, currency[std::size_t(row)].exponent(), std::nullopt, row,
                                             "amount", issues, amount[std::size_t(row)]))
          not_strict();
      });
    } else {
      not_strict();
    }
    d.amount = gathered(amount, order);
  }
  d.currency = gathered(currency, order);
  currency = {};

  auto dates_of = [&](const char* name, std::vector<std::optional<Date>>& out, bool fill_when_absent) {
    if (const Column* c = col(name))
      out = optional_dates(gathered(strict_days(*c, false), order));
    else if (fill_when_absent)
      out.assign(n, std::nullopt);
  };
  dates_of("invoice_date", d.invoice_date, true);
  dates_of("collection_date", d.collection_date, true);
  dates_of("cancellation_date", d.cancellation_date, true);
  dates_of("created_date", d.created_date, false);
  dates_of("first_marketing_touch", d.first_marketing_touch, false);
  dates_of("first_sales_activity", d.first_sales_activity, false);

  d.product.assign(n, -1);
  d.customer.assign(n, -1);
  if (const Column* c = col("product")) d.product = gathered(interned(*c, products), order);
  if (const Column* c = col("customer")) d.customer = gathered(interned(*c, customers), order);
  auto source_of = [&](std::string_view text) {
    try {
      return deal_source_from_string(text);
    } catch (const Error&) {
      not_strict();
    }
  };
  d.source.assign(n, DealSource::None);
  if (const Column* c = col("source")) d.source = gathered(name_codes<DealSource>(*c, source_of), order);
  if (const Column* c = col("first_touch_source"))
    d.first_touch_source = gathered(name_codes<DealSource>(*c, source_of), order);
  d.source_person.assign(n, -1);
  if (const Column* c = col("source_person"))
    d.source_person = gathered(name_codes<int32_t>(*c,
                                                   [&](std::string_view id) {
                                                     if (id.empty()) return int32_t(-1);
                                                     const int32_t p = people.find(id);
                                                     if (p < 0) not_strict();
                                                     return p;
                                                   }),
                               order);
  if (const Column* c = col("territory"))
    d.territory = gathered(name_codes<int32_t>(*c,
                                               [&](std::string_view name) {
                                                 if (name.empty()) return int32_t(-1);
                                                 const int32_t code = org.code_of(AssignmentField::Territory,
                                                                                  std::string(name));
                                                 if (code < 0) not_strict();
                                                 return code;
                                               }),
                           order);
  d.term_months.assign(n, 0);
  if (const Column* c = col("term_months")) {
    if (!c->type.is_integer() || c->type.dictionary || c->null_count() > 0) not_strict();
    arrow::CellIssues issues("deals");
    const std::vector<int64_t> months = arrow::read_integers(*c, 0, 1200, true, 0, issues);
    if (!issues.empty()) not_strict();
    for (std::size_t k = 0; k < n; ++k) d.term_months[k] = int32_t(months[order[k]]);
  }

  try {
    validate_deals(d, org.size());
  } catch (const Error&) {
    not_strict();
  }
  DealsRead out;
  out.table = std::move(d);
  out.input_row.assign(order.begin(), order.end());
  return out;
}

}  // namespace

std::optional<DealsRead> read_deals_strict(const arrow::ImportedTable& deals, const Organisation& org,
                                           Dictionary& products, Dictionary& customers) {
  Dictionary p = products, c = customers;
  try {
    DealsRead r = read_deals(deals, org, p, c);
    products = std::move(p);
    customers = std::move(c);
    return r;
  } catch (const NotStrict&) {
    return std::nullopt;
  }
}

std::optional<SplitTable> read_splits_strict(const arrow::ImportedTable& splits, const DealTable& deals,
                                             const Organisation& org) {
  try {
    for (const Column& c : splits.columns())
      if (c.name != "deal_id" && c.name != "person" && c.name != "share" && c.name != "kind") not_strict();
    const Column* deal = splits.find("deal_id");
    const Column* person = splits.find("person");
    const Column* share = splits.find("share");
    const Column* kind = splits.find("kind");
    if (!deal || !person || !share || deals.id_text.size() != deals.size()) not_strict();
    const std::size_t n = std::size_t(splits.num_rows());
    // Deal rows are in the byte order of their ids: a binary search finds one.
    const StringColumn& ids = deals.id_text;
    if (!deal->type.is_text_like() && !deal->type.is_integer()) not_strict();
    std::vector<int64_t> deal_row(n, -1);
    std::string_view previous;
    int64_t previous_row = -1;
    arrow::for_each_id(*deal, [&](int64_t row, std::optional<std::string_view> id) {
      if (!id) not_strict();
      if (previous_row >= 0 && *id == previous) {
        deal_row[std::size_t(row)] = previous_row;
        return;
      }
      std::size_t lo = 0, hi = ids.size();
      while (lo < hi) {
        const std::size_t mid = (lo + hi) / 2;
        if (ids[mid] < *id)
          lo = mid + 1;
        else
          hi = mid;
      }
      if (lo == ids.size() || ids[lo] != *id) not_strict();
      deal_row[std::size_t(row)] = previous_row = int64_t(lo);
      previous = ids[lo];
    });
    const PersonIndex people(org.roster(), org.size());
    const std::vector<int32_t> who = name_codes<int32_t>(*person, [&](std::string_view id) {
      const int32_t p = people.find(id);
      if (p < 0) not_strict();
      return p;
    });
    // Shares: decimals (at most 12 places) or decimal text, as Rate::parse reads them.
    std::vector<int64_t> raw(n, 0);
    if (share->type.is_text_like()) {
      arrow::for_each_text(*share, [&](int64_t row, std::optional<std::string_view> text) {
        if (!text) not_strict();
        try {
          raw[std::size_t(row)] = Rate::parse(*text).raw();
        } catch (const Error&) {
          not_strict();
        }
      });
    } else if (share->type.is_decimal() && !share->type.dictionary) {
      arrow::CellIssues issues("splits");
      arrow::detail::for_each_decimal(
          *share, issues, [&](int64_t row, const arrow::detail::DecimalCell& cell) {
            if (cell.state != arrow::detail::DecimalCell::State::Ok) not_strict();
            if (!arrow::detail::rescale_to_minor(cell, 12, std::nullopt, row, "share", issues,
                                                 raw[std::size_t(row)]))
              not_strict();
          });
    } else {
      not_strict();
    }
    std::vector<SplitKind> kinds(n, SplitKind::Revenue);
    if (kind)
      kinds = name_codes<SplitKind>(*kind, [&](std::string_view k) {
        if (k == "overlay") return SplitKind::Overlay;
        if (k != "revenue") not_strict();
        return SplitKind::Revenue;
      });
    SplitTable s;
    s.deal = std::move(deal_row);
    s.person = who;
    s.share.resize(n);
    for (std::size_t i = 0; i < n; ++i) s.share[i] = Rate::from_raw(raw[i]);
    s.kind = std::move(kinds);
    return s;
  } catch (const NotStrict&) {
    return std::nullopt;
  }
}

std::vector<int64_t> id_byte_ranks(const StringColumn& ids) {
  const std::vector<uint32_t> order = id_order(ids);
  std::vector<int64_t> rank(ids.size());
  int64_t r = -1;
  for (std::size_t k = 0; k < order.size(); ++k) {
    if (k == 0 || ids[order[k]] != ids[order[k - 1]]) ++r;
    rank[order[k]] = r;
  }
  return rank;
}

}  // namespace salescomp
