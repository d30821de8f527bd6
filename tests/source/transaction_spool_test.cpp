// TransactionSpool without a server: messages kept in memory within the budget, then in an
// unlinked file, read back in order with their LSNs, cut at any earlier size(), and the budget
// given back.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "source/replication/output_plugin/pgoutput/transaction_spool.hpp"
#include "temp_dir.hpp"

using namespace popyka;
using namespace popyka::source::replication::pgoutput;

namespace {

std::vector<std::pair<std::string, sdk::Lsn>> read_all(TransactionSpool& spool) {
  std::vector<std::pair<std::string, sdk::Lsn>> out;
  spool.read([&](std::string_view message, sdk::Lsn lsn) { out.emplace_back(message, lsn); });
  return out;
}

std::string body(int i) { return std::string(static_cast<std::size_t>(100 + i), static_cast<char>('a' + i % 26)); }

}  // namespace

TEST_CASE("a transaction spool keeps its messages in memory, then in its file, and cuts them anywhere") {
  test::TempDir dir;
  // Room in memory for about 10 of the 20 messages.
  SpoolBudget budget{dir.path(), 1500, 1 << 20};
  {
    TransactionSpool spool(budget);
    std::vector<std::uint64_t> sizes;
    for (int i = 0; i < 20; ++i) {
      sizes.push_back(spool.size());
      spool.append(1000 + i, 'I', body(i));
    }
    CHECK(budget.memory_used > 0);
    CHECK(budget.disk_used > 0);
    CHECK(budget.memory_used + budget.disk_used == spool.size());
    CHECK(std::filesystem::is_empty(dir.path()));  // the file is unlinked from the start

    auto messages = read_all(spool);
    REQUIRE(messages.size() == 20);
    for (int i = 0; i < 20; ++i) {
      CHECK(messages[i].first == "I" + body(i));
      CHECK(messages[i].second == static_cast<sdk::Lsn>(1000 + i));
    }
    // Cut in the file, then in memory; appends go on after the cut, in the file.
    spool.truncate(sizes[15]);
    CHECK(read_all(spool).size() == 15);
    spool.truncate(sizes[4]);
    CHECK(budget.disk_used == 0);
    spool.append(2000, 'U', "after");
    messages = read_all(spool);
    REQUIRE(messages.size() == 5);
    CHECK(messages[3].first == "I" + body(3));
    CHECK(messages[4] == std::pair<std::string, sdk::Lsn>{"Uafter", 2000});
    spool.truncate(0);
    CHECK(read_all(spool).empty());
    spool.append(3000, 'D', "x");
    CHECK(read_all(spool).size() == 1);
  }
  CHECK(budget.memory_used == 0);
  CHECK(budget.disk_used == 0);
}

TEST_CASE("a transaction spool past its disk budget throws, naming database.spool_disk_mb") {
  test::TempDir dir;
  SpoolBudget budget{dir.path(), 0, 600};  // 5 messages of ~115 bytes fit, not 6
  TransactionSpool spool(budget);
  for (int i = 0; i < 5; ++i) spool.append(i, 'I', body(i));
  CHECK_THROWS_WITH(spool.append(9, 'I', body(9)), Catch::Contains("database.spool_disk_mb"));
  CHECK(read_all(spool).size() == 5);
}
