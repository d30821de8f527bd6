#include <catch2/catch.hpp>

#include "mock_kafka_process.hpp"

using popyka::test::MockKafkaProcess;

TEST_CASE("popyka-mock-kafka prints a 127.0.0.1 bootstrap address and answers commands", "[kafka][mock]") {
  MockKafkaProcess kafka({"--brokers", "2", "--topic", "t:3"});
  const std::string& bootstrap = kafka.bootstrap_servers();
  REQUIRE(bootstrap.rfind("127.0.0.1:", 0) == 0);
  CHECK(bootstrap.find(',') != std::string::npos);  // two brokers

  CHECK_NOTHROW(kafka.command("broker-down 2"));
  CHECK_NOTHROW(kafka.command("broker-up 2"));
  CHECK_NOTHROW(kafka.command("produce-errors 2 NOT_ENOUGH_REPLICAS"));
  CHECK_NOTHROW(kafka.command("produce-errors 1 RD_KAFKA_RESP_ERR__TRANSPORT"));
  CHECK_NOTHROW(kafka.command("produce-errors 1 19"));
  CHECK_NOTHROW(kafka.command("late-produce-error 1 NOT_ENOUGH_REPLICAS 100"));
  CHECK_NOTHROW(kafka.command("create-topic other:2"));
  CHECK_THROWS_WITH(kafka.command("broker-down 9"), Catch::Contains("error:"));
  CHECK_THROWS_WITH(kafka.command("produce-errors 1 NO_SUCH_ERROR"), Catch::Contains("unknown error"));
  CHECK_THROWS_WITH(kafka.command("late-produce-error 9 NOT_ENOUGH_REPLICAS 100"), Catch::Contains("error:"));
  CHECK_THROWS_WITH(kafka.command("late-produce-error 1 NOT_ENOUGH_REPLICAS"), Catch::Contains("usage"));
  CHECK_THROWS_WITH(kafka.command("reboot"), Catch::Contains("unknown command"));
}
