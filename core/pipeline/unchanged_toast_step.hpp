#pragma once
#include <set>
#include <string>

#include "config/pipeline_config.hpp"
#include "decode/unchanged_toast_fill.hpp"

namespace popyka::pipeline {

// `database.unchanged_toast` on each decoded change, before any filter sees it, whichever output
// plugin it came through: `omit` leaves changes as they are; `from_identity` fills an update's
// unchanged TOASTed values from its identity, and says once per table whose updates carry no
// whole old row (so nothing to fill from) which ALTER TABLE would give one.
class UnchangedToastStep {
 public:
  explicit UnchangedToastStep(config::DatabaseSpec::UnchangedToast mode) : mode_(mode) {}

  void apply(decode::DecodedChange& change);

 private:
  config::DatabaseSpec::UnchangedToast mode_;
  decode::UnchangedToastFill fill_;
  std::set<std::string, std::less<>> warned_;  // "schema.table"
  std::string table_;                          // the one at hand, reused
};

}  // namespace popyka::pipeline
