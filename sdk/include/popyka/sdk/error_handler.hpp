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
                     // Failure::retries); the request that would make the processor's runs
                     // on the change exceed POPYKA_DEFAULT_RETRIES becomes NextErrorHandler,
                     // and so does every request for a permanent failure (PermanentError)
  Abort,             // stop the host with an error; the change is not confirmed
};

// What went wrong in a processor.
//
// LIFETIME: valid only during the handle_error() call it is passed to, as the Change: both
// string_views point into the host's memory. Copy what you keep.
struct Failure {
  std::string_view processor;  // the processor's class name
  std::string_view message;    // the exception's what(), or the asynchronous failure's text
  // How many times error handlers already had this processor retry this change (0 on the first
  // failure). Pipeline state, not the change's: it lives here, where the retry is decided.
  int retries;
};

// Decides what happens when a processor fails on a change. A processor's `error_handlers:` are
// asked in order. An exception from handle_error() stops the host with an error.
// OWNERSHIP, THREADING: as every Component.
class POPYKA_SDK_VISIBLE ErrorHandler : public Component {
 public:
  virtual ErrorAction handle_error(const Change& change, const Failure& failure) = 0;
};

}  // namespace v1
}  // namespace popyka::sdk
