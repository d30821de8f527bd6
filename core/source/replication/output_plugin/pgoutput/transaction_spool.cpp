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
  budget_.memory_used -= memory_.size();
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
    // Grown by doubling, but never past what the budget leaves it: the memory taken is the bound.
    if (memory_.size() + record > memory_.capacity())
      memory_.reserve(std::min(std::max<std::uint64_t>(2 * memory_.capacity(), memory_.size() + record),
                               memory_.size() + budget_.memory_limit - budget_.memory_used));
    append_header(memory_, header);
    memory_ += type;
    memory_ += body;
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
  const std::uint64_t in_file = offset > memory_.size() ? offset - memory_.size() : 0;
  if (offset < memory_.size()) {
    budget_.memory_used -= memory_.size() - offset;
    memory_.resize(offset);
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
  for (std::size_t at = 0; at < memory_.size();) {
    const RecordHeader header = read_header(memory_.data() + at);
    each(std::string_view(memory_).substr(at + header_size, header.size), header.lsn);
    at += header_size + header.size;
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
