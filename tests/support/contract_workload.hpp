#pragma once
#include <string>
#include <vector>

namespace popyka::test {

// The streaming issue's contract workload: tables without a key, with a primary key, with a
// composite key, REPLICA IDENTITY FULL, TRUNCATE of two tables in one statement, logical
// messages committed and rolled back, and values that are hard to carry (wide numerics,
// unicode, quotes, backslashes, newlines, NULLs, arrays, jsonb, a 5 kB text).
extern const std::vector<std::string> contract_schema;    // CREATE TABLE ..., in order
extern const std::vector<std::string> contract_workload;  // one transaction per entry

// The wal2json options popyka-host adds itself, as SQL arguments for
// pg_logical_slot_peek_changes(slot, NULL, NULL, <these>).
extern const std::string host_wal2json_options_sql;

}  // namespace popyka::test
