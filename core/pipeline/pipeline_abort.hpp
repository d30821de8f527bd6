#pragma once
#include <stdexcept>

namespace popyka::pipeline {

// The pipeline must stop: an error handler said ABORT, a processor failed without handlers, a
// filter or handler threw, the attempts bound was passed. The change at fault is not done, so
// it is never confirmed and comes again after a restart. what() is the one-line reason.
class PipelineAbort : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace popyka::pipeline
