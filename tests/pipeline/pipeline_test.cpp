#include <catch2/catch.hpp>

#include "pipeline/pipeline_abort.hpp"
#include "pipeline_fixture.hpp"

using popyka::pipeline::PipelineAbort;
using popyka::test::insert_into;
using popyka::test::PipelineFixture;
using Catch::Contains;

namespace {

const std::string kBegin = R"({"action":"B"})";
const std::string kCommit = R"({"action":"C"})";

std::string record(const std::string& name = "record") {
  return "{class: test.processors.Record, config: {file: '${OUT}', name: " + name + "}}";
}

std::string fail_times(int times, const std::string& handlers) {
  return "{class: test.processors.FailTimes, config: {times: " + std::to_string(times) + "}, error_handlers: " + handlers + "}";
}

const std::string kRetry = "{class: popyka.builtin.error_handlers.RetryProcessor}";
const std::string kNextProcessor = "{class: popyka.builtin.error_handlers.ContinueNextProcessor}";
const std::string kNextMessage = "{class: popyka.builtin.error_handlers.ContinueNextMessage}";

}  // namespace

TEST_CASE("IgnoreTxFilter drops BEGIN and COMMIT, which still count as done") {
  PipelineFixture fx;
  auto pipeline = fx.make("[" + record() + "]", "[{class: popyka.builtin.filters.IgnoreTxFilter}]");
  pipeline->consume(kBegin, 10);
  pipeline->consume(insert_into("t", 1), 11);
  pipeline->consume(kCommit, 12);
  const auto lines = fx.output();
  REQUIRE(lines.size() == 1);
  CHECK(lines[0] == "record 0/B " + insert_into("t", 1));
  CHECK(pipeline->checkpoint() == 12);
}

TEST_CASE("a processor's own filters decide what it sees, after the global ones") {
  PipelineFixture fx;
  auto pipeline = fx.make("[{class: test.processors.Record, config: {file: '${OUT}', name: picky},"
                          "  filters: [{class: popyka.builtin.filters.TableNameIgnoreFilter, config: {ignore_regex: 'secret.*'}}]},"
                          " " + record("all") + "]");
  pipeline->consume(insert_into("secret_stuff", 1), 1);
  pipeline->consume(insert_into("orders", 2), 2);
  const auto lines = fx.output();
  REQUIRE(lines.size() == 3);
  CHECK_THAT(lines[0], Catch::StartsWith("all 0/1"));
  CHECK_THAT(lines[1], Catch::StartsWith("picky 0/2"));
  CHECK_THAT(lines[2], Catch::StartsWith("all 0/2"));
}

TEST_CASE("TableNameIgnoreFilter answers the same for a table seen again, beyond the tables it remembers") {
  PipelineFixture fx;
  auto pipeline = fx.make("[" + record() + "]", "[{class: popyka.builtin.filters.TableNameIgnoreFilter, config: {ignore_regex: 't[0-9]*5'}}]");
  int lsn = 0, expected = 0;
  for (int round = 0; round < 2; ++round)
    for (int t = 0; t < 300; ++t) {  // more tables than it remembers (256), each seen twice
      const std::string table = "t" + std::to_string(round == 0 ? t : 299 - t);
      pipeline->consume(insert_into(table, t), ++lsn);
      if (table.back() != '5') ++expected;
    }
  CHECK(fx.output().size() == static_cast<std::size_t>(expected));
  CHECK(expected == 2 * 270);
}

