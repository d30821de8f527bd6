#pragma once

#include "source/replication/output_plugin/output_plugin.hpp"

namespace popyka::source::replication {

// The options START_REPLICATION hands to wal2json: the host's own (see the .cpp for why each),
// with `database.wal2json_options` added or overriding them. Throws ReplicationError when the
// user asks for a format-version other than 2, the only one the decoder reads.
PluginOptions wal2json_options(const PluginOptions& user_options);

// wal2json (format-version 2): its messages are passed on as they are, without a copy, for the
// consumer to decode where they lie.
class Wal2jsonPlugin final : public OutputPlugin {
 public:
  // Throws ReplicationError (see wal2json_options()).
  explicit Wal2jsonPlugin(const PluginOptions& user_options) : options_(wal2json_options(user_options)) {}

  std::string_view name() const noexcept override { return wal2json_plugin; }
  void prepare(ReplicationConnection&, std::string_view) override {}
  PluginOptions start_options(int) const override { return options_; }
  void messages(std::string_view payload, sdk::Lsn lsn, const MessageSink& sink) override { sink(payload, lsn); }

 private:
  PluginOptions options_;
};

}  // namespace popyka::source::replication
