#include "source/replication/output_plugin/pgoutput/transaction_spool.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "source/replication/replication_error.hpp"

namespace popyka::source::replication::pgoutput {
namespace {

// A record: the LSN, the message's size, the message.
struct RecordHeader {
  sdk::Lsn lsn;
  std::uint32_t size;
};
constexpr std::size_t header_size = sizeof(sdk::Lsn) + sizeof(std::uint32_t);
constexpr std::size_t file_buffer_size = 256 * 1024;
// A spool's chunks start small (many transactions are streamed only a little) and double up to this.
constexpr std::size_t first_chunk_size = 64 * 1024, largest_chunk_size = 1024 * 1024;

void append_header(std::string& out, RecordHeader header) {
  out.append(reinterpret_cast<const char*>(&header.lsn), sizeof header.lsn);
  out.append(reinterpret_cast<const char*>(&header.size), sizeof header.size);
}

RecordHeader read_header(const char* at) {
  RecordHeader header;
  std::memcpy(&header.lsn, at, sizeof header.lsn);
  std::memcpy(&header.size, at + sizeof header.lsn, sizeof header.size);
  return header;
}

[[noreturn]] void fail(std::string_view what, const SpoolBudget& budget) {
  throw ReplicationError(fmt::format("cannot {} a streamed transaction's spool file in {} ({}): check "
                                     "database.spool_directory and the space there",
                                     what, budget.directory.string(), std::strerror(errno)));
}

}  // namespace

TransactionSpool::TransactionSpool(SpoolBudget& budget) : budget_(budget) {}

TransactionSpool::~TransactionSpool() {
  budget_.memory_used -= memory_size_;
  budget_.disk_used -= file_size_;
}

void TransactionSpool::open_file() {
  std::string name = (budget_.directory / "popyka-spool-XXXXXX").string();
  const int fd = mkstemp(name.data());
  if (fd < 0) fail("create", budget_);
  unlink(name.c_str());  // the file lives as long as the descriptor: nothing to clean up after a crash
  file_.reset(fdopen(fd, "w+b"));
  if (!file_) {
    close(fd);
    fail("open", budget_);
  }
  std::setvbuf(file_.get(), nullptr, _IOFBF, file_buffer_size);
}

void TransactionSpool::append(sdk::Lsn lsn, char type, std::string_view body) {
  const RecordHeader header{lsn, static_cast<std::uint32_t>(body.size() + 1)};
  const std::uint64_t record = header_size + header.size;
  if (!file_ && budget_.memory_used + record <= budget_.memory_limit) {
    if (chunks_.empty() || chunks_.back().size() + record > chunks_.back().capacity()) {
      const std::size_t next = chunks_.empty() ? first_chunk_size : std::min(2 * chunks_.back().capacity(), largest_chunk_size);
      chunks_.emplace_back().reserve(std::max<std::size_t>(next, record));
    }
    std::string& chunk = chunks_.back();
    append_header(chunk, header);
    chunk += type;
    chunk += body;
    memory_size_ += record;
    budget_.memory_used += record;
    return;
  }
  if (budget_.disk_used + record > budget_.disk_limit) {
    throw ReplicationError(fmt::format(
        "the streamed transactions' spool files would take more than database.spool_disk_mb ({} MB) in {}: raise "
        "database.spool_disk_mb (or database.spool_memory_mb), or make the transactions smaller",
        budget_.disk_limit >> 20, budget_.directory.string()));
  }
  if (!file_) open_file();
  std::string head;
  append_header(head, header);
  head += type;
  if (std::fwrite(head.data(), 1, head.size(), file_.get()) != head.size() ||
      std::fwrite(body.data(), 1, body.size(), file_.get()) != body.size()) {
    fail("write", budget_);
  }
  file_size_ += record;
  budget_.disk_used += record;
}

void TransactionSpool::truncate(std::uint64_t offset) {
  const std::uint64_t in_file = offset > memory_size_ ? offset - memory_size_ : 0;
  if (offset < memory_size_) {
    budget_.memory_used -= memory_size_ - offset;
    while (!chunks_.empty() && memory_size_ - chunks_.back().size() >= offset) {
      memory_size_ -= chunks_.back().size();
      chunks_.pop_back();
    }
    if (memory_size_ > offset) chunks_.back().resize(chunks_.back().size() - (memory_size_ - offset));
    memory_size_ = offset;
  }
  if (!file_ || in_file >= file_size_) return;
  if (std::fflush(file_.get()) != 0 || ftruncate(fileno(file_.get()), static_cast<off_t>(in_file)) != 0 ||
      fseeko(file_.get(), static_cast<off_t>(in_file), SEEK_SET) != 0) {
    fail("truncate", budget_);
  }
  budget_.disk_used -= file_size_ - in_file;
  file_size_ = in_file;
}

void TransactionSpool::read(const std::function<void(std::string_view, sdk::Lsn)>& each) {
  for (const std::string& chunk : chunks_) {
    for (std::size_t at = 0; at < chunk.size();) {
      const RecordHeader header = read_header(chunk.data() + at);
      each(std::string_view(chunk).substr(at + header_size, header.size), header.lsn);
      at += header_size + header.size;
    }
  }
  if (!file_) return;
  if (std::fflush(file_.get()) != 0 || fseeko(file_.get(), 0, SEEK_SET) != 0) fail("read", budget_);
  std::vector<char> message;
  char head[header_size];
  for (std::uint64_t at = 0; at < file_size_; at += header_size + message.size()) {
    if (std::fread(head, 1, header_size, file_.get()) != header_size) fail("read", budget_);
    const RecordHeader header = read_header(head);
    message.resize(header.size);
    if (std::fread(message.data(), 1, message.size(), file_.get()) != message.size()) fail("read", budget_);
    each(std::string_view(message.data(), message.size()), header.lsn);
  }
  if (fseeko(file_.get(), 0, SEEK_END) != 0) fail("read", budget_);
}

}  // namespace popyka::source::replication::pgoutput
