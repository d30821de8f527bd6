// Domains and column defaults in `format: debezium`, from the host's sdk::ColumnDefinitions,
// against Debezium 3.6.1: AbstractRecordsProducerTest's schemasAndValuesForDomainAliasTypes for
// domains, PostgresDefaultValueConverter (and its ITs) for defaults, and Kafka's JsonConverter
// (replace.null.with.default, KIP-581) for how a default shows in the JSON.
#include <catch2/catch.hpp>

#include "debezium_fixture.hpp"

using namespace popyka::test;
namespace dbz = popyka::kafka::debezium;
namespace sdk = popyka::sdk;

namespace {

// wal2json names a domain, not its base type, and quotes its value as a string.
constexpr std::string_view kDomains =
    R"({"action":"I","xid":7,"schema":"public","table":"alias","columns":[{"name":"pk","type":"int_alias","value":"1"},)"
    R"({"name":"bit_alias","type":"bit3","value":"101"},{"name":"integer_alias","type":"int_alias","value":"1"},)"
    R"({"name":"timestamp_alias","type":"ts_alias","value":"2019-10-02 01:02:03.123456"},)"
    R"({"name":"numeric_alias","type":"num_alias","value":"1234.12"},{"name":"date_alias","type":"date_alias","value":"2019-10-02"},)"
    R"({"name":"string_alias","type":"str_alias","value":"hello"}],"pk":[{"name":"pk","type":"int_alias"}]})";

const std::vector<sdk::ColumnDefinition> kDomainDefinitions = {
    {"integer", "nextval('alias_pk_seq'::regclass)"}, {"bit(3)", {}}, {"integer", "42"},
    {"timestamp without time zone", {}},             {"numeric(6,2)", {}}, {"date", {}}, {"text", "'x'::text"}};

struct DefaultCase {
  const char* type;        // as wal2json names it
  const char* expression;  // as pg_get_expr() writes it
  const char* expected;    // the schema's "default", or nullptr: none
  const char* why;         // PostgresDefaultValueConverter's rule, or its test
};

const DefaultCase kDefaults[] = {
    {"integer", "nextval('t_id_seq'::regclass)", "0", "serial: a function call is the placeholder 0 (domain test's PK defaultValue(0))"},
    {"integer", "42", "42", "int4: a raw value"},
    {"integer", "'-1'::integer", "-1", "int4: the literal of a cast"},
    {"bigint", "'9223372036854775807'::bigint", "9223372036854775807", "int8 sample value"},
    {"smallint", "(1 + 2)", nullptr, "an expression it cannot evaluate: no default"},
    {"text", "'abc'::text", R"("abc")", "text sample value"},
    {"character varying(10)", "'it''s'::character varying", R"("it")", "LITERAL_DEFAULT_PATTERN is non-greedy"},
    {"text", "NULL::text", nullptr, "NULL:: is no default"},
    {"text", "(gen_random_uuid())::text", R"("")", "a function call: the placeholder, an empty string"},
    {"boolean", "true", "true", "bool"},
    {"boolean", "NULL::boolean", nullptr, "parseNullDefault"},
    {"numeric(5,2)", "1.5", R"("AJY=")", "numeric, scaled up to the column's scale (150)"},
    {"numeric", "1.5", nullptr, "a VariableScaleDecimal is a Struct: no default (KAFKA-12694)"},
    {"real", "1.5", "1.5", "float4"},
    {"double precision", "'1.5'::double precision", "1.5", "float8"},
    {"timestamp without time zone", "now()", "0", "a function call: the epoch"},
    {"timestamp without time zone", "(now() + '1 day'::interval)", "0", "FUNCTION_DEFAULT_PATTERN allows a `(`"},
    {"timestamp(3) without time zone", "CURRENT_TIMESTAMP", "0", "CURRENT_DATE_TIMES"},
    {"date", "CURRENT_DATE", "0", "CURRENT_DATE_TIMES"},
    {"date", "'2020-01-01'::date", "18262", "date"},
    {"time without time zone", "'12:00:00'::time without time zone", "43200000000", "time"},
    {"interval", "'01:00:00'::interval", "3600000000", "interval"},
    {"interval", "now()", nullptr, "PGInterval(\"epoch\") fails: no default"},
    {"uuid", "gen_random_uuid()", R"("00000000-0000-0000-0000-000000000000")", "uuid placeholder"},
    {"jsonb", "'{}'::jsonb", R"("{}")", "jsonb"},
    {"bit(3)", R"(B'101'::"bit")", R"("BQ==")", "bit"},
    {"bit(1)", R"(B'1'::"bit")", "true", "bit of one: a boolean"},
    {"bit(1)", "bits_of(1)", "false", "a function call: the placeholder 00, zero as a number (convertBits)"},
    {"money", "'1.00'::money", nullptr, "no mapper for money"},
    {"bytea", R"('\x01'::bytea)", nullptr, "no mapper for bytea"},
    {"time with time zone", "'12:00:00+00'::time with time zone", nullptr, "no mapper for timetz"},
    {"integer[]", "'{1,2}'::integer[]", nullptr, "no mapper for arrays"},
    {"oid", "1", nullptr, "no mapper for oid"},
    {"inet", "'1.1.1.1'::inet", nullptr, "no mapper for inet"},
};

dbz::EventWriter schema_writer(bool schemas = true) {
  auto settings = debezium_settings();
  settings.schemas = schemas;
  return dbz::EventWriter(settings, &fixed_now_ns);
}

}  // namespace

