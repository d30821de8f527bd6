#pragma once
#include <string>
#include <string_view>

#include "source/replication/transport/replication_connection.hpp"
#include "source/replication/replication_error.hpp"

namespace popyka::source::replication {

// The walsender streaming a slot, as far as this role may see it: PostgreSQL shows another
// role's application_name to everyone, its client address only to members of that role or
// pg_read_all_stats. Empty fields are unknown.
struct SlotHolder {
  int pid = 0;
  std::string application_name;
  std::string client_addr;  // empty for a Unix-socket client too
};

// `pid 4242, application_name "popyka", client 10.0.0.7`: what a DBA needs to find it.
std::string describe(const SlotHolder& holder);

// Another walsender holds the slot. Worth retrying (the server may not have noticed yet that the
// old one is gone, or a standby waits for its turn); an error once the wait is over.
class SlotInUse : public ReplicationError {
 public:
  SlotInUse(std::string_view slot_name, SlotHolder holder);
  const SlotHolder& holder() const noexcept { return holder_; }

 private:
  SlotHolder holder_;
};

// The SlotInUse for `slot_name` held by walsender `pid` (0: unknown), with what pg_stat_activity
// tells about that walsender.
SlotInUse slot_in_use(ReplicationConnection& connection, std::string_view slot_name, int pid);

// The pid in PostgreSQL's `replication slot "x" is active for PID 4242` (START_REPLICATION's
// error when another walsender was quicker); 0 when there is none.
int pid_in_message(std::string_view message);

}  // namespace popyka::source::replication
