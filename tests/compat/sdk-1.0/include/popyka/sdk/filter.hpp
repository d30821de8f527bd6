#pragma once
#include "popyka/sdk/change.hpp"
#include "popyka/sdk/component.hpp"

namespace popyka::sdk {
inline namespace v1 {

enum class FilterResult {
  Process,   // accept the change now; later filters are not asked
  Ignore,    // drop the change now; later filters are not asked
  Continue,  // no opinion: ask the next filter (when every filter continues, the change is processed)
};

// Decides which changes go on. Global filters (`filters:`) run first, in order; a processor's own
// `filters:` then decide whether that processor sees the change.
// An exception from filter() stops the host with an error; the change is not confirmed.
class POPYKA_SDK_VISIBLE Filter : public Component {
 public:
  virtual FilterResult filter(const Change& change) = 0;
};

}  // namespace v1
}  // namespace popyka::sdk
