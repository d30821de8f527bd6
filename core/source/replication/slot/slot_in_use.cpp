#include "source/replication/slot/slot_in_use.hpp"

#include <fmt/format.h>

#include <cctype>
#include <charconv>

namespace popyka::source::replication {

std::string describe(const SlotHolder& holder) {
  std::string text = holder.pid != 0 ? fmt::format("pid {}", holder.pid) : "pid unknown";
  if (!holder.application_name.empty()) text += fmt::format(", application_name \"{}\"", holder.application_name);
  if (!holder.client_addr.empty()) text += fmt::format(", client {}", holder.client_addr);
  return text;
}

SlotInUse::SlotInUse(std::string_view slot_name, SlotHolder holder)
    : ReplicationError(fmt::format(
          "replication slot \"{}\" is in use by another process ({}): stop that consumer or use another slot_name",
          slot_name, describe(holder))),
      holder_(std::move(holder)) {}

SlotInUse slot_in_use(ReplicationConnection& connection, std::string_view slot_name, int pid) {
  SlotHolder holder{pid, {}, {}};
  if (pid == 0) return SlotInUse(slot_name, std::move(holder));
  try {
    auto result = connection.execute(fmt::format(
        "SELECT coalesce(application_name, ''), coalesce(host(client_addr), '') FROM pg_stat_activity WHERE pid = {}",
        pid));
    if (result.rows() > 0) {
      holder.application_name = result.value(0, 0);
      holder.client_addr = result.value(0, 1);
    }
  } catch (const ServerError&) {
    // Only the pid then: the description is a courtesy, the wait does not depend on it.
  }
  return SlotInUse(slot_name, std::move(holder));
}

int pid_in_message(std::string_view message) {
  constexpr std::string_view marker = "PID ";
  const auto at = message.rfind(marker);
  if (at == std::string_view::npos) return 0;
  int pid = 0;
  const char* begin = message.data() + at + marker.size();
  std::from_chars(begin, message.data() + message.size(), pid);
  return pid;
}

}  // namespace popyka::source::replication
