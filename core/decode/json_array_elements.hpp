#pragma once
#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

namespace popyka::decode {

// The JSON array `text` starts with ('[' first; what follows it is ignored): puts each top-level
// element into `elements` exactly as written (surrounding white space left out) and returns the
// array's length, '[' to ']' included; nullopt when `text` does not start with '[' or the array
// does not end within it. For text a parser already accepted: it follows strings and nesting
// only, validating nothing, so a step after decoding finds the elements without parsing again.
std::optional<std::size_t> json_array_elements(std::string_view text, std::vector<std::string_view>& elements);

}  // namespace popyka::decode
