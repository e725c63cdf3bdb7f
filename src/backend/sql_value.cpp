#include "backend/sql_value.hpp"

#include <stdexcept>

namespace stratus::backend {

std::optional<std::size_t> sql_rows::column_index(std::string_view name) const {
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (columns[i] == name) return i;
  }
  return std::nullopt;
}

const sql_value& sql_rows::at(std::size_t row, std::string_view name) const {
  auto column = column_index(name);
  if (!column) throw std::out_of_range("no column named " + std::string(name));
  return values.at(row).at(*column);
}

std::string describe(const sql_value& value) {
  struct visitor {
    std::string operator()(const sql_null&) const { return "null"; }
    std::string operator()(std::int64_t i) const { return "int " + std::to_string(i); }
    std::string operator()(double d) const { return "double " + std::to_string(d); }
    std::string operator()(const std::string& s) const {
      return "text(" + std::to_string(s.size()) + " bytes)";
    }
    std::string operator()(const sql_blob& b) const {
      return "blob(" + std::to_string(b.size()) + " bytes)";
    }
  };
  return std::visit(visitor{}, value);
}

}  // namespace stratus::backend
