#pragma once
// dqprep convert: how the columns of a table (or the keys of a JSON array's objects, or the text of
// a plain-text file) correspond to the fields of JSON Lines records. --text-column COL is the field
// "text", --label-column COL the field "label", --map COL=FIELD any other; a column named by none
// keeps its name. The same flags read the other way round write JSONL into a table. Outside the
// stage's file so that the fuzz target links it (fuzz/fuzz_csv.cpp).

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dqprep/io/csv.hpp"
#include "dqprep/io/record.hpp"
#include "dqprep/io/status.hpp"

namespace dqprep::stages {

class ColumnMap {
 public:
  // From the flags; a usage error for a malformed --map, a column named twice or two columns
  // given the same field.
  static Result<ColumnMap> from_flags(const std::string& text_column, const std::string& label_column,
                                      const std::vector<std::string>& maps);

  // The field of a column: its mapped name, else its own.
  std::string_view field_of(std::string_view column) const;
  // The column of a field: the column mapped to it, else the field's own name.
  std::string_view column_of(std::string_view field) const;
  bool empty() const { return pairs_.empty(); }
  const std::vector<std::pair<std::string, std::string>>& pairs() const { return pairs_; }  // column, field

 private:
  std::vector<std::pair<std::string, std::string>> pairs_;
};

// The record a table row becomes: {"FIELD": "value", ...} in column order.
class RowConverter {
 public:
  // The columns of a file (its header row, or --columns) under `map`. A usage error, prefixed with
  // `where`, when a mapped column is not among them, a column has no name or is named twice, a
  // name is not valid UTF-8, or two columns would become the same field.
  static Result<RowConverter> create(std::vector<std::string> columns, const ColumnMap& map, const std::string& where);

  // The record of one row, into `json` (cleared first); a bad_input Status (the message without
  // FILE:LINE) when the row has another number of fields than the header or a field that is not
  // valid UTF-8.
  Status convert(const csv::Row& row, std::string& json) const;

  const std::vector<std::string>& columns() const { return columns_; }

 private:
  std::vector<std::string> columns_;
  std::vector<std::string> keys_;  // each field name as a JSON string literal followed by ':'
};

// The record a JSON object becomes: its top-level keys renamed by `map` (values byte for byte).
// `members` are the object's (record::Parser::members); a bad_input Status when a renamed key
// would meet a key of the same name.
Status rename_keys(const std::vector<record::Member>& members, const ColumnMap& map, std::string& json);

// A JSON record as a table row: the value of each column's field (strings unescaped, null and a
// missing field empty, other values as their JSON text).
void record_to_row(const std::vector<record::Member>& members, const std::vector<std::string>& fields,
                   std::vector<std::string>& row);

}  // namespace dqprep::stages
