#include "postgres_cluster.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace popyka::test {
namespace {

// Debian's PostgreSQL 15 (with wal2json), or the server of another major that
// POPYKA_TEST_POSTGRES names: a directory with bin/ and lib/, as scripts/fetch-postgres makes.
const char* other_server() {
  const char* dir = std::getenv("POPYKA_TEST_POSTGRES");
  return dir != nullptr && *dir != '\0' ? dir : nullptr;
}

std::filesystem::path server_bin_dir() {
  const char* other = other_server();
  return other != nullptr ? std::filesystem::path(other) / "bin" : "/usr/lib/postgresql/15/bin";
}

const std::filesystem::path bin_dir = server_bin_dir();

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw std::runtime_error("cannot find a free port on 127.0.0.1");
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

bool running_as_root() { return ::geteuid() == 0; }

void write_file(const std::filesystem::path& path, const std::string& text, std::ios::openmode mode = std::ios::trunc) {
  std::ofstream out(path, std::ios::out | mode);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

using Connection = std::unique_ptr<PGconn, decltype(&PQfinish)>;
using Result = std::unique_ptr<PGresult, decltype(&PQclear)>;

}  // namespace

PostgresCluster::PostgresCluster(Options options) {
  make_directory();
  init_data_directory(options);
  start_on_free_port();
}

std::unique_ptr<PostgresCluster> PostgresCluster::standby_of(PostgresCluster& primary, const std::string& physical_slot,
                                                             const std::vector<std::string>& settings) {
  primary.exec("SELECT pg_create_physical_replication_slot('" + physical_slot + "', true)");
  primary.stop();  // a cleanly stopped primary's data directory is a valid base backup
  std::unique_ptr<PostgresCluster> standby(new PostgresCluster(Copy{}));
  standby->make_directory();
  standby->run({"cp", "-a", primary.data_.string(), standby->data_.string()});
  // The primary's slots are the primary's: the standby starts with none.
  for (const auto& slot : std::filesystem::directory_iterator(standby->data_ / "pg_replslot")) {
    std::filesystem::remove_all(slot.path());
  }
  write_file(standby->data_ / "standby.signal", "");
  std::string conf = "unix_socket_directories = '" + standby->directory_.string() + "'\n" +
                     "primary_conninfo = 'host=127.0.0.1 port=" + std::to_string(primary.port_) +
                     " user=postgres dbname=postgres application_name=" + physical_slot + "'\n" +
                     "primary_slot_name = '" + physical_slot + "'\n" + "hot_standby_feedback = on\n";
  for (const std::string& setting : settings) conf += setting + "\n";
  write_file(standby->data_ / "postgresql.conf", conf, std::ios::app);
  primary.start();
  standby->start_on_free_port();
  return standby;
}

void PostgresCluster::make_directory() {
  std::string pattern = (std::filesystem::temp_directory_path() / "popyka-pg-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  directory_ = pattern;
  data_ = directory_ / "data";
  if (running_as_root()) {
    const passwd* postgres = ::getpwnam("postgres");
    if (postgres == nullptr) throw std::runtime_error("running as root needs a `postgres` OS user");
    if (::chown(directory_.c_str(), postgres->pw_uid, postgres->pw_gid) != 0) {
      throw std::runtime_error("cannot chown " + directory_.string());
    }
  }
}

void PostgresCluster::start_on_free_port() {
  // A port found free can be taken before the server binds it: try a few.
  for (int attempt = 1;; ++attempt) {
    port_ = free_port();
    write_file(data_ / "port.conf", "port = " + std::to_string(port_) + "\n");
    try {
      start();
      return;
    } catch (const std::exception&) {
      if (attempt == 3) throw;
    }
  }
}

std::string PostgresCluster::read_write_dsn(const PostgresCluster& a, const PostgresCluster& b) {
  return "host=127.0.0.1,127.0.0.1 port=" + std::to_string(a.port_) + "," + std::to_string(b.port_) +
         " user=postgres dbname=postgres target_session_attrs=read-write connect_timeout=2";
}

void PostgresCluster::promote() {
  run({(bin_dir / "pg_ctl").string(), "-D", data_.string(), "-w", "-t", "60", "promote"});
}

PostgresCluster::~PostgresCluster() {
  try {
    if (running_) run({(bin_dir / "pg_ctl").string(), "-D", data_.string(), "-m", "immediate", "-w", "stop"});
  } catch (const std::exception&) {
    // best effort: the directory goes anyway
  }
  std::error_code ignored;
  std::filesystem::remove_all(directory_, ignored);
}

std::string PostgresCluster::test_output_plugin() {
  const char* chosen = std::getenv("POPYKA_TEST_OUTPUT_PLUGIN");
  if (chosen != nullptr && *chosen != '\0') return chosen;
  return other_server() != nullptr ? "pgoutput" : "wal2json";
}

void PostgresCluster::prepare_output_plugin(std::string_view database) const {
  if (test_output_plugin() != "pgoutput") return;
  if (query_value("SELECT count(*) FROM pg_publication WHERE pubname = 'popyka'", database) == "0") {
    exec("CREATE PUBLICATION popyka FOR ALL TABLES", database);
  }
}

int PostgresCluster::major() const { return std::stoi(query_value("SHOW server_version_num").value()) / 10000; }

PostgresCluster& PostgresCluster::shared() {
  static PostgresCluster cluster;
  return cluster;
}

void PostgresCluster::init_data_directory(const Options& options) {
  run({(bin_dir / "initdb").string(), "-D", data_.string(), "-U", "postgres", "--auth=trust", "--no-sync",
       "--no-locale", "-E", "UTF8"});
  // Asked before port.conf is included below: the server refuses a missing include.
  const bool restricts_plugins = server_has_setting("output_plugin_libraries");
  write_file(data_ / "pg_hba.conf",
             "local all all trust\n"
             "host all postgres 127.0.0.1/32 trust\n"
             "host all all 127.0.0.1/32 scram-sha-256\n"
             // physical replication, for standby_of()
             "host replication postgres 127.0.0.1/32 trust\n"
             "host replication all 127.0.0.1/32 scram-sha-256\n");
  write_file(data_ / "postgresql.conf",
             "listen_addresses = '127.0.0.1'\n"
             "unix_socket_directories = '" + directory_.string() + "'\n"
             "wal_level = " + options.wal_level + "\n"
             "max_replication_slots = 20\n"
             "max_wal_senders = 20\n"
             // a test cluster's durability does not matter, its speed on a small machine does
             "fsync = off\n"
             "full_page_writes = off\n"
             "shared_buffers = 32MB\n"
             "include 'port.conf'\n",
             std::ios::app);
  if (options.allow_wal2json && restricts_plugins) {
    write_file(data_ / "postgresql.conf", "output_plugin_libraries = 'pgoutput, test_decoding, wal2json'\n",
               std::ios::app);
  }
  for (const std::string& setting : options.settings) write_file(data_ / "postgresql.conf", setting + "\n", std::ios::app);
}

bool PostgresCluster::server_has_setting(const std::string& name) const {
  try {
    run({(bin_dir / "postgres").string(), "-D", data_.string(), "-C", name});
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

void PostgresCluster::run(const std::vector<std::string>& command) const {
  std::vector<std::string> full;
  if (running_as_root()) full = {"runuser", "-u", "postgres", "--"};
  // Another major's server finds its own libraries there; the test program keeps Debian's libpq.
  if (const char* other = other_server()) {
    full.insert(full.end(), {"env", "LD_LIBRARY_PATH=" + (std::filesystem::path(other) / "lib").string()});
  }
  full.insert(full.end(), command.begin(), command.end());
  std::vector<char*> argv;
  for (auto& word : full) argv.push_back(word.data());
  argv.push_back(nullptr);

  // The tools' chatter goes to a file in the cluster's dir, not into the test output.
  const std::string log = (directory_ / "commands.log").string();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = 0;
  int spawned = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) throw std::runtime_error("cannot run " + full[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error("`" + command[0] + "` failed; see " + log + "\n" + read_file(log));
  }
}

void PostgresCluster::start() {
  // A restart right after kill() can find the old server's backends still exiting: retry.
  for (int attempt = 1;; ++attempt) {
    try {
      run({(bin_dir / "pg_ctl").string(), "-D", data_.string(), "-l", (directory_ / "server.log").string(),
           "-w", "-t", "60", "start"});
      running_ = true;
      return;
    } catch (const std::exception&) {
      if (attempt == 5) throw;
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
  }
}

void PostgresCluster::stop() {
  run({(bin_dir / "pg_ctl").string(), "-D", data_.string(), "-m", "fast", "-w", "stop"});
  running_ = false;
}

void PostgresCluster::restart() {
  run({(bin_dir / "pg_ctl").string(), "-D", data_.string(), "-l", (directory_ / "server.log").string(), "-m",
       "fast", "-w", "-t", "60", "restart"});
  running_ = true;
}

int PostgresCluster::postmaster_pid() const {
  std::ifstream pid_file(data_ / "postmaster.pid");
  int pid = 0;
  pid_file >> pid;
  if (pid <= 0) throw std::runtime_error("no postmaster.pid in " + data_.string());
  return pid;
}

void PostgresCluster::kill() {
  const int pid = postmaster_pid();
  ::kill(pid, SIGKILL);
  while (::kill(pid, 0) == 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  running_ = false;
}

std::string PostgresCluster::dsn(std::string_view user, std::string_view password, std::string_view database) const {
  std::string text = "host=127.0.0.1 port=" + std::to_string(port_) + " user=" + std::string(user) +
                     " dbname=" + std::string(database);
  if (!password.empty()) text += " password=" + std::string(password);
  return text;
}

std::string PostgresCluster::uri(std::string_view user, std::string_view password, std::string_view database) const {
  std::string credentials(user);
  if (!password.empty()) credentials += ":" + std::string(password);
  return "postgresql://" + credentials + "@127.0.0.1:" + std::to_string(port_) + "/" + std::string(database);
}

std::vector<PostgresCluster::Row> PostgresCluster::query(const std::string& sql, std::string_view database) const {
  Connection connection(PQconnectdb(dsn("postgres", "", database).c_str()), &PQfinish);
  if (PQstatus(connection.get()) != CONNECTION_OK) {
    throw std::runtime_error("cannot connect to the test cluster: " + std::string(PQerrorMessage(connection.get())));
  }
  PQsetNoticeProcessor(connection.get(), [](void*, const char*) {}, nullptr);  // tests read results, not notices
  Result result(PQexec(connection.get(), sql.c_str()), &PQclear);
  const auto status = PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    throw std::runtime_error("SQL failed: " + std::string(PQerrorMessage(connection.get())) + "in: " + sql);
  }
  std::vector<Row> rows(static_cast<std::size_t>(PQntuples(result.get())));
  for (int r = 0; r < PQntuples(result.get()); ++r) {
    for (int c = 0; c < PQnfields(result.get()); ++c) {
      rows[r].push_back(PQgetisnull(result.get(), r, c) ? std::nullopt
                                                         : std::optional<std::string>(PQgetvalue(result.get(), r, c)));
    }
  }
  return rows;
}

void PostgresCluster::exec(const std::string& sql, std::string_view database) const { (void)query(sql, database); }

std::optional<std::string> PostgresCluster::query_value(const std::string& sql, std::string_view database) const {
  auto rows = query(sql, database);
  if (rows.empty() || rows[0].empty()) return std::nullopt;
  return rows[0][0];
}

void PostgresCluster::create_role(std::string_view name, std::string_view password, bool replication) const {
  exec("CREATE ROLE " + std::string(name) + " LOGIN " + (replication ? "REPLICATION" : "NOREPLICATION") +
       " PASSWORD '" + std::string(password) + "'");
}

void PostgresCluster::create_database(std::string_view name) const { exec("CREATE DATABASE " + std::string(name)); }

std::string PostgresCluster::server_log() const { return read_file(directory_ / "server.log"); }

}  // namespace popyka::test
