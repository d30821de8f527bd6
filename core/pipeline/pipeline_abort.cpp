#include "pipeline/pipeline_abort.hpp"

#include <spdlog/spdlog.h>

#include <iostream>

#include "runtime/redaction.hpp"

namespace popyka::pipeline {

void report_abort(std::string_view why) {
  spdlog::error("stopped: the pipeline aborted: {}", why);
  spdlog::default_logger()->flush();
  std::cerr << "popyka-host: stopped: " << runtime::redact_secrets(why) << std::endl;
}

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
