#include "pipeline/retained_facts.hpp"

namespace popyka::pipeline {

RetainedFacts RetainedFacts::of(const decode::DecodedChange& change) {
  RetainedFacts facts;
  facts.snapshot_origin = change.snapshot_origin();
  facts.snapshot_position = change.snapshot_position();
  facts.snapshot_xid = change.snapshot_xid().json();
  const auto columns = change.in_columns();
  const auto identity = change.in_identity();
  facts.column_specials.assign(columns.begin(), columns.end());
  facts.identity_specials.assign(identity.begin(), identity.end());
  return facts;
}

void RetainedFacts::restore_to(decode::DecodedChange& change) const {
  change.set_snapshot_origin(snapshot_origin);
  change.set_snapshot_position(snapshot_position);
  if (!snapshot_xid.empty()) change.set_snapshot_xid(snapshot_xid);
  change.set_special_numbers(column_specials, identity_specials);
}

}  // namespace popyka::pipeline
