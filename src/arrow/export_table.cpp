#include "salescomp/arrow/export_table.hpp"

#include <cstring>
#include <limits>

#include "salescomp/arrow/column_readers.hpp"
#include "salescomp/core/error.hpp"
#include "salescomp/data/string_column.hpp"

namespace salescomp::arrow {

// The type and buffers of one exported column. Buffers are held by `owners`
// (moved-in vectors); `buffers` are the pointers the C struct lists.
struct ColumnData {
  std::string name;
  std::string format;
  int64_t length = 0;
  int64_t null_count = 0;
  std::vector<std::shared_ptr<void>> owners;
  std::vector<const void*> buffers;
  std::shared_ptr<ColumnData> dictionary;  // dictionary columns: the values
};

namespace {

// Keeps `v` alive in `d` and returns its data (never null, as consumers
// expect even for empty buffers).
template <class T>
const void* own(ColumnData& d, std::vector<T>&& v) {
  if (v.empty()) v.reserve(1);
  auto holder = std::make_shared<std::vector<T>>(std::move(v));
  const void* p = holder->data();
  d.owners.push_back(std::move(holder));
  return p;
}

const void* own(ColumnData& d, std::string&& bytes) {
  if (bytes.empty()) bytes.reserve(1);
  auto holder = std::make_shared<std::string>(std::move(bytes));
  const void* p = holder->data();
  d.owners.push_back(std::move(holder));
  return p;
}

// The validity bitmap of one 0/1 per row (nullptr when every row is valid).
const void* validity(ColumnData& d, const std::vector<uint8_t>& valid) {
  if (valid.empty()) return nullptr;
  std::vector<uint8_t> bits((valid.size() + 7) / 8, 0);
  int64_t nulls = 0;
  for (std::size_t i = 0; i < valid.size(); ++i) {
    if (valid[i])
      bits[i >> 3] |= uint8_t(1u << (i & 7));
    else
      ++nulls;
  }
  d.null_count = nulls;
  return nulls == 0 ? nullptr : own(d, std::move(bits));
}

template <class T>
std::shared_ptr<ColumnData> fixed_width(std::string name, const char* format, std::vector<T> values,
                                        const std::vector<uint8_t>& valid) {
  auto d = std::make_shared<ColumnData>();
  d->name = std::move(name);
  d->format = format;
  d->length = int64_t(values.size());
  const void* bits = validity(*d, valid);
  d->buffers = {bits, own(*d, std::move(values))};
  return d;
}

// A fixed-width column over `values`, which `owner` keeps alive.
template <class T>
std::shared_ptr<ColumnData> in_place_column(std::string name, const char* format,
                                            std::shared_ptr<const void> owner, std::span<const T> values) {
  static const T kNoValues[1] = {};  // consumers expect a non-null buffer, even when empty
  auto d = std::make_shared<ColumnData>();
  d->name = std::move(name);
  d->format = format;
  d->length = int64_t(values.size());
  d->owners.push_back(std::const_pointer_cast<void>(std::move(owner)));
  d->buffers = {nullptr, values.empty() ? kNoValues : values.data()};
  return d;
}

template <class Offset>
std::shared_ptr<ColumnData> utf8_column(std::string name, std::vector<Offset> offsets, std::string bytes) {
  auto d = std::make_shared<ColumnData>();
  d->name = std::move(name);
  d->format = sizeof(Offset) == 4 ? "u" : "U";
  d->length = int64_t(offsets.size()) - 1;
  d->buffers = {nullptr, own(*d, std::move(offsets)), own(*d, std::move(bytes))};
  return d;
}

std::shared_ptr<ColumnData> utf8_of(std::string name, const std::vector<std::string>& values) {
  std::size_t total = 0;
  for (const std::string& s : values) total += s.size();
  std::string bytes;
  bytes.reserve(total);
  if (total <= std::size_t(std::numeric_limits<int32_t>::max())) {
    std::vector<int32_t> offsets{0};
    offsets.reserve(values.size() + 1);
    for (const std::string& s : values) {
      bytes += s;
      offsets.push_back(int32_t(bytes.size()));
    }
    return utf8_column(std::move(name), std::move(offsets), std::move(bytes));
  }
  std::vector<int64_t> offsets{0};
  for (const std::string& s : values) {
    bytes += s;
    offsets.push_back(int64_t(bytes.size()));
  }
  return utf8_column(std::move(name), std::move(offsets), std::move(bytes));
}

// --- the C structs' private data and release callbacks ---------------------

struct ArrayPrivate {
  std::shared_ptr<const ColumnData> column;  // keeps the buffers alive
  std::vector<const void*> buffers;
  std::vector<ArrowArray> children;
  std::vector<ArrowArray*> child_pointers;
  ArrowArray dictionary{};
  std::vector<std::shared_ptr<const ColumnData>> columns;  // record batches: every column
};

void release_array(ArrowArray* a) {
  auto* p = static_cast<ArrayPrivate*>(a->private_data);
  for (ArrowArray& c : p->children)
    if (c.release != nullptr) c.release(&c);
  if (p->dictionary.release != nullptr) p->dictionary.release(&p->dictionary);
  delete p;
  a->release = nullptr;
}

void export_column_array(const std::shared_ptr<ColumnData>& column, ArrowArray* out) {
  auto* p = new ArrayPrivate();
  p->column = column;
  p->buffers = column->buffers;
  std::memset(out, 0, sizeof *out);
  out->length = column->length;
  out->null_count = column->null_count;
  out->n_buffers = int64_t(p->buffers.size());
  out->buffers = p->buffers.data();
  if (column->dictionary) {
    export_column_array(column->dictionary, &p->dictionary);
    out->dictionary = &p->dictionary;
  }
  out->release = &release_array;
  out->private_data = p;
}

struct SchemaPrivate {
  std::string format, name;
  std::vector<ArrowSchema> children;
  std::vector<ArrowSchema*> child_pointers;
  ArrowSchema dictionary{};
};

void release_schema(ArrowSchema* s) {
  auto* p = static_cast<SchemaPrivate*>(s->private_data);
  for (ArrowSchema& c : p->children)
    if (c.release != nullptr) c.release(&c);
  if (p->dictionary.release != nullptr) p->dictionary.release(&p->dictionary);
  delete p;
  s->release = nullptr;
}

void export_column_schema(const ColumnData& column, ArrowSchema* out) {
  auto* p = new SchemaPrivate();
  p->format = column.format;
  p->name = column.name;
  std::memset(out, 0, sizeof *out);
  out->format = p->format.c_str();
  out->name = p->name.c_str();
  out->flags = ARROW_FLAG_NULLABLE;
  if (column.dictionary) {
    export_column_schema(*column.dictionary, &p->dictionary);
    out->dictionary = &p->dictionary;
  }
  out->release = &release_schema;
  out->private_data = p;
}

struct StreamPrivate {
  ExportTable table;
  bool done = false;
  std::string error;
};

int stream_get_schema(ArrowArrayStream* s, ArrowSchema* out) {
  auto* p = static_cast<StreamPrivate*>(s->private_data);
  try {
    p->table.export_schema(out);
    return 0;
  } catch (const std::exception& e) {
    p->error = e.what();
    return 12;  // ENOMEM-like: the only way this fails is allocation
  }
}

int stream_get_next(ArrowArrayStream* s, ArrowArray* out) {
  auto* p = static_cast<StreamPrivate*>(s->private_data);
  if (p->done) {
    std::memset(out, 0, sizeof *out);  // release == nullptr: end of stream
    return 0;
  }
  try {
    p->table.export_batch(out);
    p->done = true;
    return 0;
  } catch (const std::exception& e) {
    p->error = e.what();
    return 12;
  }
}

const char* stream_last_error(ArrowArrayStream* s) {
  auto* p = static_cast<StreamPrivate*>(s->private_data);
  return p->error.empty() ? nullptr : p->error.c_str();
}

void release_stream(ArrowArrayStream* s) {
  delete static_cast<StreamPrivate*>(s->private_data);
  s->release = nullptr;
}

}  // namespace

// --- ExportColumn -------------------------------------------------------------

ExportColumn ExportColumn::int16s(std::string name, std::vector<int16_t> values, std::vector<uint8_t> valid) {
  return ExportColumn(fixed_width(std::move(name), "s", std::move(values), valid));
}
ExportColumn ExportColumn::int32s(std::string name, std::vector<int32_t> values, std::vector<uint8_t> valid) {
  return ExportColumn(fixed_width(std::move(name), "i", std::move(values), valid));
}
ExportColumn ExportColumn::int64s(std::string name, std::vector<int64_t> values, std::vector<uint8_t> valid) {
  return ExportColumn(fixed_width(std::move(name), "l", std::move(values), valid));
}

ExportColumn ExportColumn::bools(std::string name, const std::vector<uint8_t>& values) {
  auto d = std::make_shared<ColumnData>();
  d->name = std::move(name);
  d->format = "b";
  d->length = int64_t(values.size());
  std::vector<uint8_t> bits((values.size() + 7) / 8, 0);
  for (std::size_t i = 0; i < values.size(); ++i)
    if (values[i]) bits[i >> 3] |= uint8_t(1u << (i & 7));
  d->buffers = {nullptr, own(*d, std::move(bits))};
  return ExportColumn(std::move(d));
}

ExportColumn ExportColumn::dates(std::string name, std::vector<int32_t> days) {
  std::vector<uint8_t> valid;
  for (std::size_t i = 0; i < days.size(); ++i) {
    if (days[i] != kNoDay) continue;
    if (valid.empty()) valid.assign(days.size(), 1);
    valid[i] = 0;
    days[i] = 0;
  }
  return ExportColumn(fixed_width(std::move(name), "tdD", std::move(days), valid));
}

ExportColumn ExportColumn::decimals(std::string name, const std::vector<int64_t>& unscaled, int scale,
                                    std::vector<uint8_t> valid) {
  std::vector<int64_t> words(2 * unscaled.size());
  for (std::size_t i = 0; i < unscaled.size(); ++i) {
    words[2 * i] = unscaled[i];
    words[2 * i + 1] = unscaled[i] < 0 ? -1 : 0;  // sign extension into the high word
  }
  const std::string format = "d:38," + std::to_string(scale);
  auto d = fixed_width(std::move(name), "", std::move(words), valid);
  d->format = format;
  d->length = int64_t(unscaled.size());
  return ExportColumn(std::move(d));
}

ExportColumn ExportColumn::decimal_words(std::string name, std::vector<int64_t> words, int scale) {
  const int64_t rows = int64_t(words.size() / 2);
  auto d = fixed_width(std::move(name), "", std::move(words), {});
  d->format = "d:38," + std::to_string(scale);
  d->length = rows;
  return ExportColumn(std::move(d));
}

ExportColumn ExportColumn::in_place(std::string name, std::shared_ptr<const void> owner,
                                    std::span<const int16_t> values) {
  return ExportColumn(in_place_column(std::move(name), "s", std::move(owner), values));
}
ExportColumn ExportColumn::in_place(std::string name, std::shared_ptr<const void> owner,
                                    std::span<const int32_t> values) {
  return ExportColumn(in_place_column(std::move(name), "i", std::move(owner), values));
}
ExportColumn ExportColumn::in_place(std::string name, std::shared_ptr<const void> owner,
                                    std::span<const int64_t> values) {
  return ExportColumn(in_place_column(std::move(name), "l", std::move(owner), values));
}

ExportColumn ExportColumn::dates_in_place(std::string name, std::shared_ptr<const void> owner,
                                          std::span<const int32_t> days) {
  return ExportColumn(in_place_column(std::move(name), "tdD", std::move(owner), days));
}

ExportColumn ExportColumn::dictionary_in_place(std::string name, std::shared_ptr<const void> owner,
                                               std::span<const int32_t> codes,
                                               const std::vector<std::string>& names) {
  for (int32_t c : codes)
    if (c < 0 || std::size_t(c) >= names.size())
      throw Error("SC-ARROW-EXPORT", "column '" + name + "': code " + std::to_string(c) +
                                         " is not one of its " + std::to_string(names.size()) + " names");
  auto d = in_place_column(std::move(name), "i", std::move(owner), codes);
  d->dictionary = utf8_of("", names);
  return ExportColumn(std::move(d));
}

ExportColumn ExportColumn::texts(std::string name, const std::vector<std::string>& values) {
  return ExportColumn(utf8_of(std::move(name), values));
}

ExportColumn ExportColumn::texts(std::string name, const StringColumn& values) {
  std::vector<int64_t> offsets = values.offsets();
  return ExportColumn(utf8_column(std::move(name), std::move(offsets), values.bytes()));
}

ExportColumn ExportColumn::dictionary(std::string name, std::vector<int32_t> codes,
                                      const std::vector<std::string>& names) {
  std::vector<uint8_t> valid;
  for (std::size_t i = 0; i < codes.size(); ++i) {
    if (codes[i] >= 0) continue;
    if (valid.empty()) valid.assign(codes.size(), 1);
    valid[i] = 0;
    codes[i] = 0;
  }
  auto d = fixed_width(std::move(name), "i", std::move(codes), valid);
  d->dictionary = utf8_of("", names);
  return ExportColumn(std::move(d));
}

const std::string& ExportColumn::name() const { return data_->name; }
int64_t ExportColumn::length() const { return data_->length; }

// --- ExportTable --------------------------------------------------------------

void ExportTable::add(ExportColumn column) {
  if (!columns_.empty() && column.length() != rows_)
    throw Error("SC-ARROW-EXPORT", "column '" + column.name() + "' has " + std::to_string(column.length()) +
                                       " rows, the table " + std::to_string(rows_));
  rows_ = column.length();
  columns_.push_back(std::move(column.data_));
}

std::vector<std::string> ExportTable::column_names() const {
  std::vector<std::string> names;
  for (const auto& c : columns_) names.push_back(c->name);
  return names;
}

void ExportTable::export_schema(ArrowSchema* out) const {
  auto* p = new SchemaPrivate();
  p->format = "+s";
  p->children.resize(columns_.size());
  for (std::size_t k = 0; k < columns_.size(); ++k) export_column_schema(*columns_[k], &p->children[k]);
  for (ArrowSchema& c : p->children) p->child_pointers.push_back(&c);
  std::memset(out, 0, sizeof *out);
  out->format = p->format.c_str();
  out->name = "";
  out->n_children = int64_t(columns_.size());
  out->children = p->child_pointers.data();
  out->release = &release_schema;
  out->private_data = p;
}

void ExportTable::export_batch(ArrowArray* out) const {
  auto* p = new ArrayPrivate();
  p->buffers = {nullptr};
  p->children.resize(columns_.size());
  for (std::size_t k = 0; k < columns_.size(); ++k) export_column_array(columns_[k], &p->children[k]);
  for (ArrowArray& c : p->children) p->child_pointers.push_back(&c);
  std::memset(out, 0, sizeof *out);
  out->length = rows_;
  out->n_buffers = 1;
  out->buffers = p->buffers.data();
  out->n_children = int64_t(columns_.size());
  out->children = p->child_pointers.data();
  out->release = &release_array;
  out->private_data = p;
}

void ExportTable::export_stream(ArrowArrayStream* out) const {
  auto* p = new StreamPrivate{*this, false, {}};
  out->get_schema = &stream_get_schema;
  out->get_next = &stream_get_next;
  out->get_last_error = &stream_last_error;
  out->release = &release_stream;
  out->private_data = p;
}

}  // namespace salescomp::arrow
