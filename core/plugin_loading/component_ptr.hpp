#pragma once
#include <memory>

#include "plugin_loading/plugin_registry.hpp"

namespace popyka::plugin_loading {

// Deletes a component with its plugin's own deleter: memory a plugin allocated is freed by
// the plugin.
struct ComponentDeleter {
  void (*destroy)(sdk::Component*) = nullptr;
  void operator()(sdk::Component* component) const noexcept { destroy(component); }
};

template <class T>
using ComponentPtr = std::unique_ptr<T, ComponentDeleter>;

// Creates an instance of `registered`, which must be of T's kind (PluginRegistry::find checked).
template <class T>
ComponentPtr<T> create_component(const RegisteredClass& registered) {
  sdk::Component* component = registered.info->create();
  return ComponentPtr<T>(static_cast<T*>(component), ComponentDeleter{registered.info->destroy});
}

}  // namespace popyka::plugin_loading
