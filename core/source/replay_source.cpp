#include "source/replay_source.hpp"

#include <string>

#include "runtime/stop_signal.hpp"
#include "source/drain.hpp"
#include "source/replication/host_messages.hpp"

namespace popyka::source {

std::size_t replay(std::istream& input, ChangeConsumer& consumer) {
  std::size_t consumed = 0;
  std::string line;
  while (!runtime::stop_requested() && std::getline(input, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    // A file recorded from a slot (pg_recvlogical) holds the host's heartbeats and watermarks
    // too: processors never see those, replayed or streamed.
    if (replication::is_host_message(line)) continue;
    consumer.consume(line, 0);
    ++consumed;
  }
  drain(consumer, std::chrono::seconds(30));
  return consumed;
}

}  // namespace popyka::source
