#pragma once
#include <string_view>

#include "popyka/sdk/change.hpp"
#include "popyka/sdk/component.hpp"

namespace popyka::sdk {
inline namespace v1 {

enum class ErrorAction {
  NextErrorHandler,  // ask the processor's next handler; after the last one: Abort
  NextProcessor,     // give up on this processor for this change, go on with the next one
  NextMessage,       // skip the remaining processors; the change counts as done
  RetryProcessor,    // run the same processor on the same change again (counted in
                     // Change::retries()); the request that would make the processor's runs
                     // on the change exceed POPYKA_DEFAULT_RETRIES becomes NextErrorHandler
  Abort,             // stop the host with an error; the change is not confirmed
};

// What went wrong in a processor.
struct Failure {
  std::string_view processor;  // the processor's class name
  std::string_view message;    // the exception's what(), or the asynchronous failure's text
};

// Decides what happens when a processor fails on a change. A processor's `error_handlers:` are
// asked in order. An exception from handle_error() stops the host with an error.
class POPYKA_SDK_VISIBLE ErrorHandler : public Component {
 public:
  virtual ErrorAction handle_error(const Change& change, const Failure& failure) = 0;
};

}  // namespace v1
}  // namespace popyka::sdk
