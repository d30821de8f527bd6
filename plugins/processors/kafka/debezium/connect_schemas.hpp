#pragma once
// Kafka Connect schemas of Debezium's PostgreSQL events as JsonConverter writes them
// (`schemas: true`): members in JsonConverter's order (type, fields, optional, name, version,
// doc, parameters, default, field).
#include <span>
#include <string>
#include <string_view>

#include "column_value.hpp"
#include "debezium_settings.hpp"
#include "table_shapes.hpp"

namespace popyka::kafka::debezium {

// JsonConverter's `{"schema":<schema>,"payload":` (the caller closes it after the payload).
void open_schema_wrapper(std::string& out, std::string_view schema);

// `<prefix>.<schema>.<table>` (Debezium's default schema.name.adjustment.mode=none keeps names as they are).
std::string schema_name_base(std::string_view prefix, std::string_view schema, std::string_view table);

// The row struct `<base>.Value`; key and NOT NULL columns are required, the others optional (a
// column is NOT NULL, or an enum, when the host's sdk::ChangeDetails said so; a domain is its base
// type, and a column has its `default` as Debezium derives it, when sdk::ColumnDefinitions said so).
void append_value_schema(std::string& out, const TableShape& shape, std::span<const std::string_view> key_names,
                         std::string_view base, const ColumnValueWriter& values);
// io.debezium.connector.postgresql.Source, as the envelope's field `source`.
std::string source_schema(DebeziumRelease release);
// The envelope `<base>.Envelope`: before, after, source, op, ts_ms, (ts_us, ts_ns,) transaction.
void append_envelope_schema(std::string& out, std::string_view value_schema, std::string_view source_schema,
                            std::string_view base, DebeziumRelease release);
// The key `<base>.Key`: the primary-key columns, required (an enum, a domain and a default as in
// `shape`, the table's columns).
void append_key_schema(std::string& out, std::span<const sdk::Column> key_columns, const TableShape& shape,
                       std::string_view base, const ColumnValueWriter& values);

// Logical decoding messages: `io.debezium.connector.postgresql.MessageKey` and `MessageValue`
// (version 1 each, and the `Message` block, as PostgresSchemaFactory since Debezium 2.0; the
// `transaction` block after `source` from 3.0).
std::string_view message_key_schema();
std::string message_value_schema(std::string_view source_schema, DebeziumRelease release);

// The transaction topic's key and value: `io.debezium.connector.common.TransactionMetadataKey`
// and `TransactionMetadataValue` (version 1 each, SchemaFactory since Debezium 2.0).
std::string_view transaction_key_schema();
std::string_view transaction_value_schema();

}  // namespace popyka::kafka::debezium
