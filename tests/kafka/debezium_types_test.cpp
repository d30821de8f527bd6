// Golden events for `format: debezium`: each PostgreSQL type of docs/debezium-format.md, from
// the wal2json messages PostgreSQL 15 + wal2json 2.5 wrote for one INSERT, UPDATE, DELETE and
// pg_logical_emit_message (the SQL is in the comment below), compared field by field with the
// values Debezium's own tests and documentation give for the same SQL (the reference is next to
// each value; AbstractRecordsProducerTest and postgresql.adoc in debezium/debezium).
//
//   SET timezone = 'Europe/Berlin';
//   INSERT INTO t (si, i, ..., ia2) VALUES (1, 123456, 1234567890123, 4000000000, 3.3, 4.44, true,
//     'žš', 'bb', 'cd', 'x', E'some "text"\\ with\nnewline', ..., '{{1,2},{3,4}}');
//   UPDATE t SET t = 'changed'; DELETE FROM t; SELECT pg_logical_emit_message(true, 'foo', 'bar');
// The pgvector columns (vec, hv, sv) were added by hand, in pgvector's text format, and tsv from
// wal2json's output for the same value on another table.
#include <catch2/catch.hpp>

#include <tuple>

#include <popyka/sdk/version.hpp>

#include "debezium_fixture.hpp"

using namespace popyka::test;
namespace dbz = popyka::kafka::debezium;
namespace sdk = popyka::sdk;

