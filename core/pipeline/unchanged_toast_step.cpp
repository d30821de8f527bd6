#include "pipeline/unchanged_toast_step.hpp"

#include <spdlog/spdlog.h>

namespace popyka::pipeline {
namespace {

// A name as SQL needs it whatever it holds: "double-quoted", a quote doubled.
std::string quoted_identifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out += '"';
}

}  // namespace

void UnchangedToastStep::apply(decode::DecodedChange& change) {
  if (mode_ != config::DatabaseSpec::UnchangedToast::from_identity) return;
  if (fill_.fill(change) != decode::UnchangedToastFill::Outcome::identity_not_whole) return;
  table_.assign(change.schema());
  table_ += '.';
  table_ += change.table();
  if (warned_.contains(table_)) return;
  spdlog::warn("database.unchanged_toast is from_identity, but the updates of table {} do not carry the whole old row "
               "(its replica identity is not FULL): a TOASTed value an update leaves unchanged stays out of its columns; "
               "to have it filled run ALTER TABLE {}.{} REPLICA IDENTITY FULL",
               table_, quoted_identifier(change.schema()), quoted_identifier(change.table()));
  warned_.insert(table_);
}

}  // namespace popyka::pipeline