TEST_CASE("RetryProcessor: with POPYKA_DEFAULT_RETRIES=N the processor runs at most N times on a change") {
  PipelineFixture fx;
  fx.settings.default_retries = 3;
  SECTION("a processor that succeeds on its last allowed run") {
    auto pipeline = fx.make("[" + fail_times(2, "[" + kRetry + "]") + ", " + record() + "]");
    pipeline->consume(insert_into("t", 1), 1);
    CHECK(fx.output().size() == 1);
    CHECK(pipeline->checkpoint() == 1);
  }
  SECTION("one more failure and the retries are used up: abort") {
    auto pipeline = fx.make("[" + fail_times(3, "[" + kRetry + "]") + ", " + record() + "]");
    CHECK_THROWS_WITH(pipeline->consume(insert_into("t", 1), 1),
                      Contains("processors[0] (test.processors.FailTimes) failed on the change at LSN 0/1: scripted failure 3"));
    CHECK(fx.output().empty());
    CHECK(pipeline->checkpoint() == 0);
  }
  SECTION("[RetryProcessor, ContinueNextProcessor]: retry, then skip to the next processor") {
    auto pipeline = fx.make("[" + fail_times(100, "[" + kRetry + ", " + kNextProcessor + "]") + ", " + record() + "]");
    pipeline->consume(insert_into("t", 1), 1);
    CHECK(fx.output().size() == 1);
    CHECK(pipeline->checkpoint() == 1);
  }
}

// The original's own test: its N-th RETRY request is the one turned down (treated as
// NEXT_ERROR_HANDLER), so the processor and the first handler are called N times each.
TEST_CASE("POPYKA_DEFAULT_RETRIES=5 and [RetryProcessor, RetryProcessor, Abort]: the processor and the first handler "
          "are called 5 times, the second and the third handler once, as in the original") {
  PipelineFixture fx;
  fx.settings.default_retries = 5;
  SECTION("the built-in handlers: the failure that ends it is the processor's 5th") {
    const std::string abort = "{class: popyka.builtin.error_handlers.Abort}";
    auto pipeline = fx.make("[" + fail_times(100, "[" + kRetry + ", " + kRetry + ", " + abort + "]") + "]");
    CHECK_THROWS_WITH(pipeline->consume(insert_into("t", 1), 1), Contains("scripted failure 5") && !Contains("scripted failure 6"));
  }
  SECTION("handlers that record each call") {
    const auto handler = [](const std::string& name, const std::string& action) {
      return "{class: test.error_handlers.Record, config: {file: '${OUT}', name: " + name + ", action: " + action + "}}";
    };
    auto pipeline = fx.make("[" + fail_times(100, "[" + handler("first", "retry") + ", " + handler("second", "retry") +
                                                      ", " + handler("third", "abort") + "]") + "]");
    CHECK_THROWS_WITH(pipeline->consume(insert_into("t", 1), 1), Contains("scripted failure 5"));
    CHECK(fx.output() == std::vector<std::string>{"first retries=0", "first retries=1", "first retries=2", "first retries=3",
                                                  "first retries=4", "second retries=4", "third retries=4"});
  }
}

TEST_CASE("a permanent failure (sdk::PermanentError) goes to each error handler once: RetryProcessor does not run it again") {
  PipelineFixture fx;
  fx.settings.default_retries = 5;
  const auto handler = [](const std::string& name, const std::string& action) {
    return "{class: test.error_handlers.Record, config: {file: '${OUT}', name: " + name + ", action: " + action + "}}";
  };
  const std::string permanent = "{class: test.processors.FailTimes, config: {times: 100, permanent: true}, error_handlers: ";
  SECTION("each handler asked once, in order; the last one's answer stands") {
    auto pipeline = fx.make("[" + permanent + "[" + handler("first", "retry") + ", " + kRetry + ", " + handler("third", "next_handler") +
                            ", " + kNextProcessor + "]}, " + record() + "]");
    pipeline->consume(insert_into("t", 1), 1);
    CHECK(fx.output() == std::vector<std::string>{"first retries=0", "third retries=0", "record 0/1 " + insert_into("t", 1)});
    CHECK(pipeline->checkpoint() == 1);
  }
  SECTION("[RetryProcessor] alone: no retry, abort with the processor's message, the change not confirmed") {
    auto pipeline = fx.make("[" + permanent + "[" + kRetry + "]}]");
    CHECK_THROWS_WITH(pipeline->consume(insert_into("t", 1), 1), Contains("scripted failure 1") && !Contains("scripted failure 2"));
    CHECK(pipeline->checkpoint() == 0);
  }
}

