#pragma once
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace popyka::test {

// The real popyka-host program as a child process: stdout and stderr appended to a log file,
// its environment the test's without any POPYKA_* variable, plus `env`. Killed (SIGKILL) by the
// destructor when still running; it also dies with the test program (PR_SET_PDEATHSIG).
class HostProcess {
 public:
  using Environment = std::map<std::string, std::string>;

  HostProcess(std::filesystem::path log_file, const Environment& env, const std::vector<std::string>& args = {});
  HostProcess(const HostProcess&) = delete;
  HostProcess& operator=(const HostProcess&) = delete;
  ~HostProcess();

  pid_t pid() const noexcept { return pid_; }
  const std::filesystem::path& log_file() const noexcept { return log_file_; }
  std::string log() const;

  // Waits until the log contains `text`; false after `timeout` or when the process ended first.
  bool wait_for_log(std::string_view text, std::chrono::milliseconds timeout = std::chrono::seconds(30));

  void signal(int sig) const;
  bool running();
  // The exit code, 128 + signal number when killed by a signal, nullopt while still running
  // after `timeout`.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout = std::chrono::seconds(30));

 private:
  bool reap(int options);

  std::filesystem::path log_file_;
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
};

}  // namespace popyka::test
