#pragma once
#include <libpq-fe.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <utility>

#include "postgres_cluster.hpp"

namespace popyka::test {

// Commits `transaction(i)` (SQL, BEGIN ... COMMIT) for i = 0, 1, ... on a connection of its own,
// `pause` apart, until stopped or a statement fails (error() then says why). Shared by the
// snapshot tests that read tables while they are written.
class BackgroundWriter {
 public:
  BackgroundWriter(const PostgresCluster& cluster, std::function<std::string(int)> transaction, std::chrono::milliseconds pause)
      : transaction_(std::move(transaction)),
        pause_(pause),
        connection_(PQconnectdb(cluster.dsn().c_str())),
        thread_([this] { run(); }) {}
  ~BackgroundWriter() { stop(); }
  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    if (connection_) PQfinish(connection_), connection_ = nullptr;
  }
  int transactions() const { return transactions_; }
  const std::string& error() const { return error_; }

 private:
  void run() {
    for (int i = 0; !stop_; ++i) {
      PGresult* result = PQexec(connection_, transaction_(i).c_str());
      if (PQresultStatus(result) != PGRES_COMMAND_OK) error_ = PQresultErrorMessage(result);
      PQclear(result);
      if (!error_.empty()) return;
      ++transactions_;
      std::this_thread::sleep_for(pause_);
    }
  }

  std::function<std::string(int)> transaction_;
  std::chrono::milliseconds pause_;
  PGconn* connection_;
  std::atomic<bool> stop_{false};
  std::atomic<int> transactions_{0};
  std::string error_;
  std::thread thread_;  // last: started once the rest is set
};

}  // namespace popyka::test
