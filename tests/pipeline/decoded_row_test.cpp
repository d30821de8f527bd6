// Rows a source hands on decoded (the initial snapshot's R rows): the pipeline runs them as it
// runs the messages it decodes itself, without parsing their text again.
#include <catch2/catch.hpp>

#include "pipeline_fixture.hpp"
#include "decode/column_details_lookup.hpp"
#include "decode/row_format.hpp"

using popyka::decode::RowFormat;
using popyka::decode::SnapshotColumn;
using popyka::decode::ValueSpan;
using popyka::test::PipelineFixture;
namespace sdk = popyka::sdk;

namespace {

// Two processors recording every field they see, one behind its own filter, under a global one.
const std::string kProcessors =
    "[{class: test.processors.Record, config: {file: '${OUT}', name: picky, fields: true},"
    "  filters: [{class: popyka.builtin.filters.TableNameIgnoreFilter, config: {ignore_regex: 'secret.*'}}]},"
    " {class: test.processors.Record, config: {file: '${OUT}', name: all, fields: true}}]";
const std::string kFilters = "[{class: popyka.builtin.filters.TableNameIgnoreFilter, config: {ignore_regex: 'hidden'}}]";

// R messages of a few tables, with their decoded columns, as the snapshot readers make them.
struct Rows {
  std::string text;
  std::vector<std::size_t> ends;
  std::vector<const RowFormat*> formats;
  std::vector<ValueSpan> spans;
  std::vector<sdk::Column> columns;        // after decode()
  std::vector<std::size_t> first_column;  // of each row, in spans and columns

  void add(const RowFormat& format, std::string_view copy_row) {
    std::string scratch;
    std::vector<ValueSpan> values;
    format.append(text, copy_row, scratch, values);
    ends.push_back(text.size());
    formats.push_back(&format);
    first_column.push_back(spans.size());
    spans.insert(spans.end(), values.begin(), values.end());
  }
  // Once every row is in (the views point into `text`).
  void decode() {
    for (std::size_t row = 0; row < ends.size(); ++row) {
      const std::size_t width = formats[row]->column_count();
      formats[row]->append_columns(text, std::span(spans).subspan(first_column[row], width), columns);
    }
  }
  std::string_view json(std::size_t row) const {
    const std::size_t begin = row == 0 ? 0 : ends[row - 1];
    return std::string_view(text).substr(begin, ends[row] - begin);
  }
  popyka::decode::DecodedChange& decoded(std::size_t row, popyka::sdk::Lsn lsn) {
    formats[row]->decode(json(row), std::span(columns).subspan(first_column[row], formats[row]->column_count()), lsn, change);
    return change;
  }
  popyka::decode::DecodedChange change;
};

}  // namespace

TEST_CASE("a row handed on decoded reaches filters and processors exactly as its text decoded would") {
  const std::vector<SnapshotColumn> columns = {{"id", "bigint", 20, true}, {"Note \"n\"", "text", 25, false}, {"ok", "boolean", 16, false}};
  const RowFormat orders("public", "orders", columns, true);
  const RowFormat secret("public", "secret_stuff", columns, true);
  const RowFormat hidden("public", "hidden", columns, false);
  Rows rows;
  rows.add(orders, "1\ta \"q\" \\\\ \\n\tt");
  rows.add(secret, "2\t\\N\tf");
  rows.add(hidden, "3\tx\tt");
  rows.add(orders, "4\t\t\\N");
  rows.decode();

  PipelineFixture as_text;
  auto from_text = as_text.make(kProcessors, kFilters);
  PipelineFixture as_decoded;
  auto from_decoded = as_decoded.make(kProcessors, kFilters);
  for (std::size_t row = 0; row < rows.ends.size(); ++row) {
    from_text->consume(rows.json(row), 100 + row);
    from_decoded->consume_decoded(rows.decoded(row, 100 + row), rows.json(row).size());
  }
  const auto lines = as_decoded.output();
  CHECK(lines == as_text.output());
  REQUIRE(lines.size() == 5);  // orders twice, secret_stuff to `all` only, hidden to none
  CHECK(lines[0] == "picky 0/64 " + std::string(rows.json(0)) +
                        R"( R public.orders [id bigint=1,Note "n" text="a \"q\" \\ \n",ok boolean=true,] pk[id bigint,])");
  CHECK(lines[2].starts_with("all 0/65 "));
  CHECK(from_decoded->checkpoint() == 103);
}

