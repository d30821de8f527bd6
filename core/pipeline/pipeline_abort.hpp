#pragma once
#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>

namespace popyka::pipeline {

// The pipeline must stop: an error handler said ABORT, a processor failed without handlers, a
// filter or handler threw, the attempts bound was passed. The change at fault is not done, so
// it is never confirmed and comes again after a restart. what() is the one-line reason.
class PipelineAbort : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// popyka-host's exit code when the pipeline stops on a change it could not get done.
inline constexpr int kAbortExitCode = 2;

// Says why the pipeline stopped, in one line: `popyka-host: stopped: <why>` on stderr (secrets
// masked; see runtime::report_fatal).
void report_abort(std::string_view why);

// An exception's message: what() of a std::exception, else a line saying it is none.
std::string exception_text(const std::exception_ptr& exception);

}  // namespace popyka::pipeline
