#include <catch2/catch.hpp>

#include <fstream>

#include "pipeline_fixture.hpp"
#include "plugin_loading/plugin_registry.hpp"
#include "popyka/sdk/version.hpp"

using popyka::plugin_loading::PluginLoadError;
using popyka::plugin_loading::PluginRegistry;
using Catch::Contains;

namespace {
const std::filesystem::path kFixtures = POPYKA_TEST_PLUGIN_DIR;
}

TEST_CASE("the built-in plugins provide the original popyka's classes") {
  PluginRegistry registry;
  registry.load({popyka::plugin_loading::builtin_plugin_dir()});
  for (const char* name : {"popyka.builtin.filters.IgnoreTxFilter", "popyka.builtin.filters.TableNameIgnoreFilter",
                           "popyka.builtin.processors.LogChangeProcessor", "popyka.builtin.error_handlers.Abort",
                           "popyka.builtin.error_handlers.ContinueNextProcessor", "popyka.builtin.error_handlers.ContinueNextMessage",
                           "popyka.builtin.error_handlers.RetryProcessor"})
    CHECK(registry.classes().count(name) == 1);
}

// One fixture .so per way a plugin can be wrong (tests/support/plugins), and the one line the
// host refuses it with, naming the file.
TEST_CASE("a wrong plugin is refused by name, saying what is wrong with it") {
  const auto [fixture, message] = GENERATE(table<std::string, std::string>({
      {"wrong_abi", "built for popyka SDK ABI version 999, this popyka-host needs ABI version 1"},
      {"no_entry_point", "not a popyka plugin: it exports no `popyka_plugin_descriptor`"},
      // Smaller than SDK 1.0's descriptor: not made by POPYKA_PLUGIN().
      {"short_descriptor", "short descriptor: 12 bytes, SDK 1.0's has 40"},
      // Larger: built against a newer SDK than this host's.
      {"larger_descriptor", "built against a newer popyka SDK (SDK 1.9.0, descriptor of 48 bytes; this popyka-host " POPYKA_VERSION_STRING
                            " reads 40)"},
      {"other_string_abi", "built with _GLIBCXX_USE_CXX11_ABI=0, the host uses 1"},
      {"null_factory", "class #0 in its descriptor has no name, factory or deleter"},
      {"bad_config_keys", "class 'test.bad_keys.Accept' config key 'limit': default: expected an integer, found 'lots'"},
  }));
  PluginRegistry registry;
  CHECK_THROWS_WITH(registry.load({kFixtures / fixture}), Contains("popyka-" + fixture + ".so: " + message));
}

TEST_CASE("two plugins providing one class name are refused, naming both files") {
  PluginRegistry registry;
  CHECK_THROWS_WITH(registry.load({kFixtures / "test_components", kFixtures / "duplicate_class"}),
                    Contains("popyka-duplicate_class.so: class 'test.processors.Record' is already provided by") &&
                        Contains("popyka-test_components.so"));
}

TEST_CASE("a file the loader cannot load reports the loader's own error") {
  popyka::test::TempDir dir;
  std::ofstream(dir.file("broken.so")) << std::string(4096, 'x');  // long enough to be read, not ELF
  PluginRegistry registry;
  CHECK_THROWS_WITH(registry.load({dir.file("broken.so")}), Contains("broken.so: cannot be loaded: ") && Contains("invalid ELF header"));
}

TEST_CASE("a missing plugin path entry is named") {
  PluginRegistry registry;
  CHECK_THROWS_WITH(registry.load({"/nonexistent/plugins"}), Contains("/nonexistent/plugins: no such file or directory"));
}

TEST_CASE("a path entry may name one .so file") {
  PluginRegistry registry;
  registry.load({kFixtures / "test_components" / "popyka-test_components.so"});
  CHECK(registry.classes().count("test.processors.Record") == 1);
}
