#include "pipeline/pipeline_abort.hpp"

#include "runtime/logging.hpp"

namespace popyka::pipeline {

void report_abort(std::string_view why) { runtime::report_fatal("stopped: " + std::string(why)); }

std::string exception_text(const std::exception_ptr& exception) {
  try {
    std::rethrow_exception(exception);
  } catch (const std::exception& error) {
    return error.what();
  } catch (...) {
    return "an exception that is not a std::exception";
  }
}

}  // namespace popyka::pipeline