TEST_CASE("debezium: a domain's schema and value are its base type's", "[debezium][definitions]") {
  auto writer = schema_writer();
  const auto row = change_from_wal2json(kDomains);
  row->details().column_definitions = kDomainDefinitions;
  const auto records = writer.write(*row);
  const Json value(records[0].value);
  CHECK(value.at("/payload/after/bit_alias") == R"("BQ==")");
  CHECK(value.at("/schema/fields/1/fields/1") ==
        minified(R"({"type":"bytes","optional":true,"name":"io.debezium.data.Bits","version":1,)"
                 R"("parameters":{"length":"3"},"field":"bit_alias"})"));
  CHECK(value.at("/payload/after/integer_alias") == "1");
  CHECK(value.at("/payload/after/timestamp_alias") == "1569978123123456");
  CHECK(value.at("/schema/fields/1/fields/3/name") == R"("io.debezium.time.MicroTimestamp")");
  CHECK(value.at("/payload/after/numeric_alias") == R"("AeIU")");
  CHECK(value.at("/payload/after/date_alias") == "18171");
  CHECK(value.at("/payload/after/string_alias") == R"("hello")");
  // A domain in the primary key: its value and schema in the key too.
  const Json key(records[0].key);
  CHECK(key.at("/payload/pk") == "1");
  CHECK(key.at("/schema/fields/0") == R"({"type":"int32","optional":false,"field":"pk"})");

  // Without the schemas too: the values are the base type's.
  auto plain = schema_writer(false);
  const Json payload(plain.write(*row)[0].value);
  CHECK(payload.at("/after/bit_alias") == R"("BQ==")");
  CHECK(payload.at("/after/integer_alias") == "1");
  CHECK(payload.at("/after/timestamp_alias") == "1569978123123456");
}

TEST_CASE("debezium: a domain column has no default, as Debezium finds no mapper for a domain", "[debezium][definitions]") {
  auto writer = schema_writer();
  const auto row = change_from_wal2json(kDomains);
  row->details().column_definitions = kDomainDefinitions;
  const Json value(writer.write(*row)[0].value);
  CHECK_FALSE(value.has("/schema/fields/1/fields/0/default"));
  CHECK_FALSE(value.has("/schema/fields/1/fields/2/default"));
  CHECK_FALSE(value.has("/schema/fields/1/fields/6/default"));
}

TEST_CASE("debezium: schemas: true, a column's default is in its schema as PostgresDefaultValueConverter derives it",
          "[debezium][definitions]") {
  for (const DefaultCase& c : kDefaults) {
    INFO(c.type << " DEFAULT " << c.expression << ": " << c.why);
    auto writer = schema_writer();
    const std::string json = std::string(R"({"action":"I","xid":7,"schema":"public","table":"d","columns":[)") +
                             R"({"name":"id","type":"integer","value":1},{"name":"c","type":")" + c.type +
                             R"(","value":null}],"pk":[{"name":"id","type":"integer"}]})";
    const auto row = change_from_wal2json(json);
    row->details().column_definitions = {{{}, {}}, {{}, c.expression}};
    const Json value(writer.write(*row)[0].value);
    if (c.expected == nullptr) CHECK(value.at("/schema/fields/1/fields/1/default") == "<missing>");
    else CHECK(value.at("/schema/fields/1/fields/1/default") == minified(c.expected));
  }
}

TEST_CASE("debezium: an enum's default is its label when the cast names the enum", "[debezium][definitions]") {
  const auto row = change_from_wal2json(
      R"({"action":"I","xid":7,"schema":"public","table":"e","columns":[{"name":"id","type":"integer","value":1},)"
      R"({"name":"m","type":"mood","value":null},{"name":"other","type":"mood","value":null}],"pk":[{"name":"id","type":"integer"}]})");
  row->details().column_details = {{true, {}}, {false, "sad,ok,happy"}, {false, "sad,ok,happy"}};
  row->details().column_definitions = {{{}, {}}, {{}, "'happy'::mood"}, {{}, "'happy'::feeling"}};
  auto writer = schema_writer();
  const Json value(writer.write(*row)[0].value);
  CHECK(value.at("/schema/fields/1/fields/1/default") == R"("happy")");
  CHECK_FALSE(value.has("/schema/fields/1/fields/2/default"));
  // Without the schemas too: the null is the default.
  auto plain = schema_writer(false);
  const Json payload(plain.write(*row)[0].value);
  CHECK(payload.at("/after/m") == R"("happy")");
  CHECK(payload.at("/after/other") == "null");
}

