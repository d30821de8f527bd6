#pragma once
#include <algorithm>

#include "popyka/sdk/change.hpp"

namespace popyka::source::replication {

// Decides the positions a standby status update reports: `write` how far the stream has been
// received, `flush` what PostgreSQL may treat as done (the slot's confirmed_flush_lsn).
//
// flush is the consumer's checkpoint() (everything up to it processed and delivered), raised to
// the walEnd of the latest keepalive when nothing has been consumed since that keepalive and
// nothing is pending. Why that is safe: the server sends a keepalive's walEnd only once it has
// sent every change it decoded before that position, so when all of them are done no change
// below walEnd is owed; a transaction still open at walEnd commits after it and is sent in full
// after a restart anyway (the server resends each transaction whose commit is past the
// confirmed position). Why it is needed: without it a database whose WAL produces no message for
// this slot (writes in other databases, idle periods) would never move the slot, and the
// server would keep WAL forever. pg_recvlogical confirms keepalives' walEnd the same way.
//
// flush never goes backwards: PostgreSQL 15 would store a lower value as it is and resend what
// was already confirmed.
class ConfirmedPosition {
 public:
  // `slot_confirmed`: the slot's confirmed_flush_lsn when streaming started.
  explicit ConfirmedPosition(sdk::Lsn slot_confirmed) : flush_(slot_confirmed), write_(slot_confirmed) {}

  void on_data(sdk::Lsn wal_end) {
    consumed_since_keepalive_ = true;
    raise(write_, wal_end);
  }
  void on_keepalive(sdk::Lsn wal_end) {
    keepalive_end_ = wal_end;
    consumed_since_keepalive_ = false;
    raise(write_, wal_end);
  }

  // The flush position to report now, given the consumer's checkpoint() and has_pending().
  sdk::Lsn confirm(sdk::Lsn checkpoint, bool consumer_has_pending) {
    return confirm_below(checkpoint, consumer_has_pending, ~sdk::Lsn{0});
  }
  // The same, never past `ceiling` (an incremental snapshot's: see incremental_snapshot.hpp);
  // `ceiling` must not be below flush().
  sdk::Lsn confirm_below(sdk::Lsn checkpoint, bool consumer_has_pending, sdk::Lsn ceiling) {
    raise(flush_, std::min(checkpoint, ceiling));
    if (!consumed_since_keepalive_ && !consumer_has_pending) raise(flush_, std::min(keepalive_end_, ceiling));
    raise(write_, flush_);
    return flush_;
  }

  sdk::Lsn flush() const { return flush_; }
  sdk::Lsn write() const { return write_; }

 private:
  static void raise(sdk::Lsn& position, sdk::Lsn to) {
    if (to > position) position = to;
  }

  sdk::Lsn flush_;
  sdk::Lsn write_;
  sdk::Lsn keepalive_end_ = 0;
  bool consumed_since_keepalive_ = false;
};

}  // namespace popyka::source::replication
