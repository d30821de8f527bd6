#pragma once
#include <string>

namespace popyka::pipeline {

// An exception that leaves a destructor or a noexcept function calls std::terminate, which
// nothing can catch; by default the process dies with SIGABRT and a libstdc++ line that names
// no plugin. popyka-host installs this report instead: one line `popyka-host: stopped: ...`
// naming the plugin call this thread was in (see TerminateContext) and the exception, then exit
// code 2 (kAbortExitCode), confirming nothing more.
void install_terminate_report();

// Marks, for the terminate report, the plugin call this thread is in, while it lives. The
// strings must outlive it (a stage's path and class name, a literal). Cheap: no allocation.
class TerminateContext {
 public:
  TerminateContext(const std::string& path, const std::string& class_name, const char* function) noexcept;
  ~TerminateContext();
  TerminateContext(const TerminateContext&) = delete;
  TerminateContext& operator=(const TerminateContext&) = delete;

  // `processors[1] (MyProcessor) in its destructor`, for the innermost context on this thread,
  // or empty outside any.
  static std::string describe_current();

 private:
  const std::string& path_;
  const std::string& class_name_;
  const char* function_;
  const TerminateContext* outer_;
};

}  // namespace popyka::pipeline
