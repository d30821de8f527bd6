#pragma once
#include <chrono>
#include <cstddef>
#include <mutex>

#include <spdlog/sinks/base_sink.h>

namespace popyka::runtime {

// An spdlog sink that gathers formatted lines in a block and hands the block to a file
// descriptor with write() when it is full or on flush(): one system call per `block_size` bytes
// of log instead of one (and an fflush) per line. What is not flushed yet dies with the process,
// so its owner decides when lines must be out (see runtime::flush_logs()). The destructor writes
// what is left.
class BufferedFdSink final : public spdlog::sinks::base_sink<std::timed_mutex> {
 public:
  static constexpr std::size_t kDefaultBlockSize = 64 * 1024;

  explicit BufferedFdSink(int fd, std::size_t block_size = kDefaultBlockSize);
  ~BufferedFdSink() override;
  BufferedFdSink(const BufferedFdSink&) = delete;
  BufferedFdSink& operator=(const BufferedFdSink&) = delete;

  // flush(), unless another thread holds the sink for longer than `wait` (on the way out of a
  // process whose pipeline thread may be stuck inside a log call); returns whether it flushed.
  bool flush_within(std::chrono::milliseconds wait);

 protected:
  void sink_it_(const spdlog::details::log_msg& message) override;
  void flush_() override;

 private:
  int fd_;
  std::size_t block_size_;
  spdlog::memory_buf_t block_;
};

}  // namespace popyka::runtime
