#pragma once
// What every fuzz target does with a decoded change: read every field and every value the way
// a plugin may, so a view into a freed or short buffer shows up under AddressSanitizer.
#include <cstdlib>

#include "decode/decoded_change.hpp"
#include "popyka/sdk/errors.hpp"

namespace popyka::fuzz {

inline void touch(sdk::Value value) {
  volatile std::size_t sink = value.json().size();
  (void)value.is_null();
  (void)value.is_bool();
  (void)value.is_number();
  try { sink = sink + value.as_string().size(); } catch (const sdk::TypeError&) {}
  try { sink = sink + static_cast<std::size_t>(value.as_int64()); } catch (const sdk::TypeError&) {}
  try { (void)value.as_double(); } catch (const sdk::TypeError&) {}
  try { (void)value.as_bool(); } catch (const sdk::TypeError&) {}
}

inline void touch(const sdk::Change& change) {
  volatile std::size_t sink = 0;
  sink = sink + static_cast<std::size_t>(change.action()) + change.schema().size() + change.table().size();
  for (auto columns : {change.columns(), change.identity(), change.primary_key()}) {
    for (const sdk::Column& column : columns) {
      sink = sink + column.name.size() + column.type.size();
      touch(column.value);
    }
  }
  touch(change.xid());
  touch(change.timestamp());
  touch(change.message_prefix());
  touch(change.message_content());
  (void)change.transactional();
  (void)change.lsn();
  sink = sink + change.json().size();  // last: a change may write it on this first call
}

}  // namespace popyka::fuzz
