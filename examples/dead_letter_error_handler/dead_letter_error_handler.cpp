// DeadLetterErrorHandler: appends each change a processor failed on, with the error, as one JSON
// line to the file `path`, then answers NEXT_PROCESSOR: the failed processor gives up on this
// change and the next processors still get it.
//
//   {"failed_at":"2024-01-02T03:04:05Z","processor":"...","error":"...","lsn":"0/1E541460","change":{...}}
//
// `change` is the message exactly as wal2json wrote it, so a dead letter can be replayed with
// `popyka-host --replay` once the cause is fixed.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <string>
#include <string_view>
#include <system_error>

#include <popyka/sdk.hpp>

namespace sdk = popyka::sdk;

namespace examples {

class DeadLetterErrorHandler final : public sdk::ErrorHandler {
 public:
  static constexpr sdk::ConfigKey kKeys[] = {
      sdk::required_key("path", sdk::ConfigType::String, "the dead-letter file to append to (created when missing)")};

  ~DeadLetterErrorHandler() override {
    if (fd_ >= 0) ::close(fd_);
  }

  void setup(const sdk::Config& config, sdk::Host& host) override {
    path_ = config.at("path").as_nonblank_string();
    if (host.check_only()) return;  // --check-config: create nothing
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd_ < 0) throw_errno("cannot open");
  }

  sdk::ErrorAction handle_error(const sdk::Change& change, const sdk::Failure& failure) override {
    std::string line = R"({"failed_at":")" + utc_now() + R"(","processor":)";
    sdk::append_json_string(line, failure.processor);
    line += R"(,"error":)";
    sdk::append_json_string(line, failure.message);
    line += R"(,"lsn":")" + sdk::format_lsn(change.lsn()) + R"(","change":)";
    line += change.json();
    line += "}\n";
    // Written and fsynced before answering: after NEXT_PROCESSOR the change can be confirmed to
    // PostgreSQL, and then this line is the only copy of it. When that fails we throw, which
    // stops popyka-host with the change unconfirmed, rather than lose it.
    write_all(line);
    if (::fsync(fd_) != 0) throw_errno("cannot fsync");
    return sdk::ErrorAction::NextProcessor;
  }

 private:
  void write_all(std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw_errno("cannot write");
      data.remove_prefix(static_cast<std::size_t>(n));
    }
  }

  static std::string utc_now() {
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    ::gmtime_r(&now, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
  }

  [[noreturn]] void throw_errno(const char* what) const {
    throw std::system_error(errno, std::generic_category(), std::string(what) + " " + path_);
  }

  std::string path_;
  int fd_ = -1;
};

}  // namespace examples

POPYKA_PLUGIN(sdk::plugin_class<examples::DeadLetterErrorHandler>("examples.error_handlers.DeadLetterErrorHandler",
                                                                  sdk::ConfigKeys::of(examples::DeadLetterErrorHandler::kKeys)))
