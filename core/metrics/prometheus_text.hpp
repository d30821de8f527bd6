#pragma once
#include <optional>
#include <string>

#include "metrics/metrics_registry.hpp"
#include "metrics/slot_probe.hpp"

namespace popyka::metrics {

// The registry in Prometheus' text exposition format (version 0.0.4). `slot` adds what only
// the server knows (WAL retained by the slot, lag against the server's current WAL end).
std::string render_prometheus(const Registry& registry, const std::optional<SlotStatus>& slot);

}  // namespace popyka::metrics
