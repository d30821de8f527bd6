#include "plugin_loading/plugin_library.hpp"

#include <dlfcn.h>
#include <elf.h>

#include <algorithm>
#include <cstring>
#include <fstream>

#include <boost/dll/shared_library.hpp>
#include <fmt/format.h>

#include "plugin_loading/config_schema.hpp"
#include "popyka/sdk/version.hpp"

namespace popyka::plugin_loading {
namespace {

// Loaded libraries stay mapped until the process ends (see PluginLibrary).
std::vector<boost::dll::shared_library>& loaded_libraries() {
  static auto* libraries = new std::vector<boost::dll::shared_library>();
  return *libraries;
}

[[noreturn]] void refuse(const std::filesystem::path& path, const std::string& why) {
  throw PluginLoadError(fmt::format("plugin {}: {}", path.string(), why));
}

// The size of SDK 1.0's descriptor: every ABI 1 plugin's is at least this big.
constexpr std::uint32_t kDescriptorSizeV1_0 = 40;
static_assert(sizeof(sdk::PluginDescriptor) >= kDescriptorSizeV1_0, "PluginDescriptor only ever grows at its end");

bool known_kind(sdk::ComponentKind kind) {
  return kind == sdk::ComponentKind::Filter || kind == sdk::ComponentKind::Processor || kind == sdk::ComponentKind::ErrorHandler;
}

// The descriptor size rule (OBS's): an older plugin's smaller descriptor is read up to its size
// (today 1.0's is the only size, so nothing is missing); a newer plugin's larger one is refused,
// as it was built against an SDK that may promise what this host does not have.
void check_descriptor(const std::filesystem::path& path, const sdk::PluginDescriptor* d) {
  if (d == nullptr) refuse(path, "its entry point returned no descriptor");
  if (d->abi_version != sdk::kAbiVersion)
    refuse(path, fmt::format("built for popyka SDK ABI version {}, this popyka-host needs ABI version {}: rebuild it against this host's SDK",
                             d->abi_version, sdk::kAbiVersion));
  if (d->descriptor_size < kDescriptorSizeV1_0)
    refuse(path, fmt::format("short descriptor: {} bytes, SDK 1.0's has {}: not built with POPYKA_PLUGIN(); rebuild it against this host's SDK",
                             d->descriptor_size, kDescriptorSizeV1_0));
  if (d->descriptor_size > sizeof(sdk::PluginDescriptor))
    refuse(path, fmt::format("built against a newer popyka SDK (SDK {}, descriptor of {} bytes; this popyka-host {} reads {}): "
                             "upgrade popyka-host or rebuild the plugin against this host's SDK",
                             d->sdk_version != nullptr ? d->sdk_version : "unknown", d->descriptor_size, POPYKA_VERSION_STRING,
                             sizeof(sdk::PluginDescriptor)));
  if (d->cxx11_string_abi != sdk::kCxx11StringAbi)
    refuse(path, fmt::format("built with _GLIBCXX_USE_CXX11_ABI={}, the host uses {}: rebuild it with the host's setting",
                             d->cxx11_string_abi, sdk::kCxx11StringAbi));
  if (d->class_count > 0 && d->classes == nullptr) refuse(path, fmt::format("its descriptor lists {} classes but gives none", d->class_count));
  for (std::size_t i = 0; i < d->class_count; ++i) {
    const sdk::ClassInfo& c = d->classes[i];
    if (c.name == nullptr || *c.name == '\0' || c.create == nullptr || c.destroy == nullptr)
      refuse(path, fmt::format("class #{} in its descriptor has no name, factory or deleter", i));
    if (!known_kind(c.kind))
      refuse(path, fmt::format("class '{}' is of kind {}, unknown to this popyka-host: upgrade popyka-host", c.name,
                               static_cast<std::uint32_t>(c.kind)));
    if (auto problem = config_keys_problem(c.config_keys)) refuse(path, fmt::format("class '{}' {}", c.name, *problem));
  }
}

// dlopen maps a file shorter than its segments say without complaint, and the process then dies
// with SIGBUS on the first touch past the end: refuse a truncated 64-bit ELF file before that.
void check_not_truncated(const std::filesystem::path& path) {
  std::error_code error;
  const std::uintmax_t size = std::filesystem::file_size(path, error);
  if (error) return;  // dlopen says what is wrong
  std::ifstream in(path, std::ios::binary);
  Elf64_Ehdr header{};
  if (!in.read(reinterpret_cast<char*>(&header), sizeof header) || std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0 ||
      header.e_ident[EI_CLASS] != ELFCLASS64)
    return;  // not a 64-bit ELF file (too short for its header included): dlopen refuses it by itself
  std::uintmax_t needed = header.e_phoff + std::uintmax_t{header.e_phnum} * header.e_phentsize;
  if (needed <= size && header.e_phentsize >= sizeof(Elf64_Phdr)) {
    for (unsigned i = 0; i < header.e_phnum; ++i) {
      Elf64_Phdr segment{};
      in.seekg(static_cast<std::streamoff>(header.e_phoff + std::uintmax_t{i} * header.e_phentsize));
      if (!in.read(reinterpret_cast<char*>(&segment), sizeof segment)) break;
      if (segment.p_type == PT_LOAD) needed = std::max<std::uintmax_t>(needed, segment.p_offset + segment.p_filesz);
    }
  }
  if (needed > size)
    refuse(path, fmt::format("cannot be loaded: the file is truncated ({} bytes, its ELF headers need {}): copy or build it again", size, needed));
}

}  // namespace

PluginLibrary load_plugin_library(const std::filesystem::path& path) {
  check_not_truncated(path);
  boost::dll::shared_library library;
  boost::dll::fs::error_code error;
  ::dlerror();  // clear, so the message below is this load's
  library.load(path, error, boost::dll::load_mode::rtld_lazy | boost::dll::load_mode::rtld_local);
  if (error) {
    const char* loader_error = ::dlerror();
    refuse(path, fmt::format("cannot be loaded: {}", loader_error != nullptr ? loader_error : error.message()));
  }
  constexpr const char* entry_point = POPYKA_PLUGIN_ENTRY_POINT_NAME;
  if (!library.has(entry_point))
    refuse(path, fmt::format("not a popyka plugin: it exports no `{}` (declare its classes with POPYKA_PLUGIN(...))", entry_point));
  auto* describe = library.get<const sdk::PluginDescriptor*()>(entry_point);
  const sdk::PluginDescriptor* descriptor = describe();
  check_descriptor(path, descriptor);
  loaded_libraries().push_back(std::move(library));
  return PluginLibrary{path, descriptor};
}

}  // namespace popyka::plugin_loading
