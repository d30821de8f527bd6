#pragma once
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <stdexcept>
#include <string>

#include "file_text.hpp"

namespace popyka::test {

// Sends this process's fd 2 (where popyka-host's logger writes) to `file` while it lives, then
// back where it went before. text() is what reached the descriptor so far, not what a buffer
// still holds.
class StderrToFile {
 public:
  explicit StderrToFile(std::filesystem::path file) : file_(std::move(file)), saved_(::dup(STDERR_FILENO)) {
    const int fd = ::open(file_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || saved_ < 0 || ::dup2(fd, STDERR_FILENO) < 0) throw std::runtime_error("cannot send stderr to " + file_.string());
    ::close(fd);
  }
  ~StderrToFile() {
    ::dup2(saved_, STDERR_FILENO);
    ::close(saved_);
  }
  StderrToFile(const StderrToFile&) = delete;
  StderrToFile& operator=(const StderrToFile&) = delete;

  std::string text() const { return file_text(file_); }

 private:
  std::filesystem::path file_;
  int saved_;
};

}  // namespace popyka::test
