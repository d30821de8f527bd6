#include "runtime/stop_signal.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdint>

namespace popyka::runtime {
namespace {

std::atomic<bool> stop{false};
std::atomic<int> stop_signal{0};

int make_stop_fd() { return ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK); }

int& the_stop_fd() {
  static int fd = make_stop_fd();
  return fd;
}

extern "C" void on_stop_signal(int signal) {
  stop_signal.store(signal);
  request_stop();
}

}  // namespace

void install_stop_handlers() {
  (void)the_stop_fd();  // created now, not inside a signal handler
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

void request_stop() noexcept {
  stop.store(true);
  const std::uint64_t one = 1;
  // async-signal-safe: write() on an eventfd
  [[maybe_unused]] auto written = ::write(the_stop_fd(), &one, sizeof one);
}

bool stop_requested() noexcept { return stop.load(); }

int stop_fd() noexcept { return the_stop_fd(); }

const char* stop_reason() noexcept {
  switch (stop_signal.load()) {
    case SIGTERM: return "SIGTERM";
    case SIGINT: return "SIGINT";
    default: return "requested";
  }
}

}  // namespace popyka::runtime
