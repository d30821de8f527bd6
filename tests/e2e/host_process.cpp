#include "host_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>
#include <thread>

#include "file_text.hpp"

extern char** environ;

namespace popyka::test {

namespace {

std::vector<std::string> child_environment(const HostProcess::Environment& extra) {
  std::vector<std::string> out;
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::strncmp(*e, "POPYKA_", 7) != 0) out.emplace_back(*e);  // the test's own settings do not leak in
  }
  for (const auto& [name, value] : extra) out.push_back(name + "=" + value);
  return out;
}

}  // namespace

HostProcess::HostProcess(std::filesystem::path log_file, const Environment& env, const std::vector<std::string>& args)
    : log_file_(std::move(log_file)) {
  std::vector<std::string> argv_text{POPYKA_HOST_PATH};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  const std::vector<std::string> env_text = child_environment(env);
  std::vector<char*> argv, envp;  // built before fork: the child only calls async-signal-safe functions
  for (const auto& a : argv_text) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (const auto& e : env_text) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  const int fd = ::open(log_file_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot open " + log_file_.string());
  pid_ = fork();
  if (pid_ < 0) {
    ::close(fd);
    throw std::runtime_error("fork failed");
  }
  if (pid_ == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    const int null = ::open("/dev/null", O_RDONLY);
    dup2(null, STDIN_FILENO);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  ::close(fd);
}

HostProcess::~HostProcess() {
  if (pid_ > 0 && !exit_code_) {
    ::kill(pid_, SIGKILL);
    reap(0);
  }
}

std::string HostProcess::log() const { return file_text(log_file_); }

bool HostProcess::wait_for_log(std::string_view text, std::chrono::milliseconds timeout) {
  const auto give_up = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (log().find(text) != std::string::npos) return true;
    if (!running() || std::chrono::steady_clock::now() >= give_up) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void HostProcess::signal(int sig) const {
  if (pid_ > 0 && !exit_code_) ::kill(pid_, sig);
}

bool HostProcess::running() { return !exit_code_ && !reap(WNOHANG); }

std::optional<int> HostProcess::wait_exit(std::chrono::milliseconds timeout) {
  const auto give_up = std::chrono::steady_clock::now() + timeout;
  while (running()) {
    if (std::chrono::steady_clock::now() >= give_up) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return exit_code_;
}

bool HostProcess::reap(int options) {
  int status = 0;
  const pid_t r = waitpid(pid_, &status, options);
  if (r != pid_) return false;
  exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return true;
}

}  // namespace popyka::test
