// Wal2JsonDecoder::decode over arbitrary bytes: it either gives a change whose every view is
// readable, or throws DecodeError. Lines of the input are decoded one after the other with the
// same decoder, as the pipeline reuses it, so a view left over from a longer message shows up.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "decode/wal2json_decoder.hpp"
#include "fuzz_checks.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static popyka::decode::Wal2JsonDecoder decoder;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  // The whole input as one message, then each line on its own.
  for (bool whole = true;; whole = false) {
    std::string_view message = input;
    if (!whole) {
      const std::size_t end = input.find('\n');
      message = input.substr(0, end);
      input = end == std::string_view::npos ? std::string_view{} : input.substr(end + 1);
    }
    try {
      const auto& change = decoder.decode(message, whole ? 0 : 42);
      popyka::fuzz::touch(change);
    } catch (const popyka::decode::DecodeError&) {
    }
    if (!whole && input.empty()) break;
    if (whole && input.find('\n') == std::string_view::npos) break;
  }
  return 0;
}
