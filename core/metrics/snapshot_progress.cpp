#include "metrics/snapshot_progress.hpp"

#include <algorithm>

namespace popyka::metrics {

SnapshotTable& SnapshotProgress::table(std::string_view name) {
  std::lock_guard lock(mutex_);
  auto it = std::find_if(tables_.begin(), tables_.end(), [&](const SnapshotTable& t) { return t.name == name; });
  if (it != tables_.end()) return *it;
  tables_.emplace_back().name = name;
  return tables_.back();
}

std::vector<SnapshotProgress::Sample> SnapshotProgress::sample() const {
  std::lock_guard lock(mutex_);
  std::vector<Sample> samples;
  samples.reserve(tables_.size());
  for (const SnapshotTable& t : tables_)
    samples.push_back({t.name, t.estimated_rows.value(), t.rows.value(), t.state.value(), t.chunks.value()});
  return samples;
}

}  // namespace popyka::metrics