namespace {

constexpr std::string_view kInsert = R"wal2json({"action":"I","xid":729,"timestamp":"2026-11-30 11:08:13.291342+01","schema":"public","table":"t","columns":[{"name":"pk","type":"integer","value":1},{"name":"si","type":"smallint","value":1},{"name":"i","type":"integer","value":123456},{"name":"bi","type":"bigint","value":1234567890123},{"name":"o","type":"oid","value":4000000000},{"name":"r","type":"real","value":3.3},{"name":"db","type":"double precision","value":4.44},{"name":"b","type":"boolean","value":true},{"name":"vc","type":"character varying(10)","value":"žš"},{"name":"vcv","type":"character varying","value":"bb"},{"name":"ch","type":"character(4)","value":"cd  "},{"name":"c","type":"char","value":"x"},{"name":"t","type":"text","value":"some \"text\"\\ with\nnewline"},{"name":"nm","type":"name","value":"nm"},{"name":"ct","type":"citext","value":"Hello World"},{"name":"j","type":"json","value":"{\"bar\": \"baz\"}"},{"name":"jb","type":"jsonb","value":"{\"bar\": \"baz\"}"},{"name":"x","type":"xml","value":"<foo>bar</foo>"},{"name":"u","type":"uuid","value":"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"},{"name":"lt","type":"ltree","value":"Top.Collections"},{"name":"hs","type":"hstore","value":"\"k2\"=>NULL, \"key\"=>\"val\""},{"name":"e","type":"mood","value":"happy"},{"name":"ba","type":"bytea","value":"010203"},{"name":"bol","type":"bit(1)","value":"0"},{"name":"bs","type":"bit(2)","value":"11"},{"name":"bs7","type":"bit(7)","value":"1000000"},{"name":"bv","type":"bit varying(2)","value":"00"},{"name":"bvu","type":"bit varying","value":"101"},{"name":"d","type":"numeric(3,2)","value":1.10},{"name":"dzs","type":"numeric(4,0)","value":10},{"name":"dvs","type":"numeric","value":10.1111},{"name":"n","type":"numeric(6,4)","value":22.2200},{"name":"nnan","type":"numeric","value":null},{"name":"m","type":"money","value":"$1,234.11"},{"name":"dt","type":"date","value":"2016-11-04"},{"name":"dtinf","type":"date","value":"infinity"},{"name":"ti","type":"time without time zone","value":"13:51:30"},{"name":"tip","type":"time(3) without time zone","value":"13:51:30.123"},{"name":"ti0","type":"time(0) without time zone","value":"13:51:30"},{"name":"tim","type":"time(6) without time zone","value":"13:51:30.123456"},{"name":"ttz","type":"time with time zone","value":"13:51:30.123789+02"},{"name":"ts","type":"timestamp without time zone","value":"2016-11-04 13:51:30.123456"},{"name":"ts3","type":"timestamp(3) without time zone","value":"2016-11-04 13:51:30.123"},{"name":"ts0","type":"timestamp(0) without time zone","value":"2016-11-04 13:51:30"},{"name":"tsinf","type":"timestamp without time zone","value":"infinity"},{"name":"tz","type":"timestamp with time zone","value":"2016-11-04 12:51:30.123456+01"},{"name":"tz3","type":"timestamp(3) with time zone","value":"2016-11-04 12:51:30.12+01"},{"name":"tz0","type":"timestamp(0) with time zone","value":"2016-11-04 12:51:30+01"},{"name":"tzinf","type":"timestamp with time zone","value":"-infinity"},{"name":"it","type":"interval","value":"1 year 2 mons 3 days 04:05:06.78"},{"name":"it2","type":"interval","value":"-1 days -02:00:00"},{"name":"ip","type":"inet","value":"192.168.2.0/12"},{"name":"ci","type":"cidr","value":"192.168.100.128/25"},{"name":"mac","type":"macaddr","value":"08:00:2b:01:02:03"},{"name":"mac8","type":"macaddr8","value":"08:00:2b:01:02:03:04:05"},{"name":"p","type":"point","value":"(1,1)"},{"name":"i4r","type":"int4range","value":"[1000,6000)"},{"name":"nr","type":"numrange","value":"[5.3,6.3)"},{"name":"tsr","type":"tsrange","value":"[\"2019-03-31 15:30:00\",infinity)"},{"name":"tstzr","type":"tstzrange","value":"[\"2017-06-05 13:29:12.549426+02\",)"},{"name":"dr","type":"daterange","value":"[2019-03-31,2019-04-30)"},{"name":"ia","type":"integer[]","value":"{1,2,3}"},{"name":"ta","type":"text[]","value":"{one,\"two, x\",\"th\\\"ree\",NULL}"},{"name":"da","type":"date[]","value":"{2016-11-04,2016-11-05}"},{"name":"na","type":"numeric[]","value":"{1.2,3.4}"},{"name":"ja","type":"jsonb[]","value":"{\"{\\\"bar\\\": \\\"baz\\\"}\"}"},{"name":"ua","type":"uuid[]","value":"{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}"},{"name":"ba2","type":"bytea[]","value":"{\"\\\\x0001\"}"},{"name":"tza","type":"timestamp with time zone[]","value":"{\"2017-06-05 13:29:12.549426+02\"}"},{"name":"ea","type":"mood[]","value":"{sad,happy}"},{"name":"ia2","type":"integer[]","value":"{{1,2},{3,4}}"},{"name":"tsv","type":"tsvector","value":"'direct':6 'insert':8 'test':4 'tsvector':7"},{"name":"vec","type":"vector(3)","value":"[1,2,3]"},{"name":"hv","type":"halfvec(3)","value":"[101,102.5,103]"},{"name":"sv","type":"sparsevec(3000)","value":"{1:201,9:209.5}/3000"}],"pk":[{"name":"pk","type":"integer"}]})wal2json";
constexpr std::string_view kUpdate = R"wal2json({"action":"U","xid":730,"timestamp":"2026-11-30 11:08:13.296491+01","schema":"public","table":"t","columns":[{"name":"pk","type":"integer","value":1},{"name":"si","type":"smallint","value":1},{"name":"i","type":"integer","value":123456},{"name":"bi","type":"bigint","value":1234567890123},{"name":"o","type":"oid","value":4000000000},{"name":"r","type":"real","value":3.3},{"name":"db","type":"double precision","value":4.44},{"name":"b","type":"boolean","value":true},{"name":"vc","type":"character varying(10)","value":"žš"},{"name":"vcv","type":"character varying","value":"bb"},{"name":"ch","type":"character(4)","value":"cd  "},{"name":"c","type":"char","value":"x"},{"name":"t","type":"text","value":"changed"},{"name":"nm","type":"name","value":"nm"},{"name":"ct","type":"citext","value":"Hello World"},{"name":"j","type":"json","value":"{\"bar\": \"baz\"}"},{"name":"jb","type":"jsonb","value":"{\"bar\": \"baz\"}"},{"name":"x","type":"xml","value":"<foo>bar</foo>"},{"name":"u","type":"uuid","value":"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"},{"name":"lt","type":"ltree","value":"Top.Collections"},{"name":"hs","type":"hstore","value":"\"k2\"=>NULL, \"key\"=>\"val\""},{"name":"e","type":"mood","value":"happy"},{"name":"ba","type":"bytea","value":"010203"},{"name":"bol","type":"bit(1)","value":"0"},{"name":"bs","type":"bit(2)","value":"11"},{"name":"bs7","type":"bit(7)","value":"1000000"},{"name":"bv","type":"bit varying(2)","value":"00"},{"name":"bvu","type":"bit varying","value":"101"},{"name":"d","type":"numeric(3,2)","value":1.10},{"name":"dzs","type":"numeric(4,0)","value":10},{"name":"dvs","type":"numeric","value":10.1111},{"name":"n","type":"numeric(6,4)","value":22.2200},{"name":"nnan","type":"numeric","value":null},{"name":"m","type":"money","value":"$1,234.11"},{"name":"dt","type":"date","value":"2016-11-04"},{"name":"dtinf","type":"date","value":"infinity"},{"name":"ti","type":"time without time zone","value":"13:51:30"},{"name":"tip","type":"time(3) without time zone","value":"13:51:30.123"},{"name":"ti0","type":"time(0) without time zone","value":"13:51:30"},{"name":"tim","type":"time(6) without time zone","value":"13:51:30.123456"},{"name":"ttz","type":"time with time zone","value":"13:51:30.123789+02"},{"name":"ts","type":"timestamp without time zone","value":"2016-11-04 13:51:30.123456"},{"name":"ts3","type":"timestamp(3) without time zone","value":"2016-11-04 13:51:30.123"},{"name":"ts0","type":"timestamp(0) without time zone","value":"2016-11-04 13:51:30"},{"name":"tsinf","type":"timestamp without time zone","value":"infinity"},{"name":"tz","type":"timestamp with time zone","value":"2016-11-04 12:51:30.123456+01"},{"name":"tz3","type":"timestamp(3) with time zone","value":"2016-11-04 12:51:30.12+01"},{"name":"tz0","type":"timestamp(0) with time zone","value":"2016-11-04 12:51:30+01"},{"name":"tzinf","type":"timestamp with time zone","value":"-infinity"},{"name":"it","type":"interval","value":"1 year 2 mons 3 days 04:05:06.78"},{"name":"it2","type":"interval","value":"-1 days -02:00:00"},{"name":"ip","type":"inet","value":"192.168.2.0/12"},{"name":"ci","type":"cidr","value":"192.168.100.128/25"},{"name":"mac","type":"macaddr","value":"08:00:2b:01:02:03"},{"name":"mac8","type":"macaddr8","value":"08:00:2b:01:02:03:04:05"},{"name":"p","type":"point","value":"(1,1)"},{"name":"i4r","type":"int4range","value":"[1000,6000)"},{"name":"nr","type":"numrange","value":"[5.3,6.3)"},{"name":"tsr","type":"tsrange","value":"[\"2019-03-31 15:30:00\",infinity)"},{"name":"tstzr","type":"tstzrange","value":"[\"2017-06-05 13:29:12.549426+02\",)"},{"name":"dr","type":"daterange","value":"[2019-03-31,2019-04-30)"},{"name":"ia","type":"integer[]","value":"{1,2,3}"},{"name":"ta","type":"text[]","value":"{one,\"two, x\",\"th\\\"ree\",NULL}"},{"name":"da","type":"date[]","value":"{2016-11-04,2016-11-05}"},{"name":"na","type":"numeric[]","value":"{1.2,3.4}"},{"name":"ja","type":"jsonb[]","value":"{\"{\\\"bar\\\": \\\"baz\\\"}\"}"},{"name":"ua","type":"uuid[]","value":"{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}"},{"name":"ba2","type":"bytea[]","value":"{\"\\\\x0001\"}"},{"name":"tza","type":"timestamp with time zone[]","value":"{\"2017-06-05 13:29:12.549426+02\"}"},{"name":"ea","type":"mood[]","value":"{sad,happy}"},{"name":"ia2","type":"integer[]","value":"{{1,2},{3,4}}"},{"name":"tsv","type":"tsvector","value":"'direct':6 'insert':8 'test':4 'tsvector':7"},{"name":"vec","type":"vector(3)","value":"[1,2,3]"},{"name":"hv","type":"halfvec(3)","value":"[101,102.5,103]"},{"name":"sv","type":"sparsevec(3000)","value":"{1:201,9:209.5}/3000"}],"identity":[{"name":"pk","type":"integer","value":1}],"pk":[{"name":"pk","type":"integer"}]})wal2json";
constexpr std::string_view kDelete = R"wal2json({"action":"D","xid":731,"timestamp":"2026-11-30 11:08:13.3041+01","schema":"public","table":"t","identity":[{"name":"pk","type":"integer","value":1}],"pk":[{"name":"pk","type":"integer"}]})wal2json";
constexpr std::string_view kMessage = R"wal2json({"action":"M","xid":732,"timestamp":"2026-11-30 11:08:13.304449+01","transactional":true,"prefix":"foo","content":"bar"})wal2json";
constexpr std::string_view kCommit = R"wal2json({"action":"C","xid":729,"timestamp":"2026-11-30 11:08:13.291342+01"})wal2json";

struct Golden {
  const char* column;
  const char* payload;    // the value Debezium's JsonConverter writes
  const char* reference;  // where Debezium's tests or documentation show it
};

