// Wal2JsonDecoder::decode over arbitrary bytes: it either gives a change whose every view is
// readable, or throws DecodeError. Lines of the input are decoded one after the other with the
// same decoder, as the pipeline reuses it, so a view left over from a longer message shows up.
// Each change then goes through the unchanged-TOAST fill: what it rewrites must stay readable
// and decode again into the same number of columns.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "decode/unchanged_toast_fill.hpp"
#include "decode/wal2json_decoder.hpp"
#include "fuzz_checks.hpp"

namespace {

void fill_and_check(popyka::decode::DecodedChange& change) {
  static popyka::decode::UnchangedToastFill fill;
  static popyka::decode::Wal2JsonDecoder again;
  if (fill.fill(change) != popyka::decode::UnchangedToastFill::Outcome::filled) return;
  popyka::fuzz::touch(change);
  try {
    if (again.decode(change.json(), 0).columns().size() != change.columns().size()) std::abort();
  } catch (const popyka::decode::DecodeError&) {
    std::abort();  // the fill wrote a message the decoder does not read
  }
}

}  // namespace

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
      fill_and_check(decoder.current());
    } catch (const popyka::decode::DecodeError&) {
    }
    if (!whole && input.empty()) break;
    if (whole && input.find('\n') == std::string_view::npos) break;
  }
  return 0;
}
