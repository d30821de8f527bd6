// source::replay (popyka-host --replay) over arbitrary bytes: lines are split and handed to a
// consumer that does what Pipeline::consume does with them before any plugin runs (decode,
// read every field; a message that is not wal2json v2 stops the replay with an error, as the
// pipeline aborts). The consumer checks it only ever gets non-blank lines without a newline.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

#include "decode/wal2json_decoder.hpp"
#include "fuzz_checks.hpp"
#include "source/replay_source.hpp"

namespace {

struct Stopped : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class DecodingConsumer final : public popyka::source::ChangeConsumer {
 public:
  void consume(std::string_view json, popyka::sdk::Lsn lsn) override {
    if (json.find('\n') != std::string_view::npos || json.find_first_not_of(" \t\r") == std::string_view::npos) std::abort();
    try {
      popyka::fuzz::touch(decoder_.decode(json, lsn));
    } catch (const popyka::decode::DecodeError& error) {
      throw Stopped(error.what());
    }
    ++consumed;
  }
  void poll(std::chrono::milliseconds) override {}
  popyka::sdk::Lsn checkpoint() override { return 0; }
  bool has_pending() const override { return false; }

  std::size_t consumed = 0;

 private:
  popyka::decode::Wal2JsonDecoder decoder_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream input(std::string(reinterpret_cast<const char*>(data), size));
  DecodingConsumer consumer;
  try {
    if (popyka::source::replay(input, consumer) != consumer.consumed) std::abort();
  } catch (const Stopped&) {
  }
  return 0;
}
