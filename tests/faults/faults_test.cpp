// Faults, each run through the real popyka-host: a plugin that throws from setup, process, flush
// or its destructor; a plugin file that is truncated or built for another ABI; a config file that
// is empty, binary or 10 MB. Each ends in a one-line error naming what is wrong and a non-zero
// exit, with nothing done past the fault (--replay runs: what each processor saw is in a file).
#include <elf.h>
#include <signal.h>
#include <stdlib.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "host_process.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using popyka::test::HostProcess;
using popyka::test::TempDir;

namespace {

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

std::vector<std::string> read_lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string insert_into(int id) {
  return R"({"action":"I","schema":"public","table":"t","columns":[{"name":"id","type":"integer","value":)" + std::to_string(id) + "}]}";
}

// A config whose processors are `processors_yaml` (a YAML flow list); the database is never reached.
std::string config_with(const std::string& processors_yaml) {
  return "database:\n"
         "  connect_url: \"host=127.0.0.1 port=1 dbname=nowhere connect_timeout=1\"\n"
         "  slot_name: popyka_faults\n"
         "filters: []\n"
         "processors: " + processors_yaml + "\n";
}

struct Run {
  std::optional<int> exit_code;  // nullopt: still running after the time limit (then killed)
  std::string log;               // stdout and stderr

  // The lines popyka-host prints on stderr for its final error ("popyka-host: error: ..." or
  // "popyka-host: stopped: ...").
  std::vector<std::string> error_lines() const {
    std::vector<std::string> out;
    std::istringstream in(log);
    for (std::string line; std::getline(in, line);)
      if (line.rfind("popyka-host: ", 0) == 0) out.push_back(line);
    return out;
  }
  // The single final error line; fails the test when there is not exactly one.
  std::string error_line() const {
    const auto lines = error_lines();
    INFO(log);
    REQUIRE(lines.size() == 1);
    return lines.front();
  }
};

Run run_host(const TempDir& dir, const HostProcess::Environment& env, const std::vector<std::string>& args,
             std::chrono::seconds limit = std::chrono::seconds(20)) {
  HostProcess host(dir.file("host.log"), env, args);
  Run run;
  run.exit_code = host.wait_exit(limit);
  run.log = host.log();
  return run;
}

// A --replay run of `lines` through `processors_yaml`, the faulty plugins on the plugin path.
Run replay(const TempDir& dir, const std::string& processors_yaml, int lines) {
  write_file(dir.file("popyka.yaml"), config_with(processors_yaml));
  std::string changes;
  for (int i = 1; i <= lines; ++i) changes += insert_into(i) + "\n";
  write_file(dir.file("changes.jsonl"), changes);
  return run_host(dir, {{"POPYKA_CONFIG", dir.file("popyka.yaml")}, {"POPYKA_PLUGIN_PATH", POPYKA_FAULTY_PLUGIN}},
                  {"--replay", dir.file("changes.jsonl")});
}

std::string processor(const std::string& class_name, const TempDir& dir, const std::string& name, const std::string& extra = "") {
  return "{class: test.faults." + class_name + ", config: {file: '" + dir.file("out") + "', name: " + name + extra + "}}";
}

// How many lines of the output file start with `name `.
std::size_t seen_by(const TempDir& dir, const std::string& name) {
  std::size_t count = 0;
  for (const auto& line : read_lines(dir.file("out")))
    if (line.rfind(name + " ", 0) == 0) ++count;
  return count;
}

}  // namespace

TEST_CASE("a plugin that throws from setup: exit 1 naming the YAML path and the class, nothing processed", "[faults][plugin]") {
  TempDir dir;
  const Run run = replay(dir, "[" + processor("Record", dir, "first") + ", {class: test.faults.ThrowInSetup}]", 3);
  INFO(run.log);
  CHECK(run.exit_code == 1);
  const std::string line = run.error_line();
  CHECK_THAT(line, StartsWith("popyka-host: error: "));
  CHECK_THAT(line, Contains("processors[1] (test.faults.ThrowInSetup): setup failed: setup refused: the moon is unreachable"));
  CHECK(seen_by(dir, "first") == 0);
}

