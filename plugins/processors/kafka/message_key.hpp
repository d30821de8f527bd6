#pragma once
#include <optional>
#include <string>
#include <string_view>

#include <popyka/sdk/change.hpp>

namespace popyka::kafka {

// The key of a row change (I, U, D, and R, an initial snapshot's row): a compact JSON object of
// the key columns, in key order, each value exactly as wal2json wrote it: `{"id":1}`,
// `{"tenant":"acme","id":7}`. Equal keys give equal bytes, so every change of one row, its R row
// included, lands on one partition, in order.
//
// Key columns: the primary key (`pk`, from wal2json's include-pk), or else every identity column.
// Values: the new row's columns for I, U and R (an UPDATE that changes the key moves to the new
// key), the identity for D. No key (nullopt) for other actions, or when a key column's value is
// missing from the change. The key is written into `buffer` (reused: no allocation once warm)
// and viewed there.
std::optional<std::string_view> message_key(const sdk::Change& change, std::string& buffer);

}  // namespace popyka::kafka
