#pragma once
#include <string>
#include <vector>

#include "decode/decoded_change.hpp"

namespace popyka::pipeline {

// What a deferred change's text does not carry, kept beside it so that a retried delivery, decoded
// again from its text, is the change the processor first saw: the snapshot markers of an R row
// (Debezium's source.snapshot "first"/"last"/"incremental" and txId) and its special numbers.
// Column details are not kept: the retry's decoder looks them up again (with wal2json).
struct RetainedFacts {
  sdk::SnapshotOrigin snapshot_origin = sdk::SnapshotOrigin::none;
  sdk::SnapshotPosition snapshot_position = sdk::SnapshotPosition::none;
  std::string snapshot_xid;  // digits, or empty (short enough to allocate nothing)
  std::vector<sdk::SpecialNumber> column_specials, identity_specials;  // empty when none (the common case)

  static RetainedFacts of(const decode::DecodedChange& change);
  // Gives `change` these facts; it points into them, so they must outlive its use.
  void restore_to(decode::DecodedChange& change) const;
};

}  // namespace popyka::pipeline