TEST_CASE("a plugin that throws from process with no error handlers: exit 2 with the reason, nothing past the change", "[faults][plugin]") {
  TempDir dir;
  const Run run = replay(dir,
                         "[" + processor("Record", dir, "before") + ", " + processor("ThrowInProcess", dir, "thrower", ", fail_at: 3") +
                             ", " + processor("Record", dir, "after") + "]",
                         5);
  INFO(run.log);
  CHECK(run.exit_code == 2);
  CHECK(run.error_line() ==
        "popyka-host: stopped: processors[1] (test.faults.ThrowInProcess) failed on the change: process refused change 3");
  CHECK(seen_by(dir, "before") == 3);   // the failing change reached the processors before the thrower
  CHECK(seen_by(dir, "thrower") == 2);  // the thrower did the first two
  CHECK(seen_by(dir, "after") == 2);    // and nothing after it saw the failing change or a later one
  CHECK_THAT(run.log, !Contains("replayed"));
}

TEST_CASE("a plugin that throws from flush: exit 2 with the reason", "[faults][plugin]") {
  TempDir dir;
  const Run run = replay(dir, "[" + processor("ThrowInFlush", dir, "flusher") + "]", 3);
  INFO(run.log);
  CHECK(run.exit_code == 2);
  CHECK(run.error_line() == "popyka-host: stopped: processors[0] (test.faults.ThrowInFlush) failed to flush: flush refused: the disk is on fire");
  CHECK(seen_by(dir, "flusher") == 3);
  CHECK_THAT(run.log, !Contains("replayed"));  // the run is not reported as done
}

// A destructor is noexcept: a plugin whose destructor throws calls std::terminate inside the
// plugin, and the host cannot catch it. This documents what happens: every change was processed
// and flushed, then popyka-host dies with SIGABRT while tearing the pipeline down.
TEST_CASE("a plugin that throws from its destructor: popyka-host aborts (std::terminate) after the work is done", "[faults][plugin]") {
  TempDir dir;
  const Run run = replay(dir, "[" + processor("ThrowInDestructor", dir, "doomed") + "]", 3);
  INFO(run.log);
  CHECK(run.exit_code == 128 + SIGABRT);
  CHECK_THAT(run.log, Contains("replayed 3 messages"));
  CHECK_THAT(run.log, Contains("terminate called after throwing an instance of 'std::runtime_error'"));
  CHECK_THAT(run.log, Contains("destructor refused to go quietly"));
  CHECK(seen_by(dir, "doomed") == 3);
}

// How far into the file its PT_LOAD segments reach: what dlopen maps. (The rest of the file is
// debug information: a plugin cut anywhere past this still loads and works.)
std::uintmax_t loaded_extent(const std::string& so) {
  std::ifstream in(so, std::ios::binary);
  Elf64_Ehdr header{};
  in.read(reinterpret_cast<char*>(&header), sizeof header);
  std::uintmax_t end = 0;
  for (unsigned i = 0; i < header.e_phnum; ++i) {
    Elf64_Phdr segment{};
    in.seekg(static_cast<std::streamoff>(header.e_phoff + std::uintmax_t{i} * header.e_phentsize));
    in.read(reinterpret_cast<char*>(&segment), sizeof segment);
    if (segment.p_type == PT_LOAD) end = std::max<std::uintmax_t>(end, segment.p_offset + segment.p_filesz);
  }
  return end;
}

// Before the fix in plugin_library.cpp, a plugin cut inside its segments killed popyka-host with
// SIGBUS (exit 135) while loading it.
TEST_CASE("a truncated plugin .so: exit 1 naming the file", "[faults][plugin_file]") {
  const std::uintmax_t loaded = loaded_extent(POPYKA_FAULTY_PLUGIN);
  REQUIRE(loaded > 8192);
  const auto size = GENERATE_COPY(loaded / 2, loaded - 1, std::uintmax_t{4096}, std::uintmax_t{64}, std::uintmax_t{0});
  TempDir dir;
  const std::string so = dir.file("truncated.so");
  fs::copy_file(POPYKA_FAULTY_PLUGIN, so);
  fs::resize_file(so, size);
  const Run run = run_host(dir, {{"POPYKA_PLUGIN_PATH", dir.path().string()}}, {"--list-plugins"});
  INFO("truncated to " << size << " bytes, its segments end at " << loaded << "\n" << run.log);
  CHECK(run.exit_code == 1);
  CHECK_THAT(run.error_line(), StartsWith("popyka-host: error: plugin " + so + ": cannot be loaded: "));
}

