#pragma once
#include <memory>
#include <string>
#include <thread>

#include "metrics/slot_probe.hpp"

namespace httplib {
class Server;
}

namespace popyka::metrics {

// Serves /metrics (Prometheus text) and /healthz (200 while streaming, 503 with a one-line
// reason while starting, reconnecting, stopping or failed) on `listen` (`host:port`), on a thread of
// its own until destroyed. Throws std::runtime_error naming the address when it cannot listen.
class MetricsServer {
 public:
  // `probe` (none: no slot metrics) must outlive the server.
  MetricsServer(const std::string& listen, SlotProbe* probe);
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  int port() const noexcept { return port_; }

 private:
  SlotProbe* probe_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace popyka::metrics
