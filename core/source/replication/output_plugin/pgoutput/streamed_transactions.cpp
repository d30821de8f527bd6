#include "source/replication/output_plugin/pgoutput/streamed_transactions.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <string>

#include "decode/pgoutput_decoder.hpp"
#include "metrics/metrics_registry.hpp"

namespace popyka::source::replication::pgoutput {
namespace {

using decode::pgoutput::DecodeError;

// The next `size` bytes of `in`, big-endian, taken off it.
std::uint64_t take_be(std::string_view& in, std::size_t size) {
  if (in.size() < size) throw DecodeError("pgoutput stream message: truncated");
  std::uint64_t value = 0;
  for (char c : in.substr(0, size)) value = (value << 8) | static_cast<unsigned char>(c);
  in.remove_prefix(size);
  return value;
}

void put_be(std::string& out, std::uint64_t value, std::size_t size) {
  for (std::size_t i = size; i-- > 0;) out += static_cast<char>(value >> (8 * i));
}

std::filesystem::path spool_directory(const config::DatabaseSpec& database) {
  return database.spool_directory.empty() ? std::filesystem::temp_directory_path()
                                          : std::filesystem::path(database.spool_directory);
}

// Messages that carry their (sub)transaction's xid after the type byte inside a stream block.
bool carries_xid(char type) {
  switch (type) {
    case 'R': case 'Y': case 'I': case 'U': case 'D': case 'T': case 'M': return true;
    default: return false;
  }
}

}  // namespace

StreamedTransactions::StreamedTransactions(const config::DatabaseSpec& database, metrics::Registry& registry)
    : registry_(registry),
      budget_{spool_directory(database), static_cast<std::uint64_t>(database.spool_memory_mb) << 20,
              static_cast<std::uint64_t>(database.spool_disk_mb) << 20} {}

StreamedTransactions::~StreamedTransactions() {
  open_.clear();
  update_metrics();
}

bool StreamedTransactions::take(std::string_view message, sdk::Lsn lsn, const Replay& replay) {
  if (message.empty()) return false;
  const char type = message[0];
  const std::string_view body = message.substr(1);
  switch (type) {
    case 'S': start(body, lsn); break;
    case 'E': current_ = nullptr; break;
    case 'c': commit(body, replay); break;
    case 'A': abort(body); break;
    default:
      if (current_ == nullptr) return false;
      if (carries_xid(type)) {
        spool(type, body, lsn);
      } else if (type != 'O') {  // an origin: the decoder has nothing to make of it either
        throw DecodeError(fmt::format("pgoutput stream message: '{}' inside a stream block", type));
      }
  }
  update_metrics();
  return true;
}

void StreamedTransactions::start(std::string_view body, sdk::Lsn lsn) {
  current_xid_ = static_cast<std::uint32_t>(take_be(body, 4));
  const bool first_segment = take_be(body, 1) == 1;
  auto [found, created] = open_.try_emplace(current_xid_, budget_);
  // A first segment of a transaction open still: sent again from its start (never on one
  // connection; kept simple by starting over).
  if (!created && first_segment) {
    open_.erase(found);
    found = open_.try_emplace(current_xid_, budget_).first;
  }
  current_ = &found->second;
  if (first_segment) current_->first_lsn = lsn;
}

void StreamedTransactions::spool(char type, std::string_view body, sdk::Lsn lsn) {
  const auto xid = static_cast<std::uint32_t>(take_be(body, 4));
  if (xid != current_xid_) current_->subtransaction_starts.try_emplace(xid, current_->spool.size());
  current_->spool.append(lsn, type, body);
}

void StreamedTransactions::commit(std::string_view body, const Replay& replay) {
  const auto xid = static_cast<std::uint32_t>(take_be(body, 4));
  take_be(body, 1);  // flags: none yet
  const std::uint64_t commit_lsn = take_be(body, 8);
  const std::uint64_t end_lsn = take_be(body, 8);
  const std::uint64_t commit_time = take_be(body, 8);
  auto found = open_.find(xid);
  if (found == open_.end()) throw DecodeError(fmt::format("pgoutput Stream Commit of transaction {}, never streamed", xid));
  Transaction& transaction = found->second;
  if (current_ == &transaction) current_ = nullptr;
  // Begin and Commit as pgoutput writes them for a transaction it did not stream.
  std::string begin(1, 'B');
  put_be(begin, commit_lsn, 8);
  put_be(begin, commit_time, 8);
  put_be(begin, xid, 4);
  std::string end(1, 'C');
  put_be(end, 0, 1);
  put_be(end, commit_lsn, 8);
  put_be(end, end_lsn, 8);
  put_be(end, commit_time, 8);
  replay(begin, transaction.first_lsn);
  transaction.spool.read(replay);
  replay(end, end_lsn);
  open_.erase(found);
}

void StreamedTransactions::abort(std::string_view body) {
  const auto xid = static_cast<std::uint32_t>(take_be(body, 4));
  const auto subxid = static_cast<std::uint32_t>(take_be(body, 4));
  auto found = open_.find(xid);
  if (found == open_.end()) return;  // nothing of it was streamed on this connection
  if (subxid != xid) {
    abort_subtransaction(found->second, subxid);
    return;
  }
  if (current_ == &found->second) current_ = nullptr;
  open_.erase(found);
}

void StreamedTransactions::abort_subtransaction(Transaction& transaction, std::uint32_t subxid) {
  const auto start = transaction.subtransaction_starts.find(subxid);
  if (start == transaction.subtransaction_starts.end()) return;  // it sent nothing
  const std::uint64_t offset = start->second;
  transaction.spool.truncate(offset);
  std::erase_if(transaction.subtransaction_starts, [offset](const auto& entry) { return entry.second >= offset; });
}

void StreamedTransactions::update_metrics() const {
  registry_.spooled_bytes.set(static_cast<std::int64_t>(budget_.memory_used + budget_.disk_used));
  registry_.streamed_transactions_open.set(static_cast<std::int64_t>(open_.size()));
}

}  // namespace popyka::source::replication::pgoutput
