#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "popyka/sdk/change.hpp"

namespace popyka::bench {

// One wal2json format-version 2 message as popyka-host receives it: the options the host asks
// for (include-pk, include-xids, include-timestamp), its WAL position from the XLogData header.
struct Message {
  std::string json;
  sdk::Lsn lsn = 0;
  bool is_row_change = false;  // I, U or D (not B or C)
};

struct Workload {
  std::vector<Message> messages;
  std::size_t row_changes = 0;
  std::size_t bytes = 0;
};

// A reproducible workload of `transactions` transactions of mixed sizes (1 to 100 rows) on
// `public.orders` (10 columns: inserts, updates with identity, deletes) and a little on
// `public.audit_log` (which the benchmark's TableNameIgnoreFilter drops), each in B ... C.
Workload make_workload(std::size_t transactions, unsigned seed = 42);

}  // namespace popyka::bench
