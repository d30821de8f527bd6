#include "runtime/buffered_fd_sink.hpp"

// The template's definitions: the compiled spdlog library has them only for its own mutexes.
#include <spdlog/sinks/base_sink-inl.h>

#include <poll.h>
#include <unistd.h>

#include <cerrno>

namespace popyka::runtime {
namespace {

// All of [data, data + size) to `fd`, whatever write() takes at a time. A descriptor that
// fails (closed, a full disk) loses the rest, as a failed fwrite() to stderr would: logging
// never stops the process.
void write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t written = ::write(fd, data, size);
    if (written >= 0) {
      data += written;
      size -= static_cast<std::size_t>(written);
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {  // a non-blocking pipe that is full
      pollfd writable{fd, POLLOUT, 0};
      (void)::poll(&writable, 1, -1);
    } else if (errno != EINTR) {
      return;
    }
  }
}

}  // namespace

BufferedFdSink::BufferedFdSink(int fd, std::size_t block_size) : fd_(fd), block_size_(block_size) {
  block_.reserve(block_size_);
}

BufferedFdSink::~BufferedFdSink() { flush_(); }

bool BufferedFdSink::flush_within(std::chrono::milliseconds wait) {
  std::unique_lock lock(mutex_, wait);
  if (!lock.owns_lock()) return false;
  flush_();
  return true;
}

void BufferedFdSink::sink_it_(const spdlog::details::log_msg& message) {
  formatter_->format(message, block_);  // appends
  if (block_.size() >= block_size_) flush_();
}

void BufferedFdSink::flush_() {
  if (block_.size() == 0) return;
  write_all(fd_, block_.data(), block_.size());
  block_.clear();
  // A huge line (a change with a 100 MiB value) does not keep its memory for the rest of the run.
  if (block_.capacity() > 4 * block_size_) {
    block_ = spdlog::memory_buf_t();
    block_.reserve(block_size_);
  }
}

}  // namespace popyka::runtime
