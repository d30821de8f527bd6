#include "pipeline/terminate_report.hpp"

#include <cstdlib>
#include <exception>

#include "pipeline/pipeline_abort.hpp"

namespace popyka::pipeline {
namespace {

thread_local const TerminateContext* innermost = nullptr;

[[noreturn]] void report_terminate() {
  const std::exception_ptr exception = std::current_exception();
  const std::string what = exception ? exception_text(exception) : "std::terminate was called with no exception";
  const std::string where = TerminateContext::describe_current();
  report_abort((where.empty() ? "outside any plugin call (a thread of a plugin's own, or a bug in popyka-host)" : where) +
               ": " + what +
               "; an exception that leaves a destructor or a noexcept function cannot be caught, so popyka-host exits, "
               "confirming nothing more");
  std::_Exit(kAbortExitCode);
}

}  // namespace

void install_terminate_report() { std::set_terminate(report_terminate); }

TerminateContext::TerminateContext(const std::string& path, const std::string& class_name, const char* function) noexcept
    : path_(path), class_name_(class_name), function_(function), outer_(innermost) {
  innermost = this;
}

TerminateContext::~TerminateContext() { innermost = outer_; }

std::string TerminateContext::describe_current() {
  if (innermost == nullptr) return {};
  return innermost->path_ + " (" + innermost->class_name_ + ") in " + innermost->function_;
}

}  // namespace popyka::pipeline
