// popyka-host's log: lines reach fd 2 in blocks, not one write() a line, yet a warning at once,
// every line at flush_logs() and within the flush interval, and before a fatal error's line.
#include <catch2/catch.hpp>
#include <fcntl.h>
#include <unistd.h>

#include <string>

#include "runtime/buffered_fd_sink.hpp"
#include "runtime/logging.hpp"
#include "stderr_to_file.hpp"
#include "temp_dir.hpp"
#include "wait_until.hpp"

using namespace popyka;
using namespace popyka::test;
using std::chrono::seconds;

namespace {

constexpr auto no_timer = seconds(0);

// Whether `first` occurs in `text`, and `second` after it.
bool in_order(const std::string& text, std::string_view first, std::string_view second) {
  const auto at = text.find(first);
  return at != std::string::npos && text.find(second, at + first.size()) != std::string::npos;
}

// popyka-host's logger, text or JSON, writing to a file of the test's instead of its stderr.
struct LoggerToFile {
  TempDir dir;
  StderrToFile stderr_file{dir / "stderr"};
  explicit LoggerToFile(bool json, seconds flush_interval = no_timer) {
    runtime::configure_logging("info", json, flush_interval);
  }
  ~LoggerToFile() { runtime::configure_logging("info", false, no_timer); }  // a timer's thread ends
  std::string written() const { return stderr_file.text(); }
};

}  // namespace

TEST_CASE("an info line reaches stderr at flush_logs(), not when it is logged") {
  const bool json = GENERATE(false, true);
  CAPTURE(json);
  LoggerToFile log(json);
  spdlog::info("the first line");
  spdlog::info("the second line");
  CHECK(log.written().empty());
  runtime::flush_logs();
  CHECK(in_order(log.written(), "the first line", "the second line"));
  CHECK(log.written().find(json ? R"("level":"info")" : " info ") != std::string::npos);
}

TEST_CASE("a warning reaches stderr at once, after the lines logged before it") {
  const bool json = GENERATE(false, true);
  CAPTURE(json);
  LoggerToFile log(json);
  spdlog::info("an info line");
  spdlog::warn("a warning");
  CHECK(in_order(log.written(), "an info line", "a warning"));
}

TEST_CASE("a line reaches stderr within the flush interval without flush_logs()") {
  LoggerToFile log(/*json=*/false, /*flush_interval=*/seconds(1));
  spdlog::info("a line for the timer");
  CHECK(wait_until([&] { return log.written().find("a line for the timer") != std::string::npos; }, seconds(30)));
}

TEST_CASE("a fatal error's line comes after every line logged before it") {
  const bool json = GENERATE(false, true);
  CAPTURE(json);
  LoggerToFile log(json);
  spdlog::info("the last change's line");
  runtime::report_fatal("stopped: a processor failed");
  CHECK(in_order(log.written(), "the last change's line", "popyka-host: stopped: a processor failed"));
}

TEST_CASE("BufferedFdSink writes a block once it is full, a line larger than a block at once, the rest when it goes") {
  TempDir dir;
  const auto path = dir / "log";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  REQUIRE(fd >= 0);
  const auto written = [&] { return file_text(path); };
  {
    auto sink = std::make_shared<runtime::BufferedFdSink>(fd, /*block_size=*/100);
    spdlog::logger logger("block", sink);
    logger.set_pattern("%v");
    logger.info(std::string(60, 'a'));
    CHECK(written().empty());
    logger.info(std::string(60, 'b'));  // 122 bytes with the newlines: a full block
    CHECK(written() == std::string(60, 'a') + "\n" + std::string(60, 'b') + "\n");
    logger.info(std::string(1000, 'c'));
    CHECK(written().size() == 122 + 1001);
    logger.info("the tail");
    CHECK(written().size() == 122 + 1001);
  }
  CHECK(written().ends_with("the tail\n"));
  ::close(fd);
}
