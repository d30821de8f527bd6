#include "source/replication/heartbeat/heartbeat.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <optional>

#include "source/replication/transport/replication_connection.hpp"

namespace popyka::source::replication {

Heartbeat::Heartbeat(const config::DatabaseSpec& database)
    : connect_url_(database.heartbeat_connect_url.empty() ? database.connect_url : database.heartbeat_connect_url),
      url_key_(database.heartbeat_connect_url.empty() ? "database.connect_url" : "database.heartbeat_connect_url"),
      application_name_(database.application_name),
      interval_(database.heartbeat_interval_s) {
  if (database.heartbeat_interval_s <= 0) return;
  spdlog::info("heartbeat: a {} message every {}s", heartbeat_prefix, database.heartbeat_interval_s);
  thread_ = std::thread([this] { run(); });
}

Heartbeat::~Heartbeat() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void Heartbeat::run() {
  std::unique_ptr<ReplicationConnection> connection;
  bool failing = false;
  const auto wait = std::chrono::duration_cast<std::chrono::steady_clock::duration>(interval_);
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, wait, [this] { return stopping_; })) {
    lock.unlock();
    try {
      if (!connection) {
        connection = std::make_unique<ReplicationConnection>(connect_url_, /*replication=*/false, application_name_);
        // A server that hangs must not keep the thread (and the host's stop) waiting.
        connection->execute("SET statement_timeout = '10s'");
        if (connection->execute("SELECT pg_is_in_recovery()").value(0, 0) == "t") {
          spdlog::warn("heartbeat is off: {} names a standby, which cannot write WAL; set "
                       "database.heartbeat_connect_url to its primary to keep the slot moving",
                       url_key_);
          return;
        }
      }
      connection->execute(fmt::format("SELECT pg_logical_emit_message(false, '{}', now()::text)", heartbeat_prefix));
      if (failing) spdlog::info("heartbeat: emitting again");
      failing = false;
    } catch (const std::exception& e) {
      if (!failing) spdlog::warn("heartbeat failed (retrying every interval): {}", e.what());
      failing = true;
      connection.reset();
    }
    lock.lock();
  }
}

}  // namespace popyka::source::replication
