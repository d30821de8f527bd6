// JsonLinesFileProcessor: appends each change, exactly as wal2json wrote it, as one line to the
// file `path`. Writes are buffered; flush() writes out and fsyncs, and popyka confirms a change
// to PostgreSQL only after the flush that follows it, so what is confirmed is on disk.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <string>
#include <system_error>

#include <popyka/sdk.hpp>

namespace sdk = popyka::sdk;

namespace examples {

class JsonLinesFileProcessor final : public sdk::Processor {
 public:
  static constexpr sdk::ConfigKey kKeys[] = {
      sdk::required_key("path", sdk::ConfigType::String, "the file to append to (created when missing)"),
      sdk::optional_key("buffer_bytes", sdk::ConfigType::Int, "65536", "write out once this much is buffered, without waiting for flush()"),
  };

  ~JsonLinesFileProcessor() override {
    // Best effort: what is still buffered was not confirmed yet, so PostgreSQL sends it again
    // after a restart anyway; writing it now at worst repeats a line (at-least-once).
    try {
      write_out();
    } catch (...) {
    }
    if (fd_ >= 0) ::close(fd_);
  }

  void setup(const sdk::Config& config, sdk::Host& host) override {
    path_ = config.at("path").as_nonblank_string();
    const std::int64_t buffer_bytes = config.get_int64("buffer_bytes", 65536);
    if (buffer_bytes < 0) config.at("buffer_bytes").fail("must not be negative");
    buffer_limit_ = static_cast<std::size_t>(buffer_bytes);
    if (host.check_only()) return;  // --check-config: create nothing
    // O_APPEND: a restart continues the file instead of overwriting what is already there.
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd_ < 0) throw_errno("cannot open");
  }

  void process(const sdk::Change& change) override {
    // Write out what is buffered *before* taking this change: if that fails, this change was
    // not taken (its error handlers may retry it without writing it twice) and the earlier
    // lines stay buffered for the next attempt.
    if (buffer_.size() >= buffer_limit_) write_out();
    buffer_.append(change.json());
    buffer_ += '\n';
  }

  void flush() override {
    write_out();
    if (::fsync(fd_) != 0) throw_errno("cannot fsync");
  }

 private:
  // Writes the whole buffer; on an error, keeps what was not written and throws.
  void write_out() {
    std::size_t written = 0;
    while (written < buffer_.size()) {
      const ssize_t n = ::write(fd_, buffer_.data() + written, buffer_.size() - written);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        buffer_.erase(0, written);
        throw_errno("cannot write");
      }
      written += static_cast<std::size_t>(n);
    }
    buffer_.clear();
  }

  [[noreturn]] void throw_errno(const char* what) const {
    throw std::system_error(errno, std::generic_category(), std::string(what) + " " + path_);
  }

  std::string path_;
  std::size_t buffer_limit_ = 0;
  int fd_ = -1;
  std::string buffer_;
};

}  // namespace examples

POPYKA_PLUGIN(sdk::plugin_class<examples::JsonLinesFileProcessor>("examples.processors.JsonLinesFileProcessor",
                                                                  sdk::ConfigKeys::of(examples::JsonLinesFileProcessor::kKeys)))