TEST_CASE("a permanent asynchronous failure (sdk::fail_permanently) goes to each error handler once: not produced again") {
  PipelineFixture fx;
  auto pipeline = fx.make("[{class: test.processors.AsyncDeliver, config: {file: '${OUT}', fail_first: 1, permanent: true}, error_handlers: ["
                          "{class: test.error_handlers.Record, config: {file: '${OUT}', name: first, action: retry}}, " + kRetry + ", " +
                          kNextProcessor + "]}]");
  pipeline->consume(insert_into("t", 1), 1);
  pipeline->consume(insert_into("t", 2), 2);
  pipeline->poll(std::chrono::milliseconds(0));  // 0/1 fails for good and is skipped; 0/2 delivered
  CHECK_FALSE(pipeline->has_pending());
  CHECK(pipeline->checkpoint() == 2);
  pipeline->poll(std::chrono::milliseconds(0));
  CHECK(fx.output() == std::vector<std::string>{"failed 0/1", "delivered 0/2", "first retries=0"});
}

TEST_CASE("a change larger than the Kafka producer's message.max.bytes: each error handler hears once, naming the size and the "
          "limit, and RetryProcessor does not send it again") {
  PipelineFixture fx;
  // produce() refuses it by itself: no broker is needed (nothing listens on port 1).
  const std::string kafka = "{class: popyka.builtin.processors.ProduceToKafkaProcessor, config: {topic: t, producer_config: "
                            "{bootstrap.servers: '127.0.0.1:1', client.id: test, message.max.bytes: 1000}}, error_handlers: ["
                            "{class: test.error_handlers.RecordFailure, config: {file: '${OUT}'}}, " + kRetry + ", " +
                            "{class: test.error_handlers.Record, config: {file: '${OUT}', name: after, action: next_handler}}, " +
                            kNextProcessor + "]}";
  auto pipeline = fx.make("[" + kafka + ", " + record() + "]");
  const std::string big = R"({"action":"I","schema":"public","table":"t","columns":[{"name":"id","type":"integer","value":1},)"
                          R"({"name":"doc","type":"text","value":")" + std::string(5000, 'x') + R"("}],"pk":[{"name":"id","type":"integer"}]})";
  pipeline->consume(big, 1);
  const auto lines = fx.output();
  // The failure of a deferred change is handled once the change has been through every processor.
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] == "record 0/1 " + big);
  CHECK_THAT(lines[1], Catch::StartsWith("failure popyka.builtin.processors.ProduceToKafkaProcessor retries=0: cannot produce to Kafka: ") &&
                           Contains("value " + std::to_string(big.size()) + ", key 8)") && Contains("message.max.bytes (1000)"));
  CHECK(lines[2] == "after retries=0");
  CHECK(pipeline->checkpoint() == 1);
}

TEST_CASE("error handlers see in Failure::retries how often the processor was retried, from 0 again for the next processor") {
  PipelineFixture fx;
  const std::string handlers = "[{class: test.error_handlers.RecordFailure, config: {file: '${OUT}'}}, " + kRetry + "]";
  auto pipeline = fx.make("[" + fail_times(2, handlers) + ", " + fail_times(1, handlers) + "]");
  pipeline->consume(insert_into("t", 1), 1);
  CHECK(fx.output() == std::vector<std::string>{"failure test.processors.FailTimes retries=0: scripted failure 1",
                                                "failure test.processors.FailTimes retries=1: scripted failure 2",
                                                "failure test.processors.FailTimes retries=0: scripted failure 1"});
  CHECK(pipeline->checkpoint() == 1);
}

