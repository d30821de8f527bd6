#include "source/replication/transport/stop_aware_wait.hpp"

#include <poll.h>

#include <algorithm>
#include <cerrno>

#include "runtime/stop_signal.hpp"

namespace popyka::source::replication {

WaitOutcome wait_readable(int socket, std::chrono::milliseconds timeout, bool stop_ends_wait) {
  if (stop_ends_wait && runtime::stop_requested()) return WaitOutcome::stop_requested;
  // The stop eventfd stays readable once a stop is asked, so it is left out when it must not
  // end the wait.
  pollfd fds[2];
  nfds_t count = 0;
  if (socket >= 0) fds[count++] = {socket, POLLIN, 0};
  if (stop_ends_wait) fds[count++] = {runtime::stop_fd(), POLLIN, 0};
  const int millis = static_cast<int>(std::max<std::chrono::milliseconds::rep>(timeout.count(), 0));
  const int ready = ::poll(fds, count, millis);
  if (stop_ends_wait && runtime::stop_requested()) return WaitOutcome::stop_requested;
  // EINTR (a signal, SIGTERM's handler among them) counts as a timeout: the caller looks again.
  if (ready > 0 && socket >= 0 && (fds[0].revents & (POLLIN | POLLERR | POLLHUP)) != 0) {
    return WaitOutcome::socket_readable;
  }
  return WaitOutcome::timed_out;
}

}  // namespace popyka::source::replication
