#pragma once
#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

namespace popyka::test {

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
