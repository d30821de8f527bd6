#include "connect_schemas.hpp"

#include <algorithm>

#include <popyka/sdk/json.hpp>

namespace popyka::kafka::debezium {

namespace {

// io.debezium.connector.postgresql.Source, as the field `source`, in three parts around what
// depends on the release.
constexpr std::string_view kSourceSchemaHead =
    R"({"type":"struct","fields":[{"type":"string","optional":false,"field":"version"},)"
    R"({"type":"string","optional":false,"field":"connector"},{"type":"string","optional":false,"field":"name"},)"
    R"({"type":"int64","optional":false,"field":"ts_ms"},)"
    R"({"type":"string","optional":true,"name":"io.debezium.data.Enum","version":1,"parameters":{"allowed":)";
// The snapshot enum's values: 3.1 lists every SnapshotRecord, earlier releases four (while
// writing `first` and the others already).
constexpr std::string_view kSnapshotValues = R"("true,first,first_in_data_collection,last_in_data_collection,last,false,incremental")";
constexpr std::string_view kSnapshotValuesBefore31 = R"("true,last,false,incremental")";
constexpr std::string_view kSourceSchemaMiddle =
    R"(},"default":"false","field":"snapshot"},)"
    R"({"type":"string","optional":false,"field":"db"},{"type":"string","optional":true,"field":"sequence"},)";
// 2.6 on (optional from 2.6.2 and 2.7.0).
constexpr std::string_view kSourceMicroTimes =
    R"({"type":"int64","optional":true,"field":"ts_us"},{"type":"int64","optional":true,"field":"ts_ns"},)";
constexpr std::string_view kSourceSchemaTail =
    R"({"type":"string","optional":false,"field":"schema"},{"type":"string","optional":false,"field":"table"},)"
    R"({"type":"int64","optional":true,"field":"txId"},{"type":"int64","optional":true,"field":"lsn"},)"
    R"({"type":"int64","optional":true,"field":"xmin"}],"optional":false,)"
    R"("name":"io.debezium.connector.postgresql.Source")";

// Debezium's transaction block (null unless transaction_metadata, Debezium's provide.transaction.metadata).
constexpr std::string_view kTransactionSchema =
    R"({"type":"struct","fields":[{"type":"string","optional":false,"field":"id"},)"
    R"({"type":"int64","optional":false,"field":"total_order"},)"
    R"({"type":"int64","optional":false,"field":"data_collection_order"}],"optional":true,)"
    R"("name":"event.block","version":1,"field":"transaction"})";

void append_field(std::string& out, std::string_view name) {
  out += ",\"field\":";
  sdk::append_json_string(out, name);
  out += '}';
}

// A column's schema: io.debezium.data.Enum when the host said the column holds an enum (or an
// array of one), else its type's; with its default when Debezium gives it one.
void open_column_schema(std::string& out, const ShapeColumn& column, bool optional, const ColumnValueWriter& values) {
  if (!column.enum_labels.empty()) ColumnValueWriter::open_enum_schema(out, column.enum_labels, column.type.array, optional);
  else values.open_schema(out, column.type, optional);
  if (column.default_json.empty()) return;
  out += ",\"default\":";
  out += column.default_json;
}

}  // namespace

void open_schema_wrapper(std::string& out, std::string_view schema) {
  out += "{\"schema\":";
  out += schema;
  out += ",\"payload\":";
}

std::string schema_name_base(std::string_view prefix, std::string_view schema, std::string_view table) {
  std::string base(prefix);
  base.append(1, '.').append(schema).append(1, '.').append(table);
  return base;
}

void append_value_schema(std::string& out, const TableShape& shape, std::span<const std::string_view> key_names,
                         std::string_view base, const ColumnValueWriter& values) {
  out += R"({"type":"struct","fields":[)";
  bool first = true;
  for (const ShapeColumn& c : shape.columns) {
    if (!first) out += ',';
    first = false;
    const bool key = std::find(key_names.begin(), key_names.end(), c.name) != key_names.end();
    const bool optional = !key && !c.not_null;
    open_column_schema(out, c, optional, values);
    append_field(out, c.name);
  }
  out += R"(],"optional":true,"name":)";
  sdk::append_json_string(out, std::string(base) + ".Value");
}

std::string source_schema(DebeziumRelease release) {
  std::string out(kSourceSchemaHead);
  out += release >= DebeziumRelease{3, 1} ? kSnapshotValues : kSnapshotValuesBefore31;
  out += kSourceSchemaMiddle;
  if (has_micro_times(release)) out += kSourceMicroTimes;
  out += kSourceSchemaTail;
  if (release >= DebeziumRelease{3, 1}) out += R"(,"version":1)";
  out += R"(,"field":"source"})";
  return out;
}

void append_envelope_schema(std::string& out, std::string_view value_schema, std::string_view source_schema,
                            std::string_view base, DebeziumRelease release) {
  out += R"({"type":"struct","fields":[)";
  out += value_schema;
  out += R"(,"field":"before"},)";
  out += value_schema;
  out += R"(,"field":"after"},)";
  out += source_schema;
  out += R"(,{"type":"string","optional":false,"field":"op"},{"type":"int64","optional":true,"field":"ts_ms"},)";
  if (has_micro_times(release))
    out += R"({"type":"int64","optional":true,"field":"ts_us"},{"type":"int64","optional":true,"field":"ts_ns"},)";
  out += kTransactionSchema;
  out += R"(],"optional":false,"name":)";
  sdk::append_json_string(out, std::string(base) + ".Envelope");
  out += has_micro_times(release) ? R"(,"version":2})" : R"(,"version":1})";
}

void append_key_schema(std::string& out, std::span<const sdk::Column> key_columns, const TableShape& shape,
                       std::string_view base, const ColumnValueWriter& values) {
  out += R"({"type":"struct","fields":[)";
  bool first = true;
  for (const sdk::Column& k : key_columns) {
    if (!first) out += ',';
    first = false;
    const auto known = std::find_if(shape.columns.begin(), shape.columns.end(),
                                    [&](const ShapeColumn& c) { return c.name == k.name && c.type_name == k.type; });
    if (known != shape.columns.end()) {
      open_column_schema(out, *known, false, values);
    } else {
      ShapeColumn unknown;
      unknown.type = parse_pg_type(k.type);
      open_column_schema(out, unknown, false, values);
    }
    append_field(out, k.name);
  }
  out += R"(],"optional":false,"name":)";
  sdk::append_json_string(out, std::string(base) + ".Key");
  out += '}';
}

std::string_view message_key_schema() {
  return R"({"type":"struct","fields":[{"type":"string","optional":true,"field":"prefix"}],"optional":false,)"
         R"("name":"io.debezium.connector.postgresql.MessageKey","version":1})";
}

std::string message_value_schema(std::string_view source_schema, DebeziumRelease release) {
  std::string out = R"({"type":"struct","fields":[{"type":"string","optional":false,"field":"op"},)"
                    R"({"type":"int64","optional":true,"field":"ts_ms"},)";
  out += source_schema;
  if (has_message_transaction(release)) {
    out += ',';
    out += kTransactionSchema;
  }
  out += R"(,{"type":"struct","fields":[{"type":"string","optional":true,"field":"prefix"},)"
         R"({"type":"bytes","optional":true,"field":"content"}],"optional":false,)"
         R"("name":"io.debezium.connector.postgresql.Message","version":1,"field":"message"}],)"
         R"("optional":false,"name":"io.debezium.connector.postgresql.MessageValue","version":1})";
  return out;
}

std::string_view transaction_key_schema() {
  return R"({"type":"struct","fields":[{"type":"string","optional":false,"field":"id"}],"optional":false,)"
         R"("name":"io.debezium.connector.common.TransactionMetadataKey","version":1})";
}

std::string_view transaction_value_schema() {
  return R"({"type":"struct","fields":[{"type":"string","optional":false,"field":"status"},)"
         R"({"type":"string","optional":false,"field":"id"},{"type":"int64","optional":true,"field":"event_count"},)"
         R"({"type":"array","items":{"type":"struct","fields":[{"type":"string","optional":false,"field":"data_collection"},)"
         R"({"type":"int64","optional":false,"field":"event_count"}],"optional":true,"name":"event.collection","version":1},)"
         R"("optional":true,"field":"data_collections"},{"type":"int64","optional":false,"field":"ts_ms"}],"optional":false,)"
         R"("name":"io.debezium.connector.common.TransactionMetadataValue","version":1})";
}

}  // namespace popyka::kafka::debezium
