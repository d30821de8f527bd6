#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace popyka::source::replication {

using Wal2jsonOptions = std::vector<std::pair<std::string, std::string>>;

// The options START_REPLICATION hands to wal2json: the host's own (see the .cpp for why each),
// with `database.wal2json_options` added or overriding them. Throws ReplicationError when the
// user asks for a format-version other than 2, the only one the decoder reads.
Wal2jsonOptions wal2json_options(const Wal2jsonOptions& user_options);

// `START_REPLICATION SLOT name LOGICAL 0/0 ("k" 'v', ...)`. 0/0 lets the server resume from the
// slot's confirmed_flush_lsn. `slot_name` must have passed validate_slot_name().
std::string start_replication_command(std::string_view slot_name, const Wal2jsonOptions& options);

}  // namespace popyka::source::replication
