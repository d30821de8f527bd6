#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace popyka::source::replication {

// The options START_REPLICATION hands the output plugin, name and value, in order.
using PluginOptions = std::vector<std::pair<std::string, std::string>>;

// `START_REPLICATION SLOT name LOGICAL 0/0 ("k" 'v', ...)`. 0/0 lets the server resume from the
// slot's confirmed_flush_lsn. `slot_name` must have passed validate_slot_name() (ReplicationSlot checks it).
std::string start_replication_command(std::string_view slot_name, const PluginOptions& options);

}  // namespace popyka::source::replication