TEST_CASE("without error handlers a failure aborts and the change is not confirmed") {
  PipelineFixture fx;
  auto pipeline = fx.make("[" + fail_times(1, "[]") + ", " + record() + "]");
  CHECK_THROWS_AS(pipeline->consume(insert_into("t", 1), 1), PipelineAbort);
  CHECK(fx.output().empty());
  CHECK(pipeline->has_pending());
  CHECK(pipeline->checkpoint() == 0);
}

TEST_CASE("ContinueNextMessage skips the remaining processors, the change counts as done") {
  PipelineFixture fx;
  auto pipeline = fx.make("[" + fail_times(1, "[" + kNextMessage + "]") + ", " + record() + "]");
  pipeline->consume(insert_into("t", 1), 7);
  CHECK(fx.output().empty());
  CHECK(pipeline->checkpoint() == 7);
}

TEST_CASE("a handler passing to the next handler, with none left, aborts") {
  PipelineFixture fx;
  auto pipeline = fx.make("[" + fail_times(1, "[{class: test.error_handlers.Pass}]") + "]");
  CHECK_THROWS_WITH(pipeline->consume(insert_into("t", 1), 1), Contains("scripted failure 1"));
}

TEST_CASE("POPYKA_MAX_PROCESSING_ATTEMPTS bounds the attempts whatever the handlers say") {
  PipelineFixture fx;
  fx.settings.default_retries = 1000;
  fx.settings.max_processing_attempts = 4;
  auto pipeline = fx.make("[" + fail_times(1000, "[" + kRetry + "]") + "]");
  CHECK_THROWS_WITH(pipeline->consume(insert_into("t", 1), 1), Contains("gave up after 4 attempts (POPYKA_MAX_PROCESSING_ATTEMPTS)"));
}

TEST_CASE("a filter or an error handler that throws stops the pipeline, naming it") {
  PipelineFixture fx;
  SECTION("filter") {
    auto pipeline = fx.make("[" + record() + "]", "[{class: test.filters.Throw}]");
    CHECK_THROWS_WITH(pipeline->consume(insert_into("t", 1), 1), Contains("filters[0] (test.filters.Throw) failed on the change at LSN 0/1: filter exploded"));
  }
  SECTION("error handler") {
    auto pipeline = fx.make("[" + fail_times(1, "[{class: test.error_handlers.Throw}]") + "]");
    CHECK_THROWS_WITH(pipeline->consume(insert_into("t", 1), 1),
                      Contains("processors[0].error_handlers[0] (test.error_handlers.Throw) failed while handling an error: handler exploded"));
  }
}

TEST_CASE("PROCESS from a filter skips the remaining filters") {
  PipelineFixture fx;
  auto pipeline = fx.make("[" + record() + "]", "[{class: test.filters.Accept}, {class: test.filters.Throw}]");
  pipeline->consume(insert_into("t", 1), 1);
  CHECK(fx.output().size() == 1);
}

TEST_CASE("asynchronous deliveries: confirmed only when delivered") {
  PipelineFixture fx;
  auto pipeline = fx.make("[{class: test.processors.AsyncDeliver, config: {file: '${OUT}'}}]");
  pipeline->consume(insert_into("t", 1), 1);
  pipeline->consume(insert_into("t", 2), 2);
  CHECK(pipeline->has_pending());
  CHECK(pipeline->checkpoint() == 0);
  pipeline->poll(std::chrono::milliseconds(0));
  CHECK_FALSE(pipeline->has_pending());
  CHECK(pipeline->checkpoint() == 2);
  CHECK(fx.output() == std::vector<std::string>{"delivered 0/1", "delivered 0/2"});
}

