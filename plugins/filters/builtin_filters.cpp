// popyka-builtin-filters.so: the original popyka's filters, under their original class names.
#include "ignore_tx_filter.hpp"
#include "table_name_ignore_filter.hpp"

namespace sdk = popyka::sdk;
using popyka::builtin::IgnoreTxFilter;
using popyka::builtin::TableNameIgnoreFilter;

POPYKA_PLUGIN(sdk::plugin_class<IgnoreTxFilter>("popyka.builtin.filters.IgnoreTxFilter", sdk::ConfigKeys::none()),
              sdk::plugin_class<TableNameIgnoreFilter>("popyka.builtin.filters.TableNameIgnoreFilter",
                                                       sdk::ConfigKeys::of(TableNameIgnoreFilter::kConfigKeys)))
