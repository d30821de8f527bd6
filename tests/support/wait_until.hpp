#pragma once
#include <chrono>
#include <thread>

namespace popyka::test {

// Polls `condition` until it holds or `limit` passes; returns whether it held. The limit only
// catches a hang: tests wait on what they need to have happened, never for a fixed time.
template <class Condition>
bool wait_until(Condition condition, std::chrono::milliseconds limit = std::chrono::seconds(60)) {
  const auto give_up = std::chrono::steady_clock::now() + limit;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= give_up) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

}  // namespace popyka::test