TEST_CASE("asynchronous failure goes through the error handlers: RetryProcessor produces it again") {
  PipelineFixture fx;
  auto pipeline = fx.make("[{class: test.processors.AsyncDeliver, config: {file: '${OUT}', fail_first: 1}, error_handlers: [" + kRetry + "]}]");
  pipeline->consume(insert_into("t", 1), 1);
  pipeline->consume(insert_into("t", 2), 2);
  pipeline->poll(std::chrono::milliseconds(0));  // 0/1 fails and is taken on again; 0/2 delivered
  CHECK(pipeline->has_pending());
  CHECK(pipeline->checkpoint() == 0);
  pipeline->poll(std::chrono::milliseconds(0));
  CHECK(pipeline->checkpoint() == 2);
  CHECK(fx.output() == std::vector<std::string>{"failed 0/1", "delivered 0/2", "delivered 0/1"});
}

TEST_CASE("asynchronous failure without handlers aborts without confirming it") {
  PipelineFixture fx;
  auto pipeline = fx.make("[{class: test.processors.AsyncDeliver, config: {file: '${OUT}', fail_first: 1}}]");
  pipeline->consume(insert_into("t", 1), 1);
  CHECK_THROWS_WITH(pipeline->poll(std::chrono::milliseconds(0)), Contains("broker said no"));
}

TEST_CASE("components are checked when the pipeline is built") {
  PipelineFixture fx;
  CHECK_THROWS_WITH(fx.make("[{class: test.processors.BadSetup}]"),
                    Contains("processors[0] (test.processors.BadSetup): setup failed: cannot reach the moon"));
  CHECK_THROWS_WITH(fx.make("[{class: nope.Processor}]"),
                    Catch::StartsWith("test.yaml: processors[0].class: unknown processor class 'nope.Processor' (known: ") &&
                        Contains("popyka.builtin.processors.LogChangeProcessor"));
  // Checked before any component is set up: the unknown class, not the first processor's setup.
  CHECK_THROWS_WITH(fx.make("[{class: test.processors.BadSetup}, {class: nope.Processor}]"),
                    Catch::StartsWith("test.yaml: processors[1].class: unknown processor class 'nope.Processor'"));
  CHECK_THROWS_WITH(fx.make("[{class: test.processors.BadSetup, error_handlers: [{class: test.processors.Record}]}]"),
                    Contains("processors[0].error_handlers[0]") && Contains("is a processor, not an error handler"));
  CHECK_THROWS_WITH(fx.make("[{class: popyka.builtin.filters.IgnoreTxFilter}]"), Contains("'popyka.builtin.filters.IgnoreTxFilter' is a filter, not a processor"));
  CHECK_THROWS_WITH(fx.make("[" + record() + "]", "[{class: popyka.builtin.filters.IgnoreTxFilter, config: {a: 1}}]"),
                    Contains("filters[0].config.a: popyka.builtin.filters.IgnoreTxFilter takes no config"));
  CHECK_THROWS_WITH(fx.make("[{class: test.processors.Record, config: {file: x, typo: 1}}]"),
                    Contains("processors[0].config.typo: unknown key for test.processors.Record (expected one of: file, name, fields)"));
  CHECK_THROWS_WITH(fx.make("[{class: test.processors.FailTimes, config: {times: often}}]"),
                    Catch::Equals("test.yaml: processors[0].config.times: expected an integer, found 'often'"));
  CHECK_THROWS_WITH(fx.make("[{class: test.processors.Record, config: {name: x}}]"),
                    Catch::Equals("test.yaml: processors[0].config.file: required key is missing (test.processors.Record: where to append)"));
  CHECK_THROWS_WITH(fx.make("[{class: test.processors.Record, config: {file: [a, b]}}]"),
                    Catch::Equals("test.yaml: processors[0].config.file: expected a string"));
  CHECK_THROWS_WITH(fx.make("[" + record() + "]", "[{class: popyka.builtin.filters.TableNameIgnoreFilter, config: {ignore_regex: '  '}}]"),
                    Contains("filters[0].config.ignore_regex: must not be blank"));
  CHECK_THROWS_WITH(fx.make("[" + record() + "]", "[{class: popyka.builtin.filters.TableNameIgnoreFilter, config: {ignore_regex: '('}}]"),
                    Contains("filters[0].config.ignore_regex: not a valid regular expression"));
}

