#include "stages/convert_columns.hpp"

#include <algorithm>

#include "dqprep/io/json_text.hpp"
#include "dqprep/text/normalize_text.hpp"

namespace dqprep::stages {

Result<ColumnMap> ColumnMap::from_flags(const std::string& text_column, const std::string& label_column,
                                        const std::vector<std::string>& maps) {
  ColumnMap m;
  auto add = [&](const std::string& flag, const std::string& column, const std::string& field) -> Status {
    if (column.empty() || field.empty()) return Status::usage(flag + ": an empty column or field name");
    if (!text::is_valid_utf8(column) || !text::is_valid_utf8(field)) return Status::usage(flag + ": not valid UTF-8");
    for (const auto& [c, f] : m.pairs_) {
      if (c == column) return Status::usage(flag + ": column '" + column + "' is mapped twice");
      if (f == field) {
        return Status::usage(flag + ": columns '" + c + "' and '" + column + "' would both be the field '" + field + "'");
      }
    }
    m.pairs_.emplace_back(column, field);
    return {};
  };
  if (!text_column.empty()) DQPREP_RETURN_IF_ERROR(add("--text-column", text_column, "text"));
  if (!label_column.empty()) DQPREP_RETURN_IF_ERROR(add("--label-column", label_column, "label"));
  for (const std::string& spec : maps) {
    size_t eq = spec.find('=');
    if (eq == std::string::npos) return Status::usage("--map '" + spec + "': expected COLUMN=FIELD");
    DQPREP_RETURN_IF_ERROR(add("--map '" + spec + "'", spec.substr(0, eq), spec.substr(eq + 1)));
  }
  return m;
}

std::string_view ColumnMap::field_of(std::string_view column) const {
  for (const auto& [c, f] : pairs_)
    if (c == column) return f;
  return column;
}

std::string_view ColumnMap::column_of(std::string_view field) const {
  for (const auto& [c, f] : pairs_)
    if (f == field) return c;
  return field;
}

Result<RowConverter> RowConverter::create(std::vector<std::string> columns, const ColumnMap& map,
                                          const std::string& where) {
  RowConverter r;
  std::vector<std::string_view> fields;
  for (size_t i = 0; i < columns.size(); ++i) {
    const std::string& c = columns[i];
    if (c.empty()) return Status::usage(where + "column " + std::to_string(i + 1) + " has no name");
    if (!text::is_valid_utf8(c)) return Status::usage(where + "column " + std::to_string(i + 1) + " has a name that is not valid UTF-8");
    if (std::find(columns.begin(), columns.begin() + static_cast<std::ptrdiff_t>(i), c) != columns.begin() + static_cast<std::ptrdiff_t>(i))
      return Status::usage(where + "column '" + c + "' appears twice");
    std::string_view field = map.field_of(c);
    auto same = std::find(fields.begin(), fields.end(), field);
    if (same != fields.end()) {
      return Status::usage(where + "columns '" + columns[static_cast<size_t>(same - fields.begin())] + "' and '" + c +
                           "' would both be the field '" + std::string(field) + "' (rename one with --map " + c + "=NAME)");
    }
    fields.push_back(field);
  }
  for (const auto& [column, field] : map.pairs()) {
    if (std::find(columns.begin(), columns.end(), column) == columns.end()) {
      std::string names;
      for (const std::string& c : columns) names += (names.empty() ? "" : ", ") + c;
      return Status::usage(where + "no column '" + column + "' (the columns: " + names + ")");
    }
  }
  for (std::string_view f : fields) {
    std::string key;
    json_text::append_string(key, f);
    key.push_back(':');
    r.keys_.push_back(std::move(key));
  }
  r.columns_ = std::move(columns);
  return r;
}

Status RowConverter::convert(const csv::Row& row, std::string& json) const {
  json.clear();
  if (row.fields.size() != columns_.size()) {
    std::string why = std::to_string(row.fields.size()) + (row.fields.size() == 1 ? " field" : " fields") +
                      ", the header has " + std::to_string(columns_.size());
    if (row.last_line != row.line) {
      why += " (the record spans lines " + std::to_string(row.line) + "-" + std::to_string(row.last_line) +
             ": a quote left open?)";
    }
    return Status::bad_input(why);
  }
  json.push_back('{');
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (!text::is_valid_utf8(row.fields[i])) {
      return Status::bad_input("column '" + columns_[i] +
                               "' is not valid UTF-8 (convert the file first, e.g. iconv -f WINDOWS-1252 -t UTF-8)");
    }
    if (i) json.push_back(',');
    json.append(keys_[i]);
    json_text::append_string(json, row.fields[i]);
  }
  json.push_back('}');
  return {};
}

Status rename_keys(const std::vector<record::Member>& members, const ColumnMap& map, std::string& json) {
  json.clear();
  json.push_back('{');
  for (size_t i = 0; i < members.size(); ++i) {
    std::string_view key = map.field_of(members[i].key);
    // The record has no key twice (record::Parser), so only a renamed key can meet another one.
    for (size_t j = 0; key != members[i].key && j < members.size(); ++j) {
      if (j != i && map.field_of(members[j].key) == key) {
        return Status::bad_input("keys '" + std::string(members[i].key) + "' and '" + std::string(members[j].key) +
                                 "' would both be the field '" + std::string(key) + "'");
      }
    }
    if (i) json.push_back(',');
    json_text::append_string(json, key);
    json.push_back(':');
    json.append(members[i].raw);
  }
  json.push_back('}');
  return {};
}

void record_to_row(const std::vector<record::Member>& members, const std::vector<std::string>& fields,
                   std::vector<std::string>& row) {
  row.assign(fields.size(), std::string());
  for (size_t i = 0; i < fields.size(); ++i) {
    for (const record::Member& m : members) {
      if (m.key != fields[i]) continue;
      if (m.is_string) {
        row[i].assign(m.text);
      } else if (m.raw != "null") {
        row[i].assign(m.raw);
      }
      break;
    }
  }
}

}  // namespace dqprep::stages