const Golden kGolden[] = {
    {"si", R"g(1)g", "AbstractRecordsProducerTest numeric_table si smallint 1 -> INT16 1"},
    {"i", R"g(123456)g", "numeric_table i 123456 -> INT32"},
    {"bi", R"g(1234567890123)g", "numeric_table bi -> INT64"},
    {"o", R"g(4000000000)g", "numeric_table o oid 4000000000 -> INT64"},
    {"r", R"g(3.3)g", "numeric_table r real 3.3 -> FLOAT32 3.3f"},
    {"db", R"g(4.44)g", "numeric_table db double 4.44 -> FLOAT64 4.44d"},
    {"b", R"g(true)g", "numeric_table b boolean true"},
    {"vc", R"g("žš")g", "string_table vc varchar 'žš'"},
    {"vcv", R"g("bb")g", "string_table vcv"},
    {"ch", R"g("cd  ")g", "character(4): PostgreSQL pads to the length"},
    {"c", R"g("x")g", "\"char\" as STRING"},
    {"t", R"g("some \"text\"\\ with\nnewline")g", "text"},
    {"nm", R"g("nm")g", "name as STRING"},
    {"ct", R"g("Hello World")g", "string_table ct citext 'Hello World'"},
    {"j", R"g("{\"bar\": \"baz\"}")g", "text_table j json -> io.debezium.data.Json"},
    {"jb", R"g("{\"bar\": \"baz\"}")g", "text_table jb jsonb -> io.debezium.data.Json"},
    {"x", R"g("<foo>bar</foo>")g", "text_table x xml -> io.debezium.data.Xml"},
    {"u", R"g("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")g", "text_table u uuid -> io.debezium.data.Uuid"},
    {"lt", R"g("Top.Collections")g", "custom_table lt ltree -> io.debezium.data.Ltree"},
    {"e", R"g("happy")g", "PostgresEnumIT: enum value as STRING"},
    {"ba", R"g("AQID")g", "bytea E'\\\\001\\\\002\\\\003' -> bytes {1,2,3}, base64 AQID (schemaAndValueForByteaBase64)"},
    {"bol", R"g(false)g", "bitbin_table bol bit(1) '0' -> BOOLEAN false"},
    {"bs", R"g("Aw==")g", "bitbin_table bs bit(2) '11' -> Bits {3}"},
    {"bs7", R"g("QA==")g", "bitbin_table bs7 bit(7) -> Bits {64}"},
    {"bv", R"g("")g", "bitbin_table bv '00' -> Bits {}"},
    {"bvu", R"g("BQ==")g", "bitbin_table bvunlimited1 varbit '101' -> Bits {5}"},
    {"d", R"g("bg==")g", "numeric_decimal_table d numeric(3,2) 1.1 -> Decimal 1.10 (unscaled 110)"},
    {"dzs", R"g("Cg==")g", "numeric_decimal_table dzs numeric(4,0) 10 -> Decimal 10"},
    {"dvs", R"g({"scale":4,"value":"AYr3"})g", "numeric_decimal_table dvs numeric 10.1111 -> VariableScaleDecimal scale 4"},
    {"n", R"g("A2P4")g", "numeric_decimal_table n numeric(6,4) 22.22 -> Decimal 22.2200"},
    {"nnan", R"g(null)g", "numeric 'NaN': wal2json writes null"},
    {"m", R"g("AeIT")g", "cash_table csh money '$1234.11' -> Decimal 1234.11"},
    {"dt", R"g(17109)g", "time_table date '2016-11-04' -> io.debezium.time.Date 17109"},
    {"dtinf", R"g(null)g", "date 'infinity': no Debezium reference, null"},
    {"ti", R"g(49890000000)g", "time_table ti time '13:51:30' -> MicroTime"},
    {"tip", R"g(49890123)g", "time_table tip time '13:51:30.123' (time(3)) -> io.debezium.time.Time millis"},
    {"ti0", R"g(49890000)g", "time(0) -> io.debezium.time.Time millis"},
    {"tim", R"g(49890123456)g", "time(6) -> MicroTime"},
    {"ttz", R"g("11:51:30.123789Z")g", "time_table ttz timetz '13:51:30.123789+02:00' -> ZonedTime '11:51:30.123789Z'"},
    {"ts", R"g(1478267490123456)g", "time_table ts '2016-11-04T13:51:30.123456' -> MicroTimestamp"},
    {"ts3", R"g(1478267490123)g", "time_table ts_ms timestamp(3) -> io.debezium.time.Timestamp millis"},
    {"ts0", R"g(1478267490000)g", "timestamp(0) -> io.debezium.time.Timestamp millis"},
    {"tsinf", R"g(9223372036825200000)g", "time_table ts_pinf 'infinity' -> PgStatement.DATE_POSITIVE_INFINITY"},
    {"tz", R"g("2016-11-04T11:51:30.123456Z")g", "time_table tz '2016-11-04T13:51:30.123456+02:00' -> ZonedTimestamp '2016-11-04T11:51:30.123456Z'"},
    {"tz3", R"g("2016-11-04T11:51:30.120Z")g", "timestamptz(3): fraction as wide as the precision (ZonedTimestamp fractionalWidth)"},
    {"tz0", R"g("2016-11-04T11:51:30Z")g", "timestamptz(0): no fraction"},
    {"tzinf", R"g("-infinity")g", "timestamptz '-infinity' as its text"},
    {"it", R"g(37091106780000)g", "time_table it 'P1Y2M3DT4H5M6.78S' -> MicroDuration durationMicros(1,2,3,4,5,6,780000)"},
    {"it2", R"g(-93600000000)g", "interval '-1 day -02:00:00'"},
    {"ip", R"g("192.168.2.0/12")g", "network_address_table i inet"},
    {"ci", R"g("192.168.100.128/25")g", "cidr_network_address_table i cidr"},
    {"mac", R"g("08:00:2b:01:02:03")g", "macaddr_table m"},
    {"mac8", R"g("08:00:2b:01:02:03:04:05")g", "macaddr8_table m"},
    {"p", R"g({"x":1.0,"y":1.0,"wkb":"AQEAAAAAAAAAAADwPwAAAAAAAPA/","srid":null})g", "geom_table p point '(1,1)' -> io.debezium.data.geometry.Point"},
    {"i4r", R"g("[1000,6000)")g", "range_table int4_number_range"},
    {"nr", R"g("[5.3,6.3)")g", "range_table numerange"},
    {"tsr", R"g("[\"2019-03-31 15:30:00\",infinity)")g", "range_table unbounded_exclusive_tsrange"},
    {"tstzr", R"g("[\"2017-06-05 13:29:12.549426+02\",)")g", "range_table tstzrange: in the server's time zone"},
    {"dr", R"g("[2019-03-31,2019-04-30)")g", "range_table bounded_exclusive_daterange"},
    {"ia", R"g([1,2,3])g", "array_table int_array '{1,2,3}'"},
    {"ta", R"g(["one","two, x","th\"ree",null])g", "array_table text_array"},
    {"da", R"g([17109,17110])g", "array_table date_array -> Date elements"},
    {"na", R"g([{"scale":1,"value":"DA=="},{"scale":1,"value":"Ig=="}])g", "array_table numeric_array: VariableScaleDecimal elements"},
    {"ja", R"g(["{\"bar\": \"baz\"}"])g", "array_table jsonb_array"},
    {"ua", R"g(["a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"])g", "array_table uuid_array"},
    {"ba2", R"g(["AAE="])g", "bytea_binmode_table bytea_array -> bytes elements"},
    {"tza", R"g(["2017-06-05T11:29:12.549426Z"])g", "timestamptz[]: ZonedTimestamp elements"},
    {"ea", R"g(["sad","happy"])g", "enum[] as strings"},
    {"ia2", R"g([[1,2],[3,4]])g", "integer[][]: nested arrays"},
    {"tsv", R"g("'direct':6 'insert':8 'test':4 'tsvector':7")g", "TsVectorDataTypeIT search_vector: its text"},
    {"vec", R"g([1.0,2.0,3.0])g", "VectorDatabaseIT f_vector '[1,2,3]' -> DoubleVector List.of(1.0, 2.0, 3.0)"},
    {"hv", R"g([101.0,102.5,103.0])g", "VectorDatabaseIT f_halfvec '[101,102,103]' -> FloatVector floats"},
    {"sv", R"g({"dimensions":3000,"vector":[[1,201.0],[9,209.5]]})g",
     "VectorDatabaseIT f_sparsevec '{1: 201, 9: 209}/3000' -> SparseDoubleVector, its map as JsonConverter's pairs"},
};

}  // namespace

TEST_CASE("debezium: every mapped type's value matches Debezium's for the same SQL", "[debezium][types]") {
  dbz::EventWriter writer(debezium_settings(), &fixed_now_ns);
  const auto change = change_from_wal2json(kInsert, 0x15DCA28);
  const auto records = writer.write(*change);
  REQUIRE(records.size() == 1);
  const Json value(records[0].value);
  for (const Golden& g : kGolden) {
    INFO(g.column << ": " << g.reference);
    CHECK(value.at(std::string("/after/") + g.column) == minified(g.payload));
  }
  // Every column of the row has a golden value.
  CHECK(value.at("/after/pk") == "1");
  CHECK(change->columns().size() == std::size(kGolden) + 2);  // + pk, + hs (below)
  // hstore as JSON text (hstore.handling.mode=json); Debezium's order is a HashMap's, so compare the object.
  CHECK(Json(R"({"v":)" + value.at("/after/hs") + "}").at("/v") == R"("{\"k2\":null,\"key\":\"val\"}")");
}

TEST_CASE("debezium: numeric NaN and infinities as Debezium writes them in each decimal_handling_mode", "[debezium][types]") {
  // wal2json writes a numeric or float column's NaN and ±Infinity as null (as JSON has none); the
  // host says which it was (sdk::SpecialNumbers) when it knows, and an array's text still holds
  // them. AbstractRecordsProducerTest: string mode "NAN", "POSITIVE_INFINITY", "NEGATIVE_INFINITY"
  // (SpecialValueDecimal's names); double mode NaN.
  using popyka::sdk::SpecialNumber;
  const std::string row_json =
      R"({"action":"I","xid":1,"schema":"public","table":"n","columns":[{"name":"id","type":"integer","value":1},)"
      R"({"name":"nan","type":"numeric","value":null},{"name":"na","type":"numeric[]","value":"{1.5,NaN,Infinity,-Infinity}"},)"
      R"j({"name":"pinf","type":"numeric(10,2)","value":null},{"name":"ninf","type":"numeric","value":null},)j"
      R"({"name":"fnan","type":"double precision","value":null},{"name":"finf","type":"real","value":null},)"
      R"({"name":"none","type":"numeric","value":null}],"pk":[{"name":"id","type":"integer"}]})";
  const auto wal2json = change_from_wal2json(row_json);  // the stream says nothing more: null
  const auto told = change_from_wal2json(row_json);
  told->details().column_specials = {SpecialNumber::none, SpecialNumber::nan, SpecialNumber::none, SpecialNumber::infinity,
                                     SpecialNumber::negative_infinity, SpecialNumber::nan, SpecialNumber::infinity,
                                     SpecialNumber::none};
  struct Expected {
    dbz::DecimalMode mode;
    const char* array;
    const char *nan, *pinf, *ninf;
  };
  const Expected expected[] = {
      {dbz::DecimalMode::String, R"(["1.5","NAN","POSITIVE_INFINITY","NEGATIVE_INFINITY"])", R"("NAN")",
       R"("POSITIVE_INFINITY")", R"("NEGATIVE_INFINITY")"},
      {dbz::DecimalMode::Double, R"([1.5,"NaN","Infinity","-Infinity"])", R"("NaN")", R"("Infinity")", R"("-Infinity")"},
      {dbz::DecimalMode::Precise, R"([{"scale":1,"value":"Dw=="},null,null,null])", "null", "null", "null"},
  };
  for (const Expected& e : expected) {
    auto settings = debezium_settings();
    settings.decimal_mode = e.mode;
    dbz::EventWriter writer(settings, &fixed_now_ns);
    const Json value(writer.write(*told)[0].value);
    CHECK(value.at("/after/na") == minified(e.array));
    CHECK(value.at("/after/nan") == e.nan);
    CHECK(value.at("/after/pinf") == e.pinf);
    CHECK(value.at("/after/ninf") == e.ninf);
    CHECK(value.at("/after/fnan") == R"("NaN")");  // floats as in an array, in every mode
    CHECK(value.at("/after/finf") == R"("Infinity")");
    CHECK(value.at("/after/none") == "null");  // a SQL NULL
    const Json unknown(writer.write(*wal2json)[0].value);
    CHECK(unknown.at("/after/nan") == "null");
    CHECK(unknown.at("/after/fnan") == "null");
  }
}

TEST_CASE("debezium: an unconstrained numeric is a VariableScaleDecimal without the fraction's trailing zeros", "[debezium][types]") {
  // PostgresValueConverter.convertDecimal (precise mode, no typmod): stripTrailingZeros(), then a
  // negative scale set to 0; so 1500.00 is 1500 scale 0 (not 1.5E+3), 1.50 is 15 scale 1.
  const auto row = change_from_wal2json(
      R"({"action":"I","xid":1,"schema":"public","table":"n","columns":[{"name":"id","type":"integer","value":1},)"
      R"({"name":"a","type":"numeric","value":1500.00},{"name":"b","type":"numeric","value":1.50},)"
      R"({"name":"c","type":"numeric","value":0.00},{"name":"d","type":"numeric","value":-1.50},)"
      R"j({"name":"e","type":"numeric","value":100},{"name":"f","type":"numeric(6,2)","value":1500.00},)j"
      R"({"name":"g","type":"numeric[]","value":"{1500.00,1.50}"}],"pk":[{"name":"id","type":"integer"}]})");
  dbz::EventWriter writer(debezium_settings(), &fixed_now_ns);
  const Json value(writer.write(*row)[0].value);
  CHECK(value.at("/after/a") == R"({"scale":0,"value":"Bdw="})");  // 1500
  CHECK(value.at("/after/b") == R"({"scale":1,"value":"Dw=="})");  // 15
  CHECK(value.at("/after/c") == R"({"scale":0,"value":"AA=="})");  // 0
  CHECK(value.at("/after/d") == R"({"scale":1,"value":"8Q=="})");  // -15
  CHECK(value.at("/after/e") == R"({"scale":0,"value":"ZA=="})");  // 100: stays scale 0
  CHECK(value.at("/after/f") == R"("Aknw")");                      // numeric(6,2): Decimal scale 2, 150000
  CHECK(value.at("/after/g") == minified(R"([{"scale":0,"value":"Bdw="},{"scale":1,"value":"Dw=="}])"));
}

TEST_CASE("debezium: create, update, delete, tombstone and message as Debezium's documentation shows them",
          "[debezium][envelope]") {
  auto settings = debezium_settings();
  settings.messages = dbz::MessagePrefixFilter::from(config_of({{"message_prefix_include_list", "foo"}}));
  dbz::EventWriter writer(settings, &fixed_now_ns);
  const auto commit = change_from_wal2json(kCommit, 22923776);
  CHECK(writer.write(*commit).empty());  // B and C make no event; C's LSN is the sequence's first

  const auto insert = change_from_wal2json(kInsert, 22923816);
  auto records = writer.write(*insert);
  REQUIRE(records.size() == 1);
  REQUIRE(records[0].has_key);
  CHECK(records[0].key == R"({"pk":1})");
  const Json created(records[0].value);
  CHECK(created.at("/before") == "null");
  CHECK(created.at("/op") == R"("c")");
  // When popyka wrote it, in ms, µs and ns (Debezium 2.6 on).
  CHECK(created.at("/ts_ms") == "1700000000000");
  CHECK(created.at("/ts_us") == "1700000000000123");
  CHECK(created.at("/ts_ns") == "1700000000000123456");
  CHECK(created.at("/transaction") == "null");
  // source: ts_ms/us/ns are the commit time (2026-11-30 11:08:13.291342+01, wal2json's
  // microseconds), lsn and txId the change's, sequence the last commit's LSN and this one's, as
  // strings in a JSON array in a string. Members in the Source schema's order.
  CHECK(created.at("/source") ==
        minified(R"({"version":"popyka-)" POPYKA_VERSION_STRING R"(","connector":"postgresql","name":"dbserver1","ts_ms":1796033293291,)"
                 R"("snapshot":"false","db":"inventory","sequence":"[\"22923776\",\"22923816\"]",)"
                 R"("ts_us":1796033293291342,"ts_ns":1796033293291342000,"schema":"public",)"
                 R"("table":"t","txId":729,"lsn":22923816,"xmin":null})"));
  const std::string_view members[] = {"before", "after", "source", "op", "ts_ms", "ts_us", "ts_ns", "transaction"};
  std::size_t at = 0;
  for (const std::string_view m : members) {  // JsonConverter writes a struct's fields in schema order
    const auto found = records[0].value.find("\"" + std::string(m) + "\":", at);
    CHECK(found != std::string::npos);
    at = found;
  }

  // UPDATE under REPLICA IDENTITY DEFAULT: before holds the key (the identity), the rest null.
  const auto update = change_from_wal2json(kUpdate, 22923900);
  records = writer.write(*update);
  REQUIRE(records.size() == 1);
  CHECK(records[0].key == R"({"pk":1})");
  const Json updated(records[0].value);
  CHECK(updated.at("/op") == R"("u")");
  CHECK(updated.at("/before/pk") == "1");
  CHECK(updated.at("/before/t") == "null");
  CHECK(updated.at("/after/t") == R"("changed")");
  CHECK(updated.at("/source/txId") == "730");

  // DELETE: before is the identity within the table's columns, after null; then a tombstone.
  const auto del = change_from_wal2json(kDelete, 22924000);
  records = writer.write(*del);
  REQUIRE(records.size() == 2);
  const Json deleted(records[0].value);
  CHECK(records[0].key == R"({"pk":1})");
  CHECK(deleted.at("/op") == R"("d")");
  CHECK(deleted.at("/before/pk") == "1");
  CHECK(deleted.at("/before/si") == "null");
  CHECK(deleted.at("/after") == "null");
  CHECK(records[1].has_key);
  CHECK(records[1].key == records[0].key);
  CHECK_FALSE(records[1].has_value);

  // A logical decoding message: op m, key {prefix}, content base64 ("bar" -> "YmFy").
  const auto message = change_from_wal2json(kMessage, 22924100);
  records = writer.write(*message);
  REQUIRE(records.size() == 1);
  CHECK(records[0].key == R"({"prefix":"foo"})");
  const Json m(records[0].value);
  CHECK(m.at("/op") == R"("m")");
  CHECK(m.at("/message") == minified(R"({"prefix":"foo","content":"YmFy"})"));
  CHECK(m.at("/source/schema") == R"("")");
  CHECK(m.at("/source/table") == R"("")");
  CHECK(m.at("/source/txId") == "732");
  CHECK(m.at("/source/ts_us") == "1796033293304449");
  CHECK_FALSE(m.has("/before"));
  CHECK_FALSE(m.has("/ts_us"));  // Debezium's message value has ts_ms only
  CHECK(m.at("/transaction") == "null");  // Debezium 3.0 on: after source, null without transaction metadata
  const std::string_view message_members[] = {"op", "ts_ms", "source", "transaction", "message"};
  std::size_t from = 0;
  for (const std::string_view member : message_members) {
    const auto found = records[0].value.find("\"" + std::string(member) + "\":", from);
    CHECK(found != std::string::npos);
    from = found;
  }
}

TEST_CASE("debezium: snapshot rows are op r, source.snapshot first for the first and true after it", "[debezium][envelope]") {
  // RelationalSnapshotChangeEventSource.setSnapshotMarker: the snapshot's first row is `first`.
  // The host makes R rows at the slot's consistent point, without xid or timestamp.
  dbz::EventWriter writer(debezium_settings(), &fixed_now_ns);
  const char* expected[] = {"first", "true", "true"};
  for (int id = 1; id <= 3; ++id) {
    const auto row = change_from_wal2json(
        R"({"action":"R","schema":"public","table":"s","columns":[{"name":"id","type":"integer","value":)" + std::to_string(id) +
            R"(}],"pk":[{"name":"id","type":"integer"}]})",
        22923776);
    const Json value(writer.write(*row)[0].value);
    CHECK(value.at("/op") == R"("r")");
    CHECK(value.at("/source/snapshot") == "\"" + std::string(expected[id - 1]) + "\"");
    CHECK(value.at("/source/ts_ms") == "1700000000000");  // no commit time: when it was read
    CHECK(value.at("/source/txId") == "null");
    CHECK(value.at("/source/lsn") == "22923776");
  }
  const auto insert = change_from_wal2json(kInsert, 22923816);
  CHECK(Json(writer.write(*insert)[0].value).at("/source/snapshot") == R"("false")");
}

TEST_CASE("debezium: with the host's details, snapshot rows are first, true, last, first and last in data collection, "
          "incremental, with the snapshot's txId",
          "[debezium][envelope]") {
  // RelationalSnapshotChangeEventSource.setSnapshotMarker: `last` for the snapshot's last row
  // (over `first` for a one-row snapshot); SnapshotRecord.INCREMENTAL for an incremental
  // snapshot's rows. PostgresOffsetContext: the snapshot transaction's txid_current() as txId.
  using P = sdk::SnapshotPosition;
  dbz::EventWriter writer(debezium_settings(), &fixed_now_ns);
  const std::tuple<sdk::SnapshotOrigin, P, const char*> rows[] = {
      {sdk::SnapshotOrigin::initial, P::first, "first"},        {sdk::SnapshotOrigin::initial, P::middle, "true"},
      {sdk::SnapshotOrigin::initial, P::last, "last"},
      {sdk::SnapshotOrigin::initial, P::first_in_table, "first_in_data_collection"},
      {sdk::SnapshotOrigin::initial, P::last_in_table, "last_in_data_collection"},
      {sdk::SnapshotOrigin::incremental, P::none, "incremental"},
      {sdk::SnapshotOrigin::incremental, P::middle, "incremental"},
  };
  for (const auto& [origin, position, marker] : rows) {
    const auto row = change_from_wal2json(
        R"({"action":"R","schema":"public","table":"s","columns":[{"name":"id","type":"integer","value":1}],)"
        R"("pk":[{"name":"id","type":"integer"}]})",
        22923776);
    row->details().snapshot_origin = origin;
    row->details().snapshot_position = position;
    row->details().snapshot_xid = "4294967300";  // txid_current() has the epoch: wider than 32 bits
    const Json value(writer.write(*row)[0].value);
    CHECK(value.at("/source/snapshot") == "\"" + std::string(marker) + "\"");
    CHECK(value.at("/source/txId") == "4294967300");
  }
}

TEST_CASE("debezium: schemas: true, a NOT NULL column is required and an enum is io.debezium.data.Enum with its labels",
          "[debezium][schemas]") {
  // PostgresValueConverter: an enum column's schema is Enum.builder(its labels in their order),
  // an enum array's SchemaBuilder.array(Enum.builder(...)) (RecordsStreamProducerIT
  // shouldStreamEnumArrayAsKnownType: items not optional, values the labels' strings);
  // Column.isOptional(): a NOT NULL column is not optional.
  auto settings = debezium_settings();
  settings.schemas = true;
  dbz::EventWriter writer(settings, &fixed_now_ns);
  const auto row = change_from_wal2json(
      R"({"action":"I","xid":7,"schema":"public","table":"e","columns":[{"name":"id","type":"integer","value":1},)"
      R"({"name":"name","type":"text","value":"a"},{"name":"mood","type":"mood","value":"happy"},)"
      R"({"name":"m2","type":"mood","value":null},{"name":"ma","type":"mood[]","value":"{sad,happy}"},)"
      R"({"name":"ma2","type":"mood[]","value":"{ok}"}],"pk":[{"name":"id","type":"integer"}]})");
  row->details().column_details = {{true, {}},           {true, {}},           {true, "sad,ok,happy"},
                                   {false, "sad,ok,happy"}, {false, "sad,ok,happy"}, {true, "sad,ok,happy"}};
  const Json value(writer.write(*row)[0].value);
  CHECK(value.at("/schema/fields/1/fields/0") == R"({"type":"int32","optional":false,"field":"id"})");
  CHECK(value.at("/schema/fields/1/fields/1") == R"({"type":"string","optional":false,"field":"name"})");
  CHECK(value.at("/schema/fields/1/fields/2") ==
        minified(R"({"type":"string","optional":false,"name":"io.debezium.data.Enum","version":1,)"
                 R"("parameters":{"allowed":"sad,ok,happy"},"field":"mood"})"));
  CHECK(value.at("/schema/fields/1/fields/3") ==
        minified(R"({"type":"string","optional":true,"name":"io.debezium.data.Enum","version":1,)"
                 R"("parameters":{"allowed":"sad,ok,happy"},"field":"m2"})"));
  CHECK(value.at("/payload/after/mood") == R"("happy")");
  CHECK(value.at("/schema/fields/1/fields/4") ==
        minified(R"({"type":"array","items":{"type":"string","optional":false,"name":"io.debezium.data.Enum","version":1,)"
                 R"("parameters":{"allowed":"sad,ok,happy"}},"optional":true,"field":"ma"})"));
  CHECK(value.at("/schema/fields/1/fields/5") ==
        minified(R"({"type":"array","items":{"type":"string","optional":false,"name":"io.debezium.data.Enum","version":1,)"
                 R"("parameters":{"allowed":"sad,ok,happy"}},"optional":false,"field":"ma2"})"));
  CHECK(value.at("/payload/after/ma") == R"(["sad","happy"])");

  // An enum in the primary key: the key's schema is the Enum too.
  const auto keyed = change_from_wal2json(
      R"({"action":"I","xid":9,"schema":"public","table":"ek","columns":[{"name":"mood","type":"mood","value":"ok"}],)"
      R"("pk":[{"name":"mood","type":"mood"}]})");
  keyed->details().column_details = {{true, "sad,ok,happy"}};
  CHECK(Json(writer.write(*keyed)[0].key).at("/schema/fields/0") ==
        minified(R"({"type":"string","optional":false,"name":"io.debezium.data.Enum","version":1,)"
                 R"("parameters":{"allowed":"sad,ok,happy"},"field":"mood"})"));

  // A column made nullable since: the next complete row's details change the schema.
  const auto later = change_from_wal2json(
      R"({"action":"I","xid":8,"schema":"public","table":"e","columns":[{"name":"id","type":"integer","value":2},)"
      R"({"name":"name","type":"text","value":null},{"name":"mood","type":"mood","value":"ok"},)"
      R"({"name":"m2","type":"mood","value":null},{"name":"ma","type":"mood[]","value":null},)"
      R"({"name":"ma2","type":"mood[]","value":"{}"}],"pk":[{"name":"id","type":"integer"}]})");
  later->details().column_details = {{true, {}},           {false, {}},          {true, "sad,ok,happy"},
                                     {false, "sad,ok,happy"}, {false, "sad,ok,happy"}, {true, "sad,ok,happy"}};
  CHECK(Json(writer.write(*later)[0].value).at("/schema/fields/1/fields/1") == R"({"type":"string","optional":true,"field":"name"})");
}

TEST_CASE("debezium: debezium_version 2.5 writes the envelope of Debezium 2.0 to 2.5, without ts_us and ts_ns",
          "[debezium][envelope]") {
  auto settings = debezium_settings();
  settings.release = {2, 5};
  settings.schemas = true;
  dbz::EventWriter writer(settings, &fixed_now_ns);
  const auto insert = change_from_wal2json(kInsert, 22923816);
  const Json value(writer.write(*insert)[0].value);
  CHECK(value.at("/payload/ts_ms") == "1700000000000");
  CHECK_FALSE(value.has("/payload/ts_us"));
  CHECK_FALSE(value.has("/payload/ts_ns"));
  CHECK(value.at("/payload/source/ts_ms") == "1796033293291");
  CHECK_FALSE(value.has("/payload/source/ts_us"));
  CHECK_FALSE(value.has("/payload/source/ts_ns"));
  // Envelope version 1, fields before, after, source, op, ts_ms, transaction; Source unversioned.
  CHECK(value.at("/schema/version") == "1");
  CHECK(value.at("/schema/fields/4") == R"({"type":"int64","optional":true,"field":"ts_ms"})");
  CHECK(value.at("/schema/fields/5/field") == R"("transaction")");
  CHECK_FALSE(value.has("/schema/fields/2/version"));
  CHECK(value.at("/schema/fields/2/fields/4/parameters/allowed") == R"("true,last,false,incremental")");
  CHECK(value.at("/schema/fields/2/fields/7/field") == R"("schema")");
}

TEST_CASE("debezium: schemas: true wraps key and value in JsonConverter's schema and payload", "[debezium][schemas]") {
  auto settings = debezium_settings();
  settings.schemas = true;
  settings.messages = dbz::MessagePrefixFilter::from(config_of({{"message_prefix_exclude_list", "bar"}}));
  dbz::EventWriter writer(settings, &fixed_now_ns);
  const auto insert = change_from_wal2json(kInsert, 22923816);
  const auto records = writer.write(*insert);
  REQUIRE(records.size() == 1);
  const Json key(records[0].key);
  CHECK(key.at("/schema") == minified(R"({"type":"struct","fields":[{"type":"int32","optional":false,"field":"pk"}],)"
                                      R"("optional":false,"name":"dbserver1.public.t.Key"})"));
  CHECK(key.at("/payload") == R"({"pk":1})");
  const Json value(records[0].value);
  CHECK(value.at("/schema/name") == R"("dbserver1.public.t.Envelope")");
  CHECK(value.at("/schema/fields/0/field") == R"("before")");
  CHECK(value.at("/schema/fields/1/field") == R"("after")");
  CHECK(value.at("/schema/fields/1/name") == R"("dbserver1.public.t.Value")");
  CHECK(value.at("/schema/version") == "2");  // Debezium 2.6 on
  CHECK(value.at("/schema/fields/2/name") == R"("io.debezium.connector.postgresql.Source")");
  CHECK(value.at("/schema/fields/2/version") == "1");  // Debezium 3.1 on
  CHECK(value.at("/schema/fields/2/fields/4/parameters/allowed") ==
        R"("true,first,first_in_data_collection,last_in_data_collection,last,false,incremental")");
  CHECK(value.at("/schema/fields/2/fields/7") == R"({"type":"int64","optional":true,"field":"ts_us"})");
  CHECK(value.at("/schema/fields/2/fields/8") == R"({"type":"int64","optional":true,"field":"ts_ns"})");
  CHECK(value.at("/schema/fields/3") == R"({"type":"string","optional":false,"field":"op"})");
  CHECK(value.at("/schema/fields/4") == R"({"type":"int64","optional":true,"field":"ts_ms"})");
  CHECK(value.at("/schema/fields/5") == R"({"type":"int64","optional":true,"field":"ts_us"})");
  CHECK(value.at("/schema/fields/6") == R"({"type":"int64","optional":true,"field":"ts_ns"})");
  CHECK(value.at("/schema/fields/7/name") == R"("event.block")");
  // Per column, in the table's order: semantic types with Debezium's names and parameters.
  const std::pair<const char*, const char*> fields[] = {
      {"0", R"({"type":"int32","optional":false,"field":"pk"})"},
      {"4", R"({"type":"int64","optional":true,"field":"o"})"},
      {"5", R"({"type":"float","optional":true,"field":"r"})"},
      {"15", R"({"type":"string","optional":true,"name":"io.debezium.data.Json","version":1,"field":"j"})"},
      {"22", R"({"type":"bytes","optional":true,"field":"ba"})"},
      {"24", R"({"type":"bytes","optional":true,"name":"io.debezium.data.Bits","version":1,"parameters":{"length":"2"},"field":"bs"})"},
      {"28", R"({"type":"bytes","optional":true,"name":"org.apache.kafka.connect.data.Decimal","version":1,)"
             R"("parameters":{"scale":"2","connect.decimal.precision":"3"},"field":"d"})"},
      {"30", R"({"type":"struct","fields":[{"type":"int32","optional":false,"field":"scale"},{"type":"bytes","optional":false,"field":"value"}],)"
             R"("optional":true,"name":"io.debezium.data.VariableScaleDecimal","version":1,"doc":"Variable scaled decimal","field":"dvs"})"},
      {"34", R"({"type":"int32","optional":true,"name":"io.debezium.time.Date","version":1,"field":"dt"})"},
      {"37", R"({"type":"int32","optional":true,"name":"io.debezium.time.Time","version":1,"field":"tip"})"},
      {"41", R"({"type":"int64","optional":true,"name":"io.debezium.time.MicroTimestamp","version":1,"field":"ts"})"},
      {"45", R"({"type":"string","optional":true,"name":"io.debezium.time.ZonedTimestamp","version":1,"field":"tz"})"},
      {"49", R"({"type":"int64","optional":true,"name":"io.debezium.time.MicroDuration","version":1,"field":"it"})"},
      {"61", R"({"type":"array","items":{"type":"int32","optional":true},"optional":true,"field":"ia"})"},
      // TsVector (Debezium 3.3 on), DoubleVector, FloatVector, SparseDoubleVector (3.0 on): SchemaFactory
      {"71", R"({"type":"string","optional":true,"name":"io.debezium.data.Tsvector","version":1,"field":"tsv"})"},
      {"72", R"({"type":"array","items":{"type":"double","optional":false},"optional":true,)"
             R"("name":"io.debezium.data.DoubleVector","version":1,"field":"vec"})"},
      {"73", R"({"type":"array","items":{"type":"float","optional":false},"optional":true,)"
             R"("name":"io.debezium.data.FloatVector","version":1,"field":"hv"})"},
      {"74", R"({"type":"struct","fields":[{"type":"int16","optional":false,"field":"dimensions"},)"
             R"({"type":"map","keys":{"type":"int16","optional":false},"values":{"type":"double","optional":false},)"
             R"("optional":false,"field":"vector"}],"optional":true,"name":"io.debezium.data.SparseDoubleVector",)"
             R"("version":1,"doc":"Sparse double vector","field":"sv"})"},
  };
  for (const auto& [index, schema] : fields) {
    INFO("field " << index);
    CHECK(value.at(std::string("/schema/fields/1/fields/") + index) == minified(schema));
  }
  CHECK(value.at("/payload/after/pk") == "1");
  CHECK(value.at("/payload/op") == R"("c")");

  // A logical decoding message's schemas (PostgresSchemaFactory): each versioned.
  const auto message = change_from_wal2json(kMessage, 22924100);
  const auto m = writer.write(*message);
  REQUIRE(m.size() == 1);
  CHECK(Json(m[0].key).at("/schema") == minified(R"({"type":"struct","fields":[{"type":"string","optional":true,"field":"prefix"}],)"
                                                  R"("optional":false,"name":"io.debezium.connector.postgresql.MessageKey","version":1})"));
  const Json mv(m[0].value);
  CHECK(mv.at("/schema/name") == R"("io.debezium.connector.postgresql.MessageValue")");
  CHECK(mv.at("/schema/version") == "1");
  CHECK(mv.at("/schema/fields/2/name") == R"("io.debezium.connector.postgresql.Source")");
  CHECK(mv.at("/schema/fields/3/name") == R"("event.block")");  // transaction, Debezium 3.0 on
  CHECK(mv.at("/schema/fields/3/field") == R"("transaction")");
  CHECK(mv.at("/schema/fields/4/name") == R"("io.debezium.connector.postgresql.Message")");
  CHECK(mv.at("/schema/fields/4/version") == "1");
  CHECK(mv.at("/payload/message/content") == R"("YmFy")");
}

TEST_CASE("debezium: truncates only when skipped_operations lets them through, tombstones can be turned off",
          "[debezium][envelope]") {
  const auto truncate = change_from_wal2json(R"({"action":"T","xid":9,"schema":"public","table":"t"})", 100);
  const auto del = change_from_wal2json(kDelete, 200);
  dbz::EventWriter by_default(debezium_settings(), &fixed_now_ns);
  CHECK(by_default.write(*truncate).empty());  // Debezium's default skipped.operations=t
  auto settings = debezium_settings();
  settings.skip_truncate = false;
  settings.tombstones_on_delete = false;
  dbz::EventWriter writer(settings, &fixed_now_ns);
  const auto records = writer.write(*truncate);
  REQUIRE(records.size() == 1);
  CHECK_FALSE(records[0].has_key);  // a truncate has no key
  const Json t(records[0].value);
  CHECK(t.at("/op") == R"("t")");
  CHECK(t.at("/before") == "null");
  CHECK(t.at("/after") == "null");
  CHECK(t.at("/source/table") == R"("t")");
  CHECK(writer.write(*del).size() == 1);  // no tombstone
}

TEST_CASE("debezium: an unchanged TOASTed value is Debezium's placeholder, or the old value under REPLICA IDENTITY FULL",
          "[debezium][toast]") {
  dbz::EventWriter writer(debezium_settings(), &fixed_now_ns);
  const auto insert = change_from_wal2json(
      R"({"action":"I","xid":1,"schema":"public","table":"docs","columns":[{"name":"id","type":"integer","value":1},)"
      R"({"name":"body","type":"text","value":"long"},{"name":"blob","type":"bytea","value":"00"},{"name":"n","type":"integer","value":5}],)"
      R"("pk":[{"name":"id","type":"integer"}]})");
  writer.write(*insert);
  // wal2json leaves body and blob out of the UPDATE: their values did not change and are TOASTed.
  const auto update = change_from_wal2json(
      R"({"action":"U","xid":2,"schema":"public","table":"docs","columns":[{"name":"id","type":"integer","value":1},)"
      R"({"name":"n","type":"integer","value":6}],"identity":[{"name":"id","type":"integer","value":1}],"pk":[{"name":"id","type":"integer"}]})");
  const Json placeholder(writer.write(*update)[0].value);
  CHECK(placeholder.at("/after") ==
        minified(R"({"id":1,"body":"__debezium_unavailable_value","blob":"X19kZWJleml1bV91bmF2YWlsYWJsZV92YWx1ZQ==","n":6})"));
  // REPLICA IDENTITY FULL: the identity is the old row and has the value.
  const auto full = change_from_wal2json(
      R"({"action":"U","xid":3,"schema":"public","table":"docs","columns":[{"name":"id","type":"integer","value":1},)"
      R"({"name":"n","type":"integer","value":7}],"identity":[{"name":"id","type":"integer","value":1},)"
      R"({"name":"body","type":"text","value":"long"},{"name":"blob","type":"bytea","value":"00"},{"name":"n","type":"integer","value":6}],)"
      R"("pk":[{"name":"id","type":"integer"}]})");
  const Json filled(writer.write(*full)[0].value);
  CHECK(filled.at("/after") == minified(R"({"id":1,"body":"long","blob":"AA==","n":7})"));
  CHECK(filled.at("/before") == minified(R"({"id":1,"body":"long","blob":"AA==","n":6})"));
}

TEST_CASE("debezium: an UPDATE of the primary key is a delete under the old key, its tombstone and a create under the new",
          "[debezium][envelope]") {
  dbz::EventWriter writer(debezium_settings(), &fixed_now_ns);
  // wal2json under REPLICA IDENTITY DEFAULT: the identity is the old key when the key changed.
  const auto update = change_from_wal2json(
      R"({"action":"U","xid":5,"schema":"public","table":"items","columns":[{"name":"id","type":"integer","value":2},)"
      R"({"name":"name","type":"text","value":"a"}],"identity":[{"name":"id","type":"integer","value":1}],)"
      R"("pk":[{"name":"id","type":"integer"}]})");
  const auto records = writer.write(*update);
  REQUIRE(records.size() == 3);
  CHECK(records[0].key == R"({"id":1})");
  const Json removed(records[0].value);
  CHECK(removed.at("/op") == R"("d")");
  CHECK(removed.at("/before/id") == "1");
  CHECK(removed.at("/after") == "null");
  CHECK(records[0].key_header == "__debezium.newkey");
  CHECK(records[0].key_header_value == R"({"id":2})");
  CHECK(records[1].key == R"({"id":1})");
  CHECK_FALSE(records[1].has_value);
  CHECK(records[2].key == R"({"id":2})");
  const Json created(records[2].value);
  CHECK(created.at("/op") == R"("c")");
  CHECK(created.at("/before") == "null");
  CHECK(created.at("/after") == minified(R"({"id":2,"name":"a"})"));
  CHECK(records[2].key_header == "__debezium.oldkey");
  CHECK(records[2].key_header_value == R"({"id":1})");

  // An UPDATE that keeps its key stays one event.
  const auto same_key = change_from_wal2json(
      R"({"action":"U","xid":6,"schema":"public","table":"items","columns":[{"name":"id","type":"integer","value":2},)"
      R"({"name":"name","type":"text","value":"b"}],"identity":[{"name":"id","type":"integer","value":2}],)"
      R"("pk":[{"name":"id","type":"integer"}]})");
  CHECK(writer.write(*same_key).size() == 1);
}
