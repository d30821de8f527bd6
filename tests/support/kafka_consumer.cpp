#include "kafka_consumer.hpp"

#include <memory>
#include <stdexcept>

#include <librdkafka/rdkafka.h>

namespace popyka::test {

namespace {

constexpr auto kDuplicateWindow = std::chrono::milliseconds(300);

struct ConsumerDeleter {
  void operator()(rd_kafka_t* rk) const {
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
  }
};
using ConsumerPtr = std::unique_ptr<rd_kafka_t, ConsumerDeleter>;

ConsumerPtr make_consumer(const std::string& bootstrap) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  for (auto [k, v] : {std::pair{"bootstrap.servers", bootstrap.c_str()}, {"group.id", "popyka-test"},
                      {"enable.auto.commit", "false"}, {"log_level", "3"},
                      // the mock answers a fetch with one producer batch: ask again at once
                      {"fetch.wait.max.ms", "5"}, {"fetch.error.backoff.ms", "5"}})
    if (rd_kafka_conf_set(conf, k, v, err, sizeof err) != RD_KAFKA_CONF_OK) throw std::runtime_error(err);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  if (rk == nullptr) throw std::runtime_error(err);
  rd_kafka_poll_set_consumer(rk);
  return ConsumerPtr(rk);
}

int partition_count(rd_kafka_t* rk, const std::string& topic) {
  rd_kafka_topic_t* t = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
  const rd_kafka_metadata_t* md = nullptr;
  const rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, t, &md, 10000);
  rd_kafka_topic_destroy(t);
  if (err) throw std::runtime_error(std::string("metadata: ") + rd_kafka_err2str(err));
  const int n = md->topic_cnt == 1 && !md->topics[0].err ? md->topics[0].partition_cnt : 0;
  rd_kafka_metadata_destroy(md);
  if (n == 0) throw std::runtime_error("topic " + topic + " not found");
  return n;
}

Record to_record(const rd_kafka_message_t* m) {
  Record r;
  r.partition = m->partition;
  if (m->key) r.key = std::string(static_cast<const char*>(m->key), m->key_len);
  r.value.assign(static_cast<const char*>(m->payload), m->len);
  r.null_value = m->payload == nullptr;
  rd_kafka_headers_t* hdrs = nullptr;
  if (rd_kafka_message_headers(m, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    const char* name;
    const void* value;
    size_t size;
    for (size_t i = 0; rd_kafka_header_get_all(hdrs, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++i)
      r.headers[name] = std::string(static_cast<const char*>(value), size);
  }
  return r;
}

}  // namespace

std::size_t message_count(const std::string& bootstrap, const std::string& topic) {
  ConsumerPtr rk = make_consumer(bootstrap);
  int partitions = 0;
  try {
    partitions = partition_count(rk.get(), topic);
  } catch (const std::runtime_error&) {
    return 0;
  }
  std::size_t count = 0;
  for (int p = 0; p < partitions; ++p) {
    int64_t low = 0, high = 0;
    const rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(rk.get(), topic.c_str(), p, &low, &high, 10000);
    if (err) throw std::runtime_error(std::string("watermarks: ") + rd_kafka_err2str(err));
    // librdkafka's mock keeps about 5 MB a partition and drops the oldest messages beyond.
    if (low > 0)
      throw std::runtime_error("the mock dropped the first " + std::to_string(low) + " messages of " + topic + " [" +
                               std::to_string(p) + "]: too much for one partition, use more partitions");
    count += static_cast<std::size_t>(high);
  }
  return count;
}

std::vector<Record> consume(const std::string& bootstrap, const std::string& topic, std::size_t expected,
                            std::chrono::milliseconds timeout) {
  ConsumerPtr rk = make_consumer(bootstrap);
  const int partitions = partition_count(rk.get(), topic);
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(partitions);
  for (int p = 0; p < partitions; ++p)
    rd_kafka_topic_partition_list_add(list, topic.c_str(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
  rd_kafka_assign(rk.get(), list);
  rd_kafka_topic_partition_list_destroy(list);

  std::vector<Record> out;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  bool complete = false;
  while (std::chrono::steady_clock::now() < deadline) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk.get(), 100);
    if (m == nullptr) continue;
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) out.push_back(to_record(m));
    rd_kafka_message_destroy(m);
    if (!complete && out.size() >= expected) {
      complete = true;
      deadline = std::chrono::steady_clock::now() + kDuplicateWindow;
    }
  }
  return out;
}

}  // namespace popyka::test
