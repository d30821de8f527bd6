#pragma once
// popyka SDK: everything a plugin includes.
//
// A plugin is a shared library (.so) that popyka-host loads from POPYKA_PLUGIN_PATH. It provides
// filters, processors and error handlers, named in the YAML config by `class:`.
//
//   #include <popyka/sdk.hpp>
//   namespace sdk = popyka::sdk;
//
//   class OnlyOrders : public sdk::Filter {
//    public:
//     sdk::FilterResult filter(const sdk::Change& change) override {
//       return change.table() == "orders" ? sdk::FilterResult::Continue : sdk::FilterResult::Ignore;
//     }
//   };
//   POPYKA_PLUGIN(sdk::plugin_class<OnlyOrders>("mycompany.filters.OnlyOrders", sdk::ConfigKeys::none()))
//
// The contract, in short (each header says more):
// - ABI: the descriptor carries kAbiVersion; the host refuses another version, naming both.
// - Threading: one pipeline thread calls every component, in change order.
// - Lifetime: a Change and everything it hands out live only during the call; a Config and the
//   Host outlive the component. Components are created and deleted on the plugin's side; the
//   .so is never unloaded while the host runs.
// - Exceptions: from setup(), a configuration error; from a filter or error handler, the host
//   stops; from process(), the processor's error handlers decide.
// - Only standard-library and SDK types cross the boundary.
#include "popyka/sdk/change.hpp"
#include "popyka/sdk/change_details.hpp"
#include "popyka/sdk/component.hpp"
#include "popyka/sdk/config.hpp"
#include "popyka/sdk/error_handler.hpp"
#include "popyka/sdk/errors.hpp"
#include "popyka/sdk/filter.hpp"
#include "popyka/sdk/host.hpp"
#include "popyka/sdk/json.hpp"
#include "popyka/sdk/plugin.hpp"
#include "popyka/sdk/processor.hpp"
#include "popyka/sdk/value.hpp"
#include "popyka/sdk/version.hpp"
