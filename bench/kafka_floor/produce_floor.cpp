// popyka-bench-produce: librdkafka alone producing what popyka-host produces for a snapshot's
// rows (a value of --value-bytes, a `{"id":N}` key, an `lsn` header), with ProduceToKafkaProcessor's
// defaults and its way of producing (a copy of each message, a poll after each, every delivery
// report served), until every message is acknowledged. It prints its CPU seconds: the floor
// under popyka-host's own for the same messages (bench/snapshot/run.sh runs it).
//
//   popyka-bench-produce BOOTSTRAP TOPIC MESSAGES VALUE_BYTES
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <librdkafka/rdkafka.h>

namespace {

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

void set(rd_kafka_conf_t* conf, const char* name, const std::string& value) {
  char error[512];
  if (rd_kafka_conf_set(conf, name, value.c_str(), error, sizeof error) != RD_KAFKA_CONF_OK) {
    std::fprintf(stderr, "popyka-bench-produce: %s: %s\n", name, error);
    std::exit(2);
  }
}

long delivered = 0, failed = 0;

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* message, void*) {
  if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) ++delivered;
  else ++failed;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: popyka-bench-produce BOOTSTRAP TOPIC MESSAGES VALUE_BYTES\n");
    return 2;
  }
  const long messages = std::atol(argv[3]);
  const std::string value(static_cast<std::size_t>(std::atol(argv[4])), 'v');

  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  set(conf, "bootstrap.servers", argv[1]);
  set(conf, "client.id", "popyka-bench-produce");
  // ProduceToKafkaProcessor's defaults (plugins/processors/kafka/producer_handle.cpp).
  set(conf, "enable.idempotence", "true");
  set(conf, "queue.buffering.max.messages", "10000");
  rd_kafka_conf_set_dr_msg_cb(conf, &on_delivery);
  char error[512];
  rd_kafka_t* producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
  if (producer == nullptr) {
    std::fprintf(stderr, "popyka-bench-produce: %s\n", error);
    return 2;
  }
  rd_kafka_topic_t* topic = rd_kafka_topic_new(producer, argv[2], nullptr);

  const auto started = std::chrono::steady_clock::now();
  const double cpu_at_start = cpu_seconds();
  std::string key;
  for (long i = 1; i <= messages; ++i) {
    key = "{\"id\":" + std::to_string(i) + "}";
    rd_kafka_headers_t* headers = rd_kafka_headers_new(3);
    rd_kafka_header_add(headers, "lsn", -1, "0/85EB4F8", 9);
    for (;;) {
      const rd_kafka_resp_err_t err = rd_kafka_producev(
          producer, RD_KAFKA_V_RKT(topic), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
          RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()), RD_KAFKA_V_KEY(key.data(), key.size()),
          RD_KAFKA_V_HEADERS(headers), RD_KAFKA_V_END);
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) break;
      if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        std::fprintf(stderr, "popyka-bench-produce: %s\n", rd_kafka_err2str(err));
        return 1;
      }
      rd_kafka_poll(producer, 100);
    }
    rd_kafka_poll(producer, 0);
  }
  while (delivered + failed < messages) rd_kafka_poll(producer, 100);
  const double cpu = cpu_seconds() - cpu_at_start;
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("%ld delivered, %ld failed, %.2f s, %.2f CPU s\n", delivered, failed, wall, cpu);
  rd_kafka_topic_destroy(topic);
  rd_kafka_destroy(producer);
  return failed == 0 ? 0 : 1;
}
