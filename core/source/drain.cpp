#include "source/drain.hpp"

#include <spdlog/spdlog.h>

namespace popyka::source {

sdk::Lsn drain(ChangeConsumer& consumer, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (consumer.has_pending() && std::chrono::steady_clock::now() < deadline) consumer.poll(std::chrono::milliseconds(100));
  const sdk::Lsn done = consumer.checkpoint();
  if (consumer.has_pending())
    spdlog::warn("stopping with deliveries still in flight after {} ms: they are not confirmed and will come again on the next run",
                 limit.count());
  return done;
}

}  // namespace popyka::source
