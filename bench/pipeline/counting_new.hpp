#pragma once
#include <cstdint>

namespace popyka::bench {

// Every operator new in the process (the plugins' too: the executable's replacement is what
// the dynamic linker binds them to) since the start.
std::uint64_t allocation_count() noexcept;
std::uint64_t allocated_bytes() noexcept;

}  // namespace popyka::bench
