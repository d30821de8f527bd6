#include "kafka_plugin.hpp"

#include <dlfcn.h>

#include <stdexcept>
#include <string_view>

#include "recording_host.hpp"

namespace popyka::test {

namespace {

constexpr std::string_view kClassName = "popyka.builtin.processors.ProduceToKafkaProcessor";
constexpr const char* kConfigPath = "processors[0].config";

const sdk::ClassInfo& kafka_class() {
  // Never closed: like the host, the .so stays loaded for the whole run.
  static void* handle = dlopen(POPYKA_KAFKA_PLUGIN_PATH, RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) throw std::runtime_error(std::string("dlopen: ") + dlerror());
  using Entry = const sdk::PluginDescriptor* (*)();
  auto entry = reinterpret_cast<Entry>(dlsym(handle, "popyka_plugin_descriptor"));
  if (entry == nullptr) throw std::runtime_error("popyka_plugin_descriptor not found");
  const sdk::PluginDescriptor* d = entry();
  if (d->abi_version != sdk::kAbiVersion) throw std::runtime_error("ABI version mismatch");
  for (std::size_t i = 0; i < d->class_count; ++i)
    if (d->classes[i].name == kClassName && d->classes[i].kind == sdk::ComponentKind::Processor) return d->classes[i];
  throw std::runtime_error("class not found in popyka-kafka.so");
}

sdk::Config scalar_map(const std::string& path, const Pairs& pairs) {
  std::vector<sdk::Config::Entry> entries;
  for (const auto& [k, v] : pairs) entries.emplace_back(k, sdk::Config::scalar(path + "." + k, v));
  return sdk::Config::map(path, std::move(entries));
}

}  // namespace

ProcessorPtr create_kafka_processor() {
  const sdk::ClassInfo& info = kafka_class();
  auto* processor = static_cast<sdk::Processor*>(info.create());
  return ProcessorPtr(processor, [destroy = info.destroy](sdk::Processor* p) { destroy(p); });
}

sdk::Config processor_config(const Pairs& top, const std::optional<Pairs>& producer_config) {
  sdk::Config config = scalar_map(kConfigPath, top);
  if (!producer_config) return config;
  std::vector<sdk::Config::Entry> entries = config.entries();
  const std::string path = std::string(kConfigPath) + ".producer_config";
  entries.emplace_back("producer_config", scalar_map(path, *producer_config));
  return sdk::Config::map(kConfigPath, std::move(entries));
}

sdk::Config kafka_config(const std::string& bootstrap, const Pairs& top, const Pairs& producer_extra) {
  Pairs producer{{"bootstrap.servers", bootstrap}, {"client.id", "popyka-test"}};
  producer.insert(producer.end(), producer_extra.begin(), producer_extra.end());
  return processor_config(top, producer);
}

bool wait_reported(sdk::Processor& processor, const RecordingHost& host, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (host.reported() < host.deferred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    processor.poll(std::chrono::milliseconds(50));
  }
  return true;
}

}  // namespace popyka::test
