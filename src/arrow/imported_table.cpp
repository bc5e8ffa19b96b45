#include "salescomp/arrow/imported_table.hpp"

#include <cstring>
#include <memory>

#include "salescomp/core/error.hpp"

namespace salescomp::arrow {

namespace {

[[noreturn]] void fail(const std::string& source, const std::string& what) {
  throw ValidationError("SC-ARROW-IMPORT", Issue{std::nullopt, source, "", what});
}

// The value of `key` in C Data Interface metadata (int32 pair count, then
// int32-length-prefixed keys and values), or "".
std::string metadata_value(const char* metadata, std::string_view key) {
  if (metadata == nullptr) return {};
  auto read_int = [&](const char*& p) {
    int32_t v;
    std::memcpy(&v, p, 4);
    p += 4;
    return v;
  };
  const char* p = metadata;
  const int32_t pairs = read_int(p);
  for (int32_t i = 0; i < pairs; ++i) {
    const int32_t key_length = read_int(p);
    const std::string_view k(p, std::size_t(key_length));
    p += key_length;
    const int32_t value_length = read_int(p);
    const std::string_view v(p, std::size_t(value_length));
    p += value_length;
    if (k == key) return std::string(v);
  }
  return {};
}

}  // namespace

DataType type_of(const ArrowSchema& schema) {
  DataType t = parse_format(schema.format ? schema.format : "");
  if (schema.dictionary != nullptr) {
    t.dictionary = true;
    t.value = std::make_shared<DataType>(type_of(*schema.dictionary));
  } else if (t.is_list() && schema.n_children == 1) {
    t.value = std::make_shared<DataType>(type_of(*schema.children[0]));
  }
  return t;
}

int64_t Column::null_count() const {
  int64_t n = 0;
  for (const Chunk& c : chunks) n += c.array->null_count < 0 ? 0 : c.array->null_count;
  return n;
}

ImportedTable ImportedTable::from_stream(ArrowArrayStream* raw, std::string source) {
  OwnedStream stream(raw);
  ImportedTable t;
  t.source_ = std::move(source);
  auto last_error = [&]() -> std::string {
    const char* e = stream->get_last_error ? stream->get_last_error(stream.get()) : nullptr;
    return e ? e : "no message";
  };
  ArrowSchema schema{};
  if (stream->get_schema(stream.get(), &schema) != 0)
    fail(t.source_, "the Arrow stream gave no schema: " + last_error());
  t.schema_ = OwnedSchema(&schema);
  t.describe_columns();
  for (;;) {
    ArrowArray batch{};
    if (stream->get_next(stream.get(), &batch) != 0)
      fail(t.source_, "reading the Arrow stream failed: " + last_error());
    if (batch.release == nullptr) break;  // end of stream
    t.add_batch(OwnedArray(&batch));
  }
  return t;
}

ImportedTable ImportedTable::from_batch(ArrowSchema* schema, ArrowArray* batch, std::string source) {
  ImportedTable t;
  t.source_ = std::move(source);
  t.schema_ = OwnedSchema(schema);
  t.describe_columns();
  t.add_batch(OwnedArray(batch));
  return t;
}

void ImportedTable::describe_columns() {
  const ArrowSchema& s = *schema_.get();
  // A producer may name the table's origin (the CLI names the file it read).
  if (std::string named = metadata_value(s.metadata, "salescomp.source"); !named.empty()) source_ = named;
  if (std::string_view(s.format ? s.format : "") != "+s")
    fail(source_, "expected a table (a struct of columns), got Arrow type '" +
                      std::string(s.format ? s.format : "") + "'");
  columns_.reserve(std::size_t(s.n_children));
  for (int64_t i = 0; i < s.n_children; ++i) {
    const ArrowSchema* child = s.children[i];
    Column c;
    c.name = child->name ? child->name : "";
    c.schema = child;
    c.type = type_of(*child);
    for (const Column& other : columns_)
      if (other.name == c.name) fail(source_, "the column '" + c.name + "' appears twice");
    columns_.push_back(std::move(c));
  }
}

void ImportedTable::add_batch(OwnedArray batch) {
  if (batch->n_children != int64_t(columns_.size()))
    fail(source_, "a record batch has " + std::to_string(batch->n_children) + " columns, the schema " +
                      std::to_string(columns_.size()));
  if (batch->offset != 0 && batch->n_children > 0) {
    // A sliced struct array: children are offset by the parent's offset too.
    // Producers of record batches do not slice the parent; refuse rather than misread.
    fail(source_, "a record batch with a non-zero struct offset is not supported");
  }
  for (std::size_t k = 0; k < columns_.size(); ++k) {
    const ArrowArray* child = batch->children[k];
    if (child->length != batch->length)
      fail(source_, "column '" + columns_[k].name + "' has " + std::to_string(child->length) +
                        " rows in a batch of " + std::to_string(batch->length));
    columns_[k].chunks.push_back(Chunk{child, rows_});
    columns_[k].length += child->length;
  }
  rows_ += batch->length;
  batches_.push_back(std::move(batch));
}

std::vector<std::string> ImportedTable::column_names() const {
  std::vector<std::string> names;
  names.reserve(columns_.size());
  for (const Column& c : columns_) names.push_back(c.name);
  return names;
}

const Column* ImportedTable::find(std::string_view name) const noexcept {
  for (const Column& c : columns_)
    if (c.name == name) return &c;
  return nullptr;
}

}  // namespace salescomp::arrow