TEST_CASE("a row handed on decoded is taken as given: its text is not parsed again") {
  // The fields say 99 where the text says 1: what the processor sees shows which was read.
  const std::string json =
      R"({"action":"R","schema":"public","table":"t","columns":[{"name":"id","type":"bigint","value":1}],"pk":[{"name":"id","type":"bigint"}]})";
  const sdk::Column columns[] = {{"id", "bigint", sdk::Value("99")}};
  const sdk::Column pk[] = {{"id", "bigint", {}}};
  PipelineFixture fx;
  auto pipeline = fx.make("[{class: test.processors.Record, config: {file: '${OUT}', fields: true}}]");
  popyka::decode::DecodedChange change;
  change.assign_row(sdk::Action::Read, "public", "t", columns, pk, json, json.find('['), 7);
  pipeline->consume_decoded(change, json.size());
  const auto lines = fx.output();
  REQUIRE(lines.size() == 1);
  CHECK(lines[0] == "record 0/7 " + json + " R public.t [id bigint=99,] pk[id bigint,]");
}

TEST_CASE("a retried delivery sees what its first try saw beyond the text: snapshot markers and special numbers") {
  // Decoded again from its text after the failure, the change would be a plain R row: Debezium's
  // source.snapshot "last"/"incremental" and txId, and a NaN, would come out as other values.
  const std::string json =
      R"({"action":"R","schema":"public","table":"t","columns":[{"name":"id","type":"bigint","value":1},{"name":"x","type":"double precision","value":null}],"pk":[{"name":"id","type":"bigint"}]})";
  const sdk::Column columns[] = {{"id", "bigint", sdk::Value("1")}, {"x", "double precision", sdk::Value("null")}};
  const sdk::Column pk[] = {{"id", "bigint", {}}};
  const sdk::SpecialNumber specials[] = {sdk::SpecialNumber::none, sdk::SpecialNumber::nan};
  PipelineFixture fx;
  auto pipeline = fx.make(
      "[{class: test.processors.AsyncDeliver, config: {file: '${OUT}', fail_first: 1, details: true},"
      "  error_handlers: [{class: popyka.builtin.error_handlers.RetryProcessor}]}]");
  popyka::decode::DecodedChange change;
  change.assign_row(sdk::Action::Read, "public", "t", columns, pk, json, json.find('['), 7);
  change.set_snapshot_origin(sdk::SnapshotOrigin::incremental);
  change.set_snapshot_position(sdk::SnapshotPosition::last);
  change.set_snapshot_xid("4242");
  change.set_special_numbers(specials, {});
  pipeline->consume_decoded(change, json.size());
  pipeline->poll(std::chrono::milliseconds(0));  // fails, and RetryProcessor runs it again
  pipeline->poll(std::chrono::milliseconds(0));
  CHECK(pipeline->checkpoint() == 7);
  const std::string seen = "process 0/7 2 3 xid=4242 specials=0,1, not_null= defaults=";
  CHECK(fx.output() == std::vector<std::string>{seen, "failed 0/7", seen, "delivered 0/7"});
}

namespace {

// The catalog as a stream's lookup gives it: id NOT NULL with a default, v neither.
class OneTableCatalog final : public popyka::decode::ColumnDetailsLookup {
 public:
  popyka::decode::CatalogColumns details(std::string_view, std::string_view, std::span<const sdk::Column>) noexcept override {
    ++lookups;
    return {details_, definitions_};
  }
  int lookups = 0;

 private:
  const sdk::ColumnDetails details_[2] = {{true, {}}, {false, {}}};
  const sdk::ColumnDefinition definitions_[2] = {{{}, "nextval('t_id_seq'::regclass)"}, {{}, {}}};
};

}  // namespace

TEST_CASE("a retried delivery of a wal2json change has its column details and definitions, looked up again") {
  OneTableCatalog catalog;
  PipelineFixture fx;
  auto pipeline = fx.make(
      "[{class: test.processors.AsyncDeliver, config: {file: '${OUT}', fail_first: 1, details: true},"
      "  error_handlers: [{class: popyka.builtin.error_handlers.RetryProcessor}]}]");
  pipeline->use_column_details(&catalog);
  pipeline->consume(
      R"({"action":"I","schema":"public","table":"t","columns":[{"name":"id","type":"integer","value":1},{"name":"v","type":"text","value":"a"}],"pk":[{"name":"id","type":"integer"}]})",
      9);
  pipeline->poll(std::chrono::milliseconds(0));  // fails, and RetryProcessor runs it again
  pipeline->poll(std::chrono::milliseconds(0));
  CHECK(pipeline->checkpoint() == 9);
  const std::string seen = "process 0/9 0 0 xid= specials= not_null=1,0, defaults=nextval('t_id_seq'::regclass),,";
  CHECK(fx.output() == std::vector<std::string>{seen, "failed 0/9", seen, "delivered 0/9"});
  CHECK(catalog.lookups == 2);
}