TEST_CASE("a plugin .so cut to half its file size, past its segments, still loads", "[faults][plugin_file]") {
  const std::uintmax_t full = fs::file_size(POPYKA_FAULTY_PLUGIN);
  if (full / 2 < loaded_extent(POPYKA_FAULTY_PLUGIN)) return;  // no debug information to cut: nothing to show
  TempDir dir;
  const std::string so = dir.file("half.so");
  fs::copy_file(POPYKA_FAULTY_PLUGIN, so);
  fs::resize_file(so, full / 2);
  const Run run = run_host(dir, {{"POPYKA_PLUGIN_PATH", dir.path().string()}}, {"--list-plugins"});
  INFO(run.log);
  CHECK(run.exit_code == 0);
  CHECK_THAT(run.log, Contains("test.faults.ThrowInFlush"));
}

TEST_CASE("a plugin .so built for another ABI: exit 1 naming the file", "[faults][plugin_file]") {
  TempDir dir;
  const Run run = run_host(dir, {{"POPYKA_PLUGIN_PATH", POPYKA_WRONG_ABI_PLUGIN}}, {"--check-config"});
  INFO(run.log);
  CHECK(run.exit_code == 1);
  CHECK_THAT(run.error_line(), StartsWith(std::string("popyka-host: error: plugin ") + POPYKA_WRONG_ABI_PLUGIN +
                                          ": built for popyka SDK ABI version 999"));
}

namespace {

// popyka-host with POPYKA_CONFIG at `text` (no flag: a config that loaded would connect): exit 1,
// one error line naming the file. Not timed (speed is for benchmarks): the limit only catches a
// hang; 10 MB of nesting takes 2-7 s here, ~10 s under AddressSanitizer.
std::string refused_config(const std::string& text, bool names_file = true) {
  TempDir dir;
  const std::string path = dir.file("popyka.yaml");
  write_file(path, text);
  const Run run = run_host(dir, {{"POPYKA_CONFIG", path}}, {}, std::chrono::seconds(120));
  INFO(run.log.substr(0, 4000));
  CHECK(run.exit_code == 1);
  const std::string line = run.error_line();
  CHECK_THAT(line, StartsWith("popyka-host: error: "));
  if (names_file) CHECK_THAT(line, Contains(path));
  CHECK(line.size() < 1000);
  return line;
}

}  // namespace

TEST_CASE("an empty config file: exit 1, one line naming the file", "[faults][config]") {
  refused_config("");
  refused_config("\n\n# only a comment\n");
}

TEST_CASE("a binary config file: exit 1, one line naming the file", "[faults][config]") {
  std::mt19937 random(42);
  for (int attempt = 0; attempt < 5; ++attempt) {
    std::string bytes(4096, '\0');
    for (char& c : bytes) c = static_cast<char>(random() & 0xff);
    refused_config(bytes);
  }
}

TEST_CASE("a 10 MB config file: exit 1, one line naming the file, in seconds", "[faults][config]") {
  constexpr std::size_t kSize = 10 * 1024 * 1024;
  SECTION("a valid-looking config, 10 MB of processors, the last one of an unknown class") {
    std::string text = config_with("") + "\n";
    std::size_t count = 0;
    while (text.size() < kSize) {
      text += "  - class: popyka.builtin.processors.LogChangeProcessor\n";
      ++count;
    }
    text += "  - class: no.such.Processor\n";
    // The schema checks name the file; this error, from building the pipeline, names only the YAML path.
    CHECK_THAT(refused_config(text, false), Contains("processors[" + std::to_string(count) + "].class: unknown processor class 'no.such.Processor'"));
  }
  SECTION("10 MB of printable junk") {
    std::mt19937 random(7);
    std::string text;
    text.reserve(kSize);
    while (text.size() < kSize) text += static_cast<char>(random() % 80 == 0 ? '\n' : ' ' + random() % 95);
    refused_config(text);
  }
  SECTION("10 MB of nesting") {
    refused_config(std::string(kSize, '['));
  }
  SECTION("one 10 MB string") {
    refused_config("database: \"" + std::string(kSize, 'x') + "\"\n");
  }
}
