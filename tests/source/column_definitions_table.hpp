#pragma once
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <utility>

#include "popyka/sdk/change.hpp"
#include "popyka/sdk/change_details.hpp"

namespace popyka::test {

// A table `name` with a column of each kind sdk::ColumnDefinition tells apart: a serial, domains
// (over integer, over bit(3), over a domain over numeric(10,2)), defaults, a generated column and
// an array of a domain (no base type: not a domain itself). Its domains are named `name`_...
inline std::string column_definitions_schema(const std::string& name) {
  return "CREATE DOMAIN " + name + "_int AS integer; CREATE DOMAIN " + name + "_price AS numeric(10,2); " +
         "CREATE DOMAIN " + name + "_positive AS " + name + "_price CHECK (VALUE > 0); " +
         "CREATE DOMAIN " + name + "_bits AS bit(3); " +
         "CREATE TABLE " + name + "(id serial PRIMARY KEY, n " + name + "_int NOT NULL DEFAULT 0, label text DEFAULT 'abc', " +
         "price " + name + "_positive, flags " + name + "_bits, doubled integer GENERATED ALWAYS AS (n * 2) STORED, " +
         "prices " + name + "_price[])";
}

// A row for it, its defaults and generated column left to the server.
inline std::string column_definitions_row(const std::string& name) {
  return "INSERT INTO " + name + "(n, price, flags, prices) VALUES (1, 2.5, B'101', '{1.5}')";
}

// Column name -> {base type, default expression}.
using DefinitionsByName = std::map<std::string, std::pair<std::string, std::string>>;

// `change`'s column definitions by column name; empty when it has none, or not one per column.
inline DefinitionsByName definitions_by_name(const sdk::Change& change) {
  const sdk::ColumnDefinitions* found = sdk::column_definitions_of(change);
  if (found == nullptr || found->column_definitions().size() != change.columns().size()) return {};
  DefinitionsByName by_name;
  for (std::size_t i = 0; i < change.columns().size(); ++i) {
    const sdk::ColumnDefinition& definition = found->column_definitions()[i];
    by_name[std::string(change.columns()[i].name)] = {std::string(definition.base_type),
                                                      std::string(definition.default_expression)};
  }
  return by_name;
}

// Checks the definitions a change of table `name` (column_definitions_schema()) had.
inline void check_column_definitions(const DefinitionsByName& got, const std::string& name) {
  const DefinitionsByName expected = {
      {"id", {"", "nextval('" + name + "_id_seq'::regclass)"}},
      {"n", {"integer", "0"}},
      {"label", {"", "'abc'::text"}},
      {"price", {"numeric(10,2)", ""}},  // through the domain over the domain
      {"flags", {"bit(3)", ""}},
      {"doubled", {"", ""}},  // generated: no default (not every output plugin sends it)
      {"prices", {"", ""}},   // an array of a domain
  };
  CHECK(got.contains("id"));
  CHECK(got.contains("n"));
  CHECK(got.contains("price"));
  for (const auto& [column, definition] : got) {
    INFO(name << "." << column);
    REQUIRE(expected.contains(column));
    CHECK(definition.first == expected.at(column).first);    // base type
    CHECK(definition.second == expected.at(column).second);  // default
  }
}

inline void check_column_definitions(const sdk::Change& change, const std::string& name) {
  check_column_definitions(definitions_by_name(change), name);
}

}  // namespace popyka::test
