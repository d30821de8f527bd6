#pragma once
#include <sys/types.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace popyka::test {

// The producer property for tests that inject produce errors. librdkafka 2.0.2's mock broker
// checks an idempotent producer's sequence numbers only for transactional producers. So when an
// injected error fails one request while the next one for the same partition is in flight, the
// mock appends the next one; librdkafka sees it succeed and reports the failed one delivered
// too ("implicitly acked by subsequent batch success"), although the mock never stored it. A
// real broker refuses the next one (OUT_OF_ORDER_SEQUENCE_NUMBER) and both are sent again.
// With one request in flight there is no next one: librdkafka's retries are tested, not the gap.
inline const std::pair<std::string, std::string> kOneProduceRequestInFlight{"max.in.flight.requests.per.connection",
                                                                            "1"};

// A running popyka-mock-kafka: started in the constructor (its bootstrap line read), stopped in
// the destructor. command() sends one fault-injection line and waits for its `ok`.
class MockKafkaProcess {
 public:
  explicit MockKafkaProcess(const std::vector<std::string>& args = {});
  MockKafkaProcess(const MockKafkaProcess&) = delete;
  MockKafkaProcess& operator=(const MockKafkaProcess&) = delete;
  ~MockKafkaProcess();

  const std::string& bootstrap_servers() const noexcept { return bootstrap_; }
  // Throws std::runtime_error unless the answer is `ok`.
  void command(std::string_view line);

 private:
  std::string read_line();

  pid_t pid_ = -1;
  int to_child_ = -1;
  int from_child_ = -1;
  std::string buffered_;
  std::string bootstrap_;
};

}  // namespace popyka::test
