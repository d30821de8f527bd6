#include "mock_kafka_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>

namespace popyka::test {

namespace {

constexpr int kAnswerTimeoutMs = 10000;

}  // namespace

MockKafkaProcess::MockKafkaProcess(const std::vector<std::string>& args) {
  int in[2], out[2];
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  std::vector<char*> argv{const_cast<char*>(POPYKA_MOCK_KAFKA_PATH)};
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    prctl(PR_SET_PDEATHSIG, SIGTERM);  // no orphaned cluster if the test binary dies
    dup2(in[0], STDIN_FILENO);
    dup2(out[1], STDOUT_FILENO);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  to_child_ = in[1];
  from_child_ = out[0];
  bootstrap_ = read_line();
}

MockKafkaProcess::~MockKafkaProcess() {
  close(to_child_);  // end of stdin: the mock stops by itself
  close(from_child_);
  int status = 0;
  for (int i = 0; i < 100; ++i) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) return;
    usleep(20000);
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, &status, 0);
}

void MockKafkaProcess::command(std::string_view line) {
  const std::string text = std::string(line) + "\n";
  if (write(to_child_, text.data(), text.size()) != static_cast<ssize_t>(text.size()))
    throw std::runtime_error("cannot write to popyka-mock-kafka");
  const std::string answer = read_line();
  if (answer != "ok") throw std::runtime_error("popyka-mock-kafka: " + std::string(line) + ": " + answer);
}

std::string MockKafkaProcess::read_line() {
  for (;;) {
    if (const auto nl = buffered_.find('\n'); nl != std::string::npos) {
      std::string line = buffered_.substr(0, nl);
      buffered_.erase(0, nl + 1);
      return line;
    }
    pollfd p{from_child_, POLLIN, 0};
    if (::poll(&p, 1, kAnswerTimeoutMs) <= 0) throw std::runtime_error("popyka-mock-kafka does not answer");
    char buf[1024];
    const ssize_t n = read(from_child_, buf, sizeof buf);
    if (n <= 0) throw std::runtime_error("popyka-mock-kafka exited");
    buffered_.append(buf, static_cast<size_t>(n));
  }
}

}  // namespace popyka::test
