#pragma once
#include <stdexcept>
#include <string>

#include "popyka/sdk/visibility.hpp"

namespace popyka::sdk {
inline namespace v1 {

// Base of every error the SDK throws. Plugins may throw it (or any std::exception) from any
// call; what the host does with it depends on the call (see Filter, Processor, ErrorHandler).
class POPYKA_SDK_VISIBLE Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A component's `config:` is wrong. Thrown by Config's typed reads with the YAML path of the
// offending key (`processors[1].config.topic: ...`); throw it from setup() for your own checks.
// The host reports it as a configuration error and exits before connecting anywhere.
class POPYKA_SDK_VISIBLE ConfigError : public Error {
 public:
  using Error::Error;
};

// A typed read of a change's value found another JSON type (e.g. as_int64() on a string).
class POPYKA_SDK_VISIBLE TypeError : public Error {
 public:
  using Error::Error;
};

// A failure that running the processor on the same change again cannot change: the change is
// larger than the destination accepts, say. Throw it from process() (or report it for a deferred
// change with fail_permanently(), host.hpp): the host asks the processor's error handlers once,
// and takes a RetryProcessor answer as NextErrorHandler.
class POPYKA_SDK_VISIBLE PermanentError : public Error {
 public:
  using Error::Error;
};

}  // namespace v1
}  // namespace popyka::sdk
