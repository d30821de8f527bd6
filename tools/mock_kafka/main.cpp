// popyka-mock-kafka: a Kafka cluster for tests, benchmarks and the demo, without a JVM.
// See kUsage (mock_options.cpp) for the command line and the stdin commands.
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include "mock_commands.hpp"
#include "mock_options.hpp"

namespace mk = popyka::mock_kafka;

namespace {

struct KafkaDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
struct ClusterDeleter {
  void operator()(rd_kafka_mock_cluster_t* c) const { rd_kafka_mock_cluster_destroy(c); }
};

// The mock cluster needs a client instance for its bookkeeping; it never connects anywhere.
std::unique_ptr<rd_kafka_t, KafkaDeleter> make_owner_client() {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "log_level", "3", err, sizeof err);  // no "no bootstrap.servers" warning
  // The largest Produce request the brokers read: as large as a producer's message.max.bytes
  // may be (its default, 100 MB, refuses a 100 MB value in its framing).
  rd_kafka_conf_set(conf, "receive.message.max.bytes", "1000000000", err, sizeof err);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (!rk) {
    rd_kafka_conf_destroy(conf);
    throw std::runtime_error(std::string("cannot create the mock cluster's client: ") + err);
  }
  return std::unique_ptr<rd_kafka_t, KafkaDeleter>(rk);
}

// Signals arrive through a descriptor, so one poll() waits for them and for stdin together.
// Blocked before librdkafka starts its threads, which inherit the mask.
int block_stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  const int fd = signalfd(-1, &set, SFD_CLOEXEC);
  if (fd < 0) throw std::runtime_error("signalfd failed");
  return fd;
}

// Runs commands from stdin until end of input or a stop signal.
void serve(int signal_fd, bool read_stdin, mk::MockCommands& commands) {
  std::string pending;
  pollfd fds[2] = {{signal_fd, POLLIN, 0}, {read_stdin ? STDIN_FILENO : -1, POLLIN, 0}};
  for (;;) {
    if (poll(fds, 2, -1) < 0) continue;  // EINTR
    if (fds[0].revents) return;
    if (!fds[1].revents) continue;
    char buf[4096];
    const ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
    if (n <= 0) return;  // the parent closed our stdin: it is done with us
    pending.append(buf, static_cast<size_t>(n));
    for (size_t nl; (nl = pending.find('\n')) != std::string::npos; pending.erase(0, nl + 1)) {
      const std::string line = pending.substr(0, nl);
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      std::cout << commands.execute(line) << std::endl;  // endl: the asker waits for this line
    }
  }
}

}  // namespace

int main(int argc, char** argv) try {
  mk::Options options;
  if (!mk::parse_options(argc, argv, options)) {
    std::cout << mk::kUsage;
    return 0;
  }
  const int signal_fd = block_stop_signals();
  auto owner = make_owner_client();
  // Mock brokers listen on 127.0.0.1 with ephemeral ports.
  std::unique_ptr<rd_kafka_mock_cluster_t, ClusterDeleter> cluster(rd_kafka_mock_cluster_new(owner.get(), options.brokers));
  if (!cluster) throw std::runtime_error("cannot create the mock cluster");
  for (const mk::TopicSpec& t : options.topics) {
    const rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(cluster.get(), t.name.c_str(), t.partitions, 1);
    if (err) throw std::runtime_error("cannot create topic " + t.name + ": " + rd_kafka_err2str(err));
  }
  std::cout << rd_kafka_mock_cluster_bootstraps(cluster.get()) << std::endl;

  mk::MockCommands commands(cluster.get(), options.default_partitions);
  serve(signal_fd, options.read_stdin, commands);
  return 0;
} catch (const std::invalid_argument& e) {
  std::cerr << "popyka-mock-kafka: " << e.what() << "\n" << mk::kUsage;
  return 2;
} catch (const std::exception& e) {
  std::cerr << "popyka-mock-kafka: " << e.what() << "\n";
  return 1;
}
