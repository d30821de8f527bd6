#include "source/replication/host_messages.hpp"

namespace popyka::source::replication {

bool is_host_message(std::string_view message) noexcept {
  // wal2json v2 writes "action" first and the fields before "prefix" are numbers, booleans or a
  // timestamp, so the first `"prefix":"` is the prefix's own: a prefix or content that holds the
  // same text has its quotes escaped.
  static constexpr std::string_view action = R"({"action":"M",)";
  static constexpr std::string_view prefix_field = R"("prefix":")";
  if (!message.starts_with(action)) return false;
  const std::size_t at = message.find(prefix_field);
  return at != std::string_view::npos && message.substr(at + prefix_field.size()).starts_with(host_message_namespace);
}

bool is_host_message(const sdk::Change& change) noexcept {
  // The prefix is JSON text; `popyka.` has nothing JSON escapes, so its text follows the quote.
  const std::string_view prefix = change.message_prefix().json();
  return change.action() == sdk::Action::Message && prefix.starts_with('"') &&
         prefix.substr(1).starts_with(host_message_namespace);
}

}  // namespace popyka::source::replication
