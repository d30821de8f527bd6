#include "metrics/metrics_server.hpp"

#include <charconv>
#include <stdexcept>

#include <httplib.h>

#include "metrics/prometheus_text.hpp"

namespace popyka::metrics {
namespace {

std::pair<std::string, int> split_listen(const std::string& listen) {
  const auto colon = listen.rfind(':');
  int port = -1;
  if (colon != std::string::npos && colon > 0) {
    auto [end, ec] = std::from_chars(listen.data() + colon + 1, listen.data() + listen.size(), port);
    if (ec != std::errc{} || end != listen.data() + listen.size()) port = -1;
  }
  if (port < 0 || port > 65535)
    throw std::runtime_error("metrics listen address '" + listen + "': expected host:port, e.g. 127.0.0.1:9187");
  return {listen.substr(0, colon), port};
}

std::string_view health_word(Health health) {
  switch (health) {
    case Health::Starting: return "starting";
    case Health::Standby: return "standby";
    case Health::Streaming: return "streaming";
    case Health::Reconnecting: return "reconnecting";
    case Health::Stopping: return "stopping";
    case Health::Failed: return "failed";
  }
  return "unknown";
}

}  // namespace

MetricsServer::MetricsServer(const std::string& listen, SlotProbe* probe)
    : probe_(probe), server_(std::make_unique<httplib::Server>()) {
  const auto [host, port] = split_listen(listen);
  server_->Get("/metrics", [this](const httplib::Request&, httplib::Response& response) {
    const std::optional<SlotStatus> slot = probe_ ? probe_->query() : std::nullopt;
    response.set_content(render_prometheus(registry(), slot), "text/plain; version=0.0.4; charset=utf-8");
  });
  server_->Get("/healthz", [](const httplib::Request&, httplib::Response& response) {
    const auto [health, reason] = registry().health();
    response.status = health == Health::Streaming ? 200 : 503;
    response.set_content(std::string(health_word(health)) + (reason.empty() ? "" : ": " + reason) + "\n", "text/plain");
  });
  port_ = port == 0 ? server_->bind_to_any_port(host) : (server_->bind_to_port(host, port) ? port : -1);
  if (port_ <= 0) throw std::runtime_error("metrics listen address '" + listen + "': cannot listen there (in use, or not a local address?)");
  thread_ = std::thread([this] { server_->listen_after_bind(); });
}

MetricsServer::~MetricsServer() {
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace popyka::metrics
