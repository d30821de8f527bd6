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

TEST_CASE("a plugin built for another ABI version is refused, naming both versions and the file") {
  PluginRegistry registry;
  CHECK_THROWS_WITH(registry.load({kFixtures / "wrong_abi"}),
                    Contains("popyka-wrong_abi.so: built for popyka SDK ABI version 999, this popyka-host needs ABI version 1"));
}

TEST_CASE("a descriptor smaller than SDK 1.0's is refused, naming both sizes") {
  PluginRegistry registry;
  CHECK_THROWS_WITH(registry.load({kFixtures / "short_descriptor"}),
                    Contains("popyka-short_descriptor.so: short descriptor: 12 bytes, SDK 1.0's has 40"));
}

TEST_CASE("a larger descriptor (a plugin built against a newer SDK) is refused, naming the SDK and both sizes") {
  PluginRegistry registry;
  CHECK_THROWS_WITH(registry.load({kFixtures / "larger_descriptor"}),
                    Contains("popyka-larger_descriptor.so: built against a newer popyka SDK (SDK 1.9.0, descriptor of 48 bytes; "
                             "this popyka-host " POPYKA_VERSION_STRING " reads 40)"));
}

TEST_CASE("a plugin built with the other std::string ABI is refused, naming both settings") {
  PluginRegistry registry;
  CHECK_THROWS_WITH(registry.load({kFixtures / "other_string_abi"}),
                    Contains("popyka-other_string_abi.so: built with _GLIBCXX_USE_CXX11_ABI=0, the host uses 1"));
}

TEST_CASE("a class without a factory is refused when its plugin loads") {
  PluginRegistry registry;
  CHECK_THROWS_WITH(registry.load({kFixtures / "null_factory"}),
                    Contains("popyka-null_factory.so: class #0 in its descriptor has no name, factory or deleter"));
}

TEST_CASE("a class whose declared default its own type does not read is refused when its plugin loads") {
  PluginRegistry registry;
  CHECK_THROWS_WITH(registry.load({kFixtures / "bad_config_keys"}),
                    Contains("popyka-bad_config_keys.so: class 'test.bad_keys.Accept' config key 'limit': default: expected an integer, found 'lots'"));
}

TEST_CASE("a shared library without the entry point is not a popyka plugin") {
  PluginRegistry registry;
  CHECK_THROWS_WITH(registry.load({kFixtures / "no_entry_point"}),
                    Contains("popyka-no_entry_point.so: not a popyka plugin: it exports no `popyka_plugin_descriptor`"));
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
