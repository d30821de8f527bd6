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

}  // namespace popyka::pipeline
