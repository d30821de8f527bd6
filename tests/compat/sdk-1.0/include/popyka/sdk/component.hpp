#pragma once
#include "popyka/sdk/config.hpp"
#include "popyka/sdk/host.hpp"
#include "popyka/sdk/visibility.hpp"

namespace popyka::sdk {
inline namespace v1 {

// What every filter, processor and error handler has in common.
//
// OWNERSHIP: created and destroyed on the plugin's side (by the factory and deleter that
// POPYKA_PLUGIN generates); the host never deletes a component itself. The plugin's .so stays
// loaded for as long as the host runs.
// THREADING: every call comes from the one pipeline thread, in change order.
// DESTRUCTOR: must not throw. Destructors are noexcept in C++: an exception escaping one ends the
// whole process in std::terminate() before the host can catch it (popyka-host then names the
// component and the exception and exits 2). Report trouble from flush(). It is bounded in time
// like the other calls (the processor's `timeout_s`, see Processor).
class POPYKA_SDK_VISIBLE Component {
 public:
  virtual ~Component() = default;

  // Called once, before the first change, with the component's `config:` (an empty mapping
  // when absent). Keep `host` if you need it later: it outlives you.
  // An exception here is a configuration error: the host exits non-zero before connecting.
  virtual void setup(const Config& config, Host& host) {
    (void)config;
    (void)host;
  }
};

}  // namespace v1
}  // namespace popyka::sdk
