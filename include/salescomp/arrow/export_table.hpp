#pragma once
// Results handed out through the C Data Interface. An ExportTable owns its
// columns' buffers (moved in, never copied); every export (a stream, a
// schema, a record batch) shares them through reference counting, so pyarrow,
// polars or DuckDB read the same memory and the table can be exported any
// number of times. Each exported struct, child and dictionary can be released
// on its own, as the specification requires.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "salescomp/arrow/c_data_interface.hpp"

namespace salescomp {
class StringColumn;
}

namespace salescomp::arrow {

struct ColumnData;  // buffers and type of one exported column (export_table.cpp)

class ExportColumn {
 public:
  // Integers; `valid` (one 0/1 per row) is empty when no value is null.
  static ExportColumn int16s(std::string name, std::vector<int16_t> values, std::vector<uint8_t> valid = {});
  static ExportColumn int32s(std::string name, std::vector<int32_t> values, std::vector<uint8_t> valid = {});
  static ExportColumn int64s(std::string name, std::vector<int64_t> values, std::vector<uint8_t> valid = {});
  static ExportColumn bools(std::string name, const std::vector<uint8_t>& values);
  // date32; kNoDay (column_readers.hpp) cells are null.
  static ExportColumn dates(std::string name, std::vector<int32_t> days);
  // decimal128(38, scale) holding unscaled * 10^-scale exactly.
  static ExportColumn decimals(std::string name, const std::vector<int64_t>& unscaled, int scale,
                               std::vector<uint8_t> valid = {});
  // utf8 (large_utf8 beyond 2 GiB of text).
  static ExportColumn texts(std::string name, const std::vector<std::string>& values);
  static ExportColumn texts(std::string name, const StringColumn& values);
  // dictionary<int32, utf8>: codes index `names`; a negative code is null.
  static ExportColumn dictionary(std::string name, std::vector<int32_t> codes,
                                 const std::vector<std::string>& names);

  // decimal128(38, scale) from its little-endian 64-bit words (two per row:
  // low, then high), moved in as they are.
  static ExportColumn decimal_words(std::string name, std::vector<int64_t> words, int scale);

  // Columns read in place from memory that `owner` keeps alive (no copy):
  // every export holds `owner` until its consumer releases the last array.
  // For a big result that stays in C++ anyway (the credits), this is the
  // difference between one copy of the rows and two.
  static ExportColumn in_place(std::string name, std::shared_ptr<const void> owner,
                               std::span<const int16_t> values);
  static ExportColumn in_place(std::string name, std::shared_ptr<const void> owner,
                               std::span<const int32_t> values);
  static ExportColumn in_place(std::string name, std::shared_ptr<const void> owner,
                               std::span<const int64_t> values);
  // date32 read in place (every day valid).
  static ExportColumn dates_in_place(std::string name, std::shared_ptr<const void> owner,
                                     std::span<const int32_t> days);
  // dictionary<int32, utf8> over codes read in place; every code must index
  // `names` (no nulls: a null slot's bytes would be the caller's, not 0).
  static ExportColumn dictionary_in_place(std::string name, std::shared_ptr<const void> owner,
                                          std::span<const int32_t> codes,
                                          const std::vector<std::string>& names);

  const std::string& name() const;
  int64_t length() const;

 private:
  explicit ExportColumn(std::shared_ptr<ColumnData> data) : data_(std::move(data)) {}
  std::shared_ptr<ColumnData> data_;
  friend class ExportTable;
};

class ExportTable {
 public:
  ExportTable() = default;
  // Columns must all have the same length.
  void add(ExportColumn column);
  int64_t num_rows() const noexcept { return rows_; }
  std::vector<std::string> column_names() const;

  // Fills `out` (an unreleased struct) with a schema / one record batch / a
  // stream of one record batch; the consumer releases it.
  void export_schema(ArrowSchema* out) const;
  void export_batch(ArrowArray* out) const;
  void export_stream(ArrowArrayStream* out) const;

 private:
  std::vector<std::shared_ptr<ColumnData>> columns_;
  int64_t rows_ = 0;
};

}  // namespace salescomp::arrow