TEST_CASE("the host fills in a declared default before setup(), and a null value counts as absent") {
  PipelineFixture fx;
  auto pipeline = fx.make("[{class: test.processors.Record, config: {file: '${OUT}'}}, {class: test.processors.Record, config: {file: '${OUT}', name: }}]");
  pipeline->consume(insert_into("t", 1), 1);
  CHECK(fx.output() == std::vector<std::string>{"record 0/1 " + insert_into("t", 1), "record 0/1 " + insert_into("t", 1)});
}

TEST_CASE("a processor call that outlasts its timeout_s is reported, naming the processor, the call and the change") {
  PipelineFixture fx;
  auto pipeline = fx.make("[" + record() + ", {class: test.processors.Sleep, config: {process_ms: 700}, timeout_s: 0.2}]");
  pipeline->consume(insert_into("t", 1), 0x2A);
  REQUIRE(fx.overruns() == std::vector<std::string>{
                               "processors[1] (test.processors.Sleep) has been in process() for more than 0.2 s on the change at LSN 0/2A"});
  CHECK(fx.output().size() == 1);  // the processor before it ran
}

TEST_CASE("flush() is bounded too, poll() only past the wait it was given") {
  PipelineFixture fx;
  auto pipeline = fx.make("[{class: test.processors.Sleep, config: {flush_ms: 700}, timeout_s: 0.2}]");
  pipeline->poll(std::chrono::milliseconds(500));  // the Sleep processor returns at once; the wait is its own
  pipeline->consume(insert_into("t", 1), 1);
  CHECK(fx.overruns().empty());
  pipeline->checkpoint();
  CHECK(fx.overruns() == std::vector<std::string>{"processors[0] (test.processors.Sleep) has been in flush() for more than 0.2 s"});
}

TEST_CASE("a destructor is bounded like the calls: one that outlasts its timeout_s is reported when the pipeline goes") {
  PipelineFixture fx;
  auto pipeline = fx.make("[" + record() + ", {class: test.processors.Sleep, config: {destroy_ms: 700}, timeout_s: 0.2}]");
  pipeline->consume(insert_into("t", 1), 1);
  CHECK(fx.overruns().empty());
  pipeline.reset();
  CHECK(fx.overruns() == std::vector<std::string>{"processors[1] (test.processors.Sleep) has been in its destructor for more than 0.2 s"});
}

TEST_CASE("calls within their limit are never reported, however long they take together, and timeout_s 0 means no bound") {
  PipelineFixture fx;
  auto pipeline = fx.make("[{class: test.processors.Sleep, config: {process_ms: 50}, timeout_s: 0.3},"
                          " {class: test.processors.Sleep, config: {process_ms: 400}, timeout_s: 0}]");
  for (int i = 1; i <= 3; ++i) pipeline->consume(insert_into("t", i), i);  // 1.35 s in all
  CHECK(fx.overruns().empty());
}

TEST_CASE("POPYKA_CALL_TIMEOUT_S bounds the global filters and processors without a timeout_s of their own") {
  PipelineFixture fx;
  fx.settings.call_timeout_s = 0.2;
  auto pipeline = fx.make("[{class: test.processors.Sleep, config: {process_ms: 700}}]", "[{class: test.filters.Sleep, config: {filter_ms: 700}}]");
  pipeline->consume(insert_into("t", 1), 1);
  CHECK(fx.overruns() == std::vector<std::string>{
                             "filters[0] (test.filters.Sleep) has been in filter() for more than 0.2 s on the change at LSN 0/1",
                             "processors[0] (test.processors.Sleep) has been in process() for more than 0.2 s on the change at LSN 0/1"});
}
