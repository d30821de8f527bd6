#include "source/replication/output_plugin/start_replication_command.hpp"

#include <fmt/format.h>

namespace popyka::source::replication {
namespace {

// Option names are identifiers ("..."), values string literals ('...') in the replication
// command grammar; each escapes its quote by doubling it.
std::string quoted(std::string_view text, char quote) {
  std::string result(1, quote);
  for (char c : text) {
    if (c == quote) result += quote;
    result += c;
  }
  result += quote;
  return result;
}

}  // namespace

std::string start_replication_command(std::string_view slot_name, const PluginOptions& options) {
  std::string command = fmt::format("START_REPLICATION SLOT {} LOGICAL 0/0", slot_name);
  const char* separator = " (";
  for (const auto& [name, value] : options) {
    command += fmt::format("{}{} {}", separator, quoted(name, '"'), quoted(value, '\''));
    separator = ", ";
  }
  if (!options.empty()) command += ')';
  return command;
}

}  // namespace popyka::source::replication