TEST_CASE("debezium: a serial key's schema has the default 0, in the key and in the value", "[debezium][definitions]") {
  auto writer = schema_writer();
  const auto row = change_from_wal2json(
      R"({"action":"I","xid":7,"schema":"public","table":"s","columns":[{"name":"id","type":"integer","value":1}],)"
      R"("pk":[{"name":"id","type":"integer"}]})");
  row->details().column_definitions = {{{}, "nextval('s_id_seq'::regclass)"}};
  const auto records = writer.write(*row);
  CHECK(Json(records[0].key).at("/schema/fields/0") == R"({"type":"int32","optional":false,"default":0,"field":"id"})");
  CHECK(Json(records[0].value).at("/schema/fields/1/fields/0") ==
        R"({"type":"int32","optional":false,"default":0,"field":"id"})");
}

TEST_CASE("debezium: a null of a column with a default is written as the default, unless replace_null_with_default is "
          "false", "[debezium][definitions]") {
  // JsonConverter.convertToJson: a null with a schema default is the default when
  // replace.null.with.default (true by default), with schemas.enable or not.
  constexpr std::string_view kRow =
      R"({"action":"I","xid":7,"schema":"public","table":"n","columns":[{"name":"id","type":"integer","value":1},)"
      R"({"name":"qty","type":"integer","value":null},{"name":"note","type":"text","value":null}],)"
      R"("pk":[{"name":"id","type":"integer"}]})";
  constexpr std::string_view kDelete =
      R"({"action":"D","xid":8,"schema":"public","table":"n","identity":[{"name":"id","type":"integer","value":1}],)"
      R"("pk":[{"name":"id","type":"integer"}]})";
  const std::vector<sdk::ColumnDefinition> definitions = {{{}, {}}, {{}, "7"}, {{}, {}}};
  for (const bool schemas : {false, true}) {
    INFO("schemas: " << schemas);
    const std::string payload = schemas ? "/payload" : "";
    auto writer = schema_writer(schemas);
    const auto row = change_from_wal2json(kRow);
    row->details().column_definitions = definitions;
    const Json created(writer.write(*row)[0].value);
    CHECK(created.at(payload + "/after/qty") == "7");
    CHECK(created.at(payload + "/after/note") == "null");
    // A delete's before under REPLICA IDENTITY DEFAULT: the other columns are null, so defaults.
    const auto removed = change_from_wal2json(kDelete);
    CHECK(Json(writer.write(*removed)[0].value).at(payload + "/before/qty") == "7");

    auto settings = debezium_settings();
    settings.schemas = schemas;
    settings.replace_null_with_default = false;
    dbz::EventWriter keeping(settings, &fixed_now_ns);
    const Json kept(keeping.write(*row)[0].value);
    CHECK(kept.at(payload + "/after/qty") == "null");
    if (schemas) CHECK(kept.at("/schema/fields/1/fields/1/default") == "7");
  }
}

TEST_CASE("debezium: a later complete row's definitions replace the table's (a default set since)", "[debezium][definitions]") {
  auto writer = schema_writer();
  constexpr std::string_view kRow =
      R"({"action":"I","xid":7,"schema":"public","table":"later","columns":[{"name":"id","type":"integer","value":1},)"
      R"({"name":"qty","type":"integer","value":null}],"pk":[{"name":"id","type":"integer"}]})";
  const auto before = change_from_wal2json(kRow);
  before->details().column_definitions = {{{}, {}}, {{}, {}}};
  CHECK(Json(writer.write(*before)[0].value).at("/payload/after/qty") == "null");
  const auto after = change_from_wal2json(kRow);
  after->details().column_definitions = {{{}, {}}, {{}, "5"}};
  const Json value(writer.write(*after)[0].value);
  CHECK(value.at("/payload/after/qty") == "5");
  CHECK(value.at("/schema/fields/1/fields/1/default") == "5");
}

TEST_CASE("debezium: a table seen only in updates takes its definitions from the first update's new row",
          "[debezium][definitions]") {
  for (const bool schemas : {false, true}) {
    INFO("schemas: " << schemas);
    auto writer = schema_writer(schemas);
    const auto update = change_from_wal2json(
        R"({"action":"U","xid":7,"schema":"public","table":"only_updates","columns":[{"name":"id","type":"integer","value":1},)"
        R"({"name":"flags","type":"bit3","value":"101"}],"identity":[{"name":"id","type":"integer","value":1}],)"
        R"("pk":[{"name":"id","type":"integer"}]})");
    update->details().column_definitions = {{{}, {}}, {"bit(3)", {}}};
    CHECK(Json(writer.write(*update)[0].value).at(schemas ? "/payload/after/flags" : "/after/flags") == R"("BQ==")");
  }
}
