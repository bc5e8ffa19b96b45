#pragma once
// A table handed over through the C Data Interface: a stream of record
// batches (struct arrays) or one record batch, taken over (moved) and held
// until the table is destroyed. Columns are looked up by name; each column is
// a list of chunks, one per batch, with the global row of its first row, so
// readers can name the 1-based row of any bad cell.
//
// Nothing is copied: the readers in column_readers.hpp read the producer's
// buffers directly.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "salescomp/arrow/c_data_interface.hpp"
#include "salescomp/arrow/data_type.hpp"
#include "salescomp/arrow/owned.hpp"

namespace salescomp::arrow {

struct Chunk {
  const ArrowArray* array = nullptr;
  int64_t first_row = 0;  // global 0-based row of the chunk's first row
};

struct Column {
  std::string name;
  const ArrowSchema* schema = nullptr;
  DataType type;
  std::vector<Chunk> chunks;
  int64_t length = 0;
  int64_t null_count() const;
};

class ImportedTable {
 public:
  ImportedTable() = default;
  // Takes over the stream (the caller's struct is left released). `source`
  // names the table in messages ("deals"); schema metadata "salescomp.source"
  // (e.g. "deals.csv", set by the command line) takes precedence.
  static ImportedTable from_stream(ArrowArrayStream* stream, std::string source);
  // Takes over one record batch (a struct array and its schema).
  static ImportedTable from_batch(ArrowSchema* schema, ArrowArray* batch, std::string source);

  const std::string& source() const noexcept { return source_; }
  void set_source(std::string source) { source_ = std::move(source); }
  int64_t num_rows() const noexcept { return rows_; }
  const std::vector<Column>& columns() const noexcept { return columns_; }
  std::vector<std::string> column_names() const;
  // The column named `name`, or nullptr.
  const Column* find(std::string_view name) const noexcept;

 private:
  void describe_columns();
  void add_batch(OwnedArray batch);

  std::string source_;
  OwnedSchema schema_;
  std::vector<OwnedArray> batches_;
  std::vector<Column> columns_;
  int64_t rows_ = 0;
};

// The type of `schema` including its dictionary and list item (recursively).
DataType type_of(const ArrowSchema& schema);

}  // namespace salescomp::arrow
