// HttpPostProcessor: POSTs each change, exactly as wal2json wrote it, to `url` as
// application/json. A connection failure, a timeout or a status other than 2xx throws, so the
// change goes to this processor's error_handlers (retry it, dead-letter it, or stop).
#include <chrono>
#include <memory>
#include <string>

#include <httplib.h>
#include <popyka/sdk.hpp>

namespace sdk = popyka::sdk;

namespace examples {

class HttpPostProcessor final : public sdk::Processor {
 public:
  static constexpr sdk::ConfigKey kKeys[] = {
      sdk::required_key("url", sdk::ConfigType::String, "where to POST: http://host[:port][/path] (https:// too)"),
      sdk::optional_key("timeout_ms", sdk::ConfigType::Int, "5000", "connect, send and receive timeout in milliseconds"),
      sdk::optional_key("headers", sdk::ConfigType::Map, nullptr, "extra request headers, a mapping of name: value"),
  };

  void setup(const sdk::Config& config, sdk::Host&) override {
    const sdk::Config& url = config.at("url");
    url_ = url.as_nonblank_string();
    // httplib::Client takes `scheme://host[:port]`; the path goes with each request.
    const std::size_t host_start = url_.starts_with("http://") ? 7 : url_.starts_with("https://") ? 8 : 0;
    const std::size_t path_start = url_.find('/', host_start);
    if (host_start == 0 || path_start == host_start || url_.find(' ') != std::string::npos)
      url.fail("expected http://host[:port][/path], found '" + url_ + "'");
    path_ = path_start == std::string::npos ? "/" : url_.substr(path_start);
    client_ = std::make_unique<httplib::Client>(url_.substr(0, path_start));
    if (!client_->is_valid()) url.fail("expected http://host[:port][/path], found '" + url_ + "'");

    const std::chrono::milliseconds timeout(config.get_int64("timeout_ms", 5000));
    if (timeout.count() <= 0) config.at("timeout_ms").fail("must be positive");
    client_->set_connection_timeout(timeout);
    client_->set_read_timeout(timeout);
    client_->set_write_timeout(timeout);
    client_->set_keep_alive(true);  // one connection for the whole stream, not one per change
    // Each change waits for its answer, and httplib sends headers and body in separate writes:
    // with Nagle's algorithm on, the body waits for the server's delayed ACK (~40 ms a change).
    client_->set_tcp_nodelay(true);

    if (const sdk::Config* headers = config.find("headers"))
      for (const auto& [name, value] : headers->entries()) headers_.emplace(name, value.as_string());
  }

  void process(const sdk::Change& change) override {
    const std::string_view body = change.json();
    const httplib::Result result = client_->Post(path_, headers_, body.data(), body.size(), "application/json");
    if (!result) throw sdk::Error("POST " + url_ + ": request failed: " + httplib::to_string(result.error()));
    if (result->status < 200 || result->status > 299)
      throw sdk::Error("POST " + url_ + ": HTTP " + std::to_string(result->status) + " " + result->body.substr(0, 200));
  }

 private:
  std::string url_;
  std::string path_;
  httplib::Headers headers_;
  std::unique_ptr<httplib::Client> client_;
};

}  // namespace examples

POPYKA_PLUGIN(sdk::plugin_class<examples::HttpPostProcessor>("examples.processors.HttpPostProcessor",
                                                             sdk::ConfigKeys::of(examples::HttpPostProcessor::kKeys)))
