#pragma once
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace popyka::test {

// A throwaway PostgreSQL cluster for tests: initdb in a temp dir, a free port on 127.0.0.1,
// its unix socket in the same dir. Run as the `postgres` OS user when the test runs as root
// (PostgreSQL refuses root). Stopped and removed by the destructor.
//
// The server is Debian's PostgreSQL 15, with wal2json usable, unless the environment variable
// POPYKA_TEST_POSTGRES names another: a directory with bin/ and lib/ of a plain build of any
// major (scripts/fetch-postgres; tests/matrix runs the chosen tests on each).
//
// The superuser `postgres` connects without a password over TCP; every other role needs its
// password (scram-sha-256), so wrong passwords can be tested.
class PostgresCluster {
 public:
  struct Options {
    std::string wal_level = "logical";
    // PostgreSQL 15.19 and later load only the output plugins listed in
    // output_plugin_libraries (default 'pgoutput, test_decoding'): add wal2json there.
    bool allow_wal2json = true;
    // More postgresql.conf lines (`name = value`), after ours: the last setting of a name wins.
    std::vector<std::string> settings = {};
  };

  explicit PostgresCluster(Options options);
  PostgresCluster() : PostgresCluster(Options{}) {}
  ~PostgresCluster();
  PostgresCluster(const PostgresCluster&) = delete;
  PostgresCluster& operator=(const PostgresCluster&) = delete;

  // A hot standby of `primary`, made without pg_basebackup (the plain builds have none): the
  // primary is stopped cleanly, its data directory copied, and both started again. The standby
  // streams through the physical slot `physical_slot`, made on the primary, with
  // hot_standby_feedback on; `settings` are more postgresql.conf lines for it.
  static std::unique_ptr<PostgresCluster> standby_of(PostgresCluster& primary,
                                                     const std::string& physical_slot = "standby",
                                                     const std::vector<std::string>& settings = {});
  void promote();  // pg_ctl promote: the standby becomes a primary
  // A key=value connect string naming both servers that libpq connects to whichever takes
  // writes (target_session_attrs=read-write), as a user's connect_url does for a failover.
  static std::string read_write_dsn(const PostgresCluster& a, const PostgresCluster& b);

  // The cluster every test of one program shares: started on first use, removed at exit.
  static PostgresCluster& shared();

  // The output plugin tests stream with: POPYKA_TEST_OUTPUT_PLUGIN when set, else wal2json on
  // Debian's 15 and pgoutput on another server (the plain builds carry no wal2json).
  static std::string test_output_plugin();
  // With pgoutput, creates the publication popyka streams (`popyka`, FOR ALL TABLES) in
  // `database` as the superuser, as a DBA would for a role that may not: pgoutput decodes a
  // change only if the publication existed when it was written. Nothing with wal2json, or when
  // it exists already.
  void prepare_output_plugin(std::string_view database = "postgres") const;

  int port() const { return port_; }
  int major() const;  // of the running server: 14, 15, ...
  // key=value form: "host=127.0.0.1 port=... user=... dbname=..." (+ password when given).
  std::string dsn(std::string_view user = "postgres", std::string_view password = "",
                  std::string_view database = "postgres") const;
  // URI form of the same: "postgresql://user:password@127.0.0.1:port/database".
  std::string uri(std::string_view user = "postgres", std::string_view password = "",
                  std::string_view database = "postgres") const;

  using Row = std::vector<std::optional<std::string>>;  // NULL is std::nullopt
  // Runs SQL (one or more statements) as the superuser; throws std::runtime_error with the
  // server's message. query() returns the last statement's rows as text.
  void exec(const std::string& sql, std::string_view database = "postgres") const;
  std::vector<Row> query(const std::string& sql, std::string_view database = "postgres") const;
  // The first column of the first row; std::nullopt for NULL or no row.
  std::optional<std::string> query_value(const std::string& sql, std::string_view database = "postgres") const;

  void create_role(std::string_view name, std::string_view password, bool replication) const;
  void create_database(std::string_view name) const;

  void start();
  void stop();     // pg_ctl stop -m fast
  void restart();  // pg_ctl restart -m fast
  void kill();     // SIGKILL to the postmaster, as a crash; start() recovers

  const std::filesystem::path& directory() const { return directory_; }
  std::string server_log() const;

 private:
  struct Copy {};
  explicit PostgresCluster(Copy) {}  // standby_of() fills it in
  void make_directory();
  void start_on_free_port();
  void init_data_directory(const Options& options);
  bool server_has_setting(const std::string& name) const;
  void run(const std::vector<std::string>& command) const;
  int postmaster_pid() const;

  std::filesystem::path directory_;
  std::filesystem::path data_;
  int port_ = 0;
  bool running_ = false;
};

}  // namespace popyka::test
