#pragma once
#include <cstdint>
#include <functional>
#include <string_view>
#include <unordered_map>

#include "config/pipeline_config.hpp"
#include "metrics/metrics_registry.hpp"
#include "popyka/sdk/change.hpp"
#include "source/replication/output_plugin/pgoutput/transaction_spool.hpp"

namespace popyka::source::replication::pgoutput {

// pgoutput's streaming of in-progress transactions (protocol version 2, `streaming 'on'`): Stream
// Start .. Stream Stop blocks, of several transactions interleaved, whose messages carry their
// (sub)transaction's xid; then Stream Commit or Stream Abort. Each transaction's messages are
// spooled with the xid taken out, so that at its commit they are the messages of an ordinary
// transaction: a Begin with the commit's LSN, time and xid at the LSN of the transaction's first
// streamed change, the spooled messages at theirs (Relation and Type ones too, in their place), a
// Commit at the Stream Commit's: what the same transaction gives without streaming.
//
// A subtransaction's abort drops its messages from its first one on (subtransactions nest, so
// what follows belongs to it or to its children), as PostgreSQL's apply worker does. Its
// Relation and Type messages go too: after any Stream Abort pgoutput describes each relation
// again before the transaction's next change of it.
class StreamedTransactions {
 public:
  // Receives the messages of a committed transaction, each with its LSN.
  using Replay = std::function<void(std::string_view message, sdk::Lsn lsn)>;

  // What the spools hold, and how many are open, go to `registry`.
  StreamedTransactions(const config::DatabaseSpec& database, metrics::Registry& registry);
  ~StreamedTransactions();

  // Takes `message` if it belongs to streaming (a stream message, or any message inside a Stream
  // Start .. Stop block) and returns true; at a Stream Commit, hands the transaction to `replay`.
  // Throws decode::pgoutput::DecodeError for a message it cannot read, ReplicationError when the
  // spool cannot take it.
  bool take(std::string_view message, sdk::Lsn lsn, const Replay& replay);

  // Transactions streamed and neither committed nor aborted yet.
  std::size_t open() const { return open_.size(); }

 private:
  struct Transaction {
    explicit Transaction(SpoolBudget& budget) : spool(budget) {}
    TransactionSpool spool;
    sdk::Lsn first_lsn = 0;  // of its first Stream Start: its first change's
    std::unordered_map<std::uint32_t, std::uint64_t> subtransaction_starts;  // spool offsets
  };

  void start(std::string_view body, sdk::Lsn lsn);
  void spool(char type, std::string_view body, sdk::Lsn lsn);
  void commit(std::string_view body, const Replay& replay);
  void abort(std::string_view body);
  void abort_subtransaction(Transaction& transaction, std::uint32_t subxid);
  void update_metrics() const;

  metrics::Registry& registry_;
  SpoolBudget budget_;
  std::unordered_map<std::uint32_t, Transaction> open_;  // by xid
  std::uint32_t current_xid_ = 0;  // of the Stream Start .. Stop block at hand
  Transaction* current_ = nullptr;  // null outside a block
};

}  // namespace popyka::source::replication::pgoutput
