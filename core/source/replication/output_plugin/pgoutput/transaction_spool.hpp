#pragma once
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "popyka/sdk/change.hpp"

namespace popyka::source::replication::pgoutput {

// What the spools of all open streamed transactions may take together (database.spool_memory_mb,
// database.spool_disk_mb), and what they take now.
struct SpoolBudget {
  std::filesystem::path directory;  // where spool files are created
  std::uint64_t memory_limit = 0, disk_limit = 0;
  std::uint64_t memory_used = 0, disk_used = 0;
};

// The messages of one streamed transaction, kept in order until its commit or abort: in memory
// while the budget allows, then in a file of its own, which is unlinked as soon as it is made
// (nothing is left behind, whatever ends the process). Each message is kept with its LSN.
class TransactionSpool {
 public:
  explicit TransactionSpool(SpoolBudget& budget);
  ~TransactionSpool();  // gives its memory and disk back to the budget
  TransactionSpool(const TransactionSpool&) = delete;
  TransactionSpool& operator=(const TransactionSpool&) = delete;

  // Keeps the message `type` followed by `body`. Throws ReplicationError when the disk budget is
  // spent or the file cannot be written.
  void append(sdk::Lsn lsn, char type, std::string_view body);
  // Bytes kept so far: where the next message goes, for truncate().
  std::uint64_t size() const { return memory_size_ + file_size_; }
  // Forgets every message from `offset` (a size() of before) on.
  void truncate(std::uint64_t offset);
  // Each message kept, in order; the view lasts until the next call of `each`.
  void read(const std::function<void(std::string_view message, sdk::Lsn lsn)>& each);

 private:
  struct CloseFile {
    void operator()(std::FILE* file) const { std::fclose(file); }
  };
  void open_file();

  SpoolBudget& budget_;
  // The first messages, as records (lsn, size, message), none split between two chunks:
  // memory grows by a chunk at a time, never by copying what it holds.
  std::vector<std::string> chunks_;
  std::uint64_t memory_size_ = 0;
  std::unique_ptr<std::FILE, CloseFile> file_;  // the rest, once memory ran out
  std::uint64_t file_size_ = 0;
};

}  // namespace popyka::source::replication::pgoutput
