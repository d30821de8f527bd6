#pragma once
#include <string_view>

#include "popyka/sdk/change.hpp"

namespace popyka::source::replication {

// Logical decoding messages whose prefix starts with `popyka.` are the host's own (heartbeats,
// signals, watermarks): the source drops them before the pipeline (signals and watermarks go to
// the incremental snapshot instead, incremental/), so no filter
// or processor ever sees one. Users pick any other prefix.
inline constexpr std::string_view host_message_namespace = "popyka.";

// True for a wal2json v2 message (action M) whose prefix is in host_message_namespace.
bool is_host_message(std::string_view wal2json_message) noexcept;
// The same of a decoded change (pgoutput's).
bool is_host_message(const sdk::Change& change) noexcept;

}  // namespace popyka::source::replication
