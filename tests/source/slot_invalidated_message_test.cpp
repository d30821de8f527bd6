// The error for an invalidated slot names the cause the server gives, in the words of its major,
// and the fix that belongs to that cause. The causes a test server cannot reach by itself (the
// conflicts with recovery of a standby) are checked here; tests/source's stream tests and
// tests/matrix reach max_slot_wal_keep_size and, on 18, idle_replication_slot_timeout.
#include <catch2/catch.hpp>

#include <string>

#include "source/replication/slot/slot_invalidated.hpp"

using popyka::source::replication::SlotInvalidated;
using Cause = SlotInvalidated::Cause;

namespace {

std::string message(Cause cause, int server_version) {
  return SlotInvalidated("s", 0x16B3748, cause, server_version).what();
}

}  // namespace

TEST_CASE("each invalidation_reason maps to its cause, an unknown one to other") {
  CHECK(SlotInvalidated::cause_named("wal_removed") == Cause::wal_removed);
  CHECK(SlotInvalidated::cause_named("rows_removed") == Cause::rows_removed);
  CHECK(SlotInvalidated::cause_named("wal_level_insufficient") == Cause::wal_level_insufficient);
  CHECK(SlotInvalidated::cause_named("conflict") == Cause::conflict);
  CHECK(SlotInvalidated::cause_named("idle_timeout") == Cause::idle_timeout);
  CHECK(SlotInvalidated::cause_named("something_new") == Cause::other);
}

TEST_CASE("the invalidated slot's message names the server's cause, not always max_slot_wal_keep_size") {
  for (const Cause cause : {Cause::wal_removed, Cause::rows_removed, Cause::wal_level_insufficient, Cause::conflict,
                            Cause::idle_timeout, Cause::other}) {
    const std::string text = message(cause, 180000);
    CHECK(text.find('\n') == std::string::npos);
    CHECK_THAT(text, Catch::StartsWith("the server invalidated replication slot \"s\" (") &&
                         Catch::Contains("confirmed position 0/16B3748") &&
                         Catch::Contains("SELECT pg_drop_replication_slot('s')"));
    CHECK(SlotInvalidated("s", 0, cause, 180000).cause() == cause);
    if (cause != Cause::wal_removed) CHECK_THAT(text, !Catch::Contains("max_slot_wal_keep_size"));
  }
  CHECK_THAT(message(Cause::wal_removed, 150000), Catch::Contains("(wal_status = lost: it was more than "
                                                                  "max_slot_wal_keep_size behind"));
  CHECK_THAT(message(Cause::wal_removed, 170000), Catch::Contains("(invalidation_reason = wal_removed: it was more "
                                                                  "than max_slot_wal_keep_size behind"));
  CHECK_THAT(message(Cause::idle_timeout, 180000), Catch::Contains("idle_replication_slot_timeout"));
  CHECK_THAT(message(Cause::rows_removed, 170000),
             Catch::Contains("invalidation_reason = rows_removed") && Catch::Contains("hot_standby_feedback = on"));
  CHECK_THAT(message(Cause::wal_level_insufficient, 170000),
             Catch::Contains("invalidation_reason = wal_level_insufficient") && Catch::Contains("wal_level below logical"));
  CHECK_THAT(message(Cause::conflict, 160000),
             Catch::Contains("conflicting = true, restart_lsn kept: a conflict with recovery on this standby"));
}
