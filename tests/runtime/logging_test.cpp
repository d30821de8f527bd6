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

}  // namespace

TEST_CASE("an info line reaches stderr at flush_logs(), not when it is logged") {
  const bool json = GENERATE(false, true);
  CAPTURE(json);
  TempDir dir;
  StderrToFile stderr_file(dir / "stderr");
  runtime::configure_logging("info", json, no_timer);
  spdlog::info("the first line");
  spdlog::info("the second line");
  CHECK(stderr_file.text().empty());
  runtime::flush_logs();
  CHECK(in_order(stderr_file.text(), "the first line", "the second line"));
  CHECK(stderr_file.text().find(json ? R"("level":"info")" : " info ") != std::string::npos);
}

TEST_CASE("a warning reaches stderr at once, after the lines logged before it") {
  const bool json = GENERATE(false, true);
  CAPTURE(json);
  TempDir dir;
  StderrToFile stderr_file(dir / "stderr");
  runtime::configure_logging("info", json, no_timer);
  spdlog::info("an info line");
  spdlog::warn("a warning");
  CHECK(in_order(stderr_file.text(), "an info line", "a warning"));
}

TEST_CASE("a line reaches stderr within the flush interval without flush_logs()") {
  TempDir dir;
  StderrToFile stderr_file(dir / "stderr");
  runtime::configure_logging("info", false, seconds(1));
  spdlog::info("a line for the timer");
  CHECK(wait_until([&] { return stderr_file.text().find("a line for the timer") != std::string::npos; }, seconds(30)));
  runtime::configure_logging("info", false, no_timer);  // the timer's thread ends
}

TEST_CASE("a fatal error's line comes after every line logged before it") {
  const bool json = GENERATE(false, true);
  CAPTURE(json);
  TempDir dir;
  StderrToFile stderr_file(dir / "stderr");
  runtime::configure_logging("info", json, no_timer);
  spdlog::info("the last change's line");
  runtime::report_fatal("stopped: a processor failed");
  CHECK(in_order(stderr_file.text(), "the last change's line", "popyka-host: stopped: a processor failed"));
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
