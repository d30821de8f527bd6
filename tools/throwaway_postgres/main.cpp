// popyka-throwaway-postgres: a throwaway PostgreSQL 15 with wal2json on 127.0.0.1 (or another
// major's server, named by POPYKA_TEST_POSTGRES: see postgres_cluster.hpp), for the demo and the
// benchmarks. Prints a libpq URI for the superuser on the first line of stdout, runs
// until SIGINT/SIGTERM, then stops the server and removes its directory. The same cluster the
// tests use (PostgresCluster).
//
//   popyka-throwaway-postgres [--set 'name = value']...   # more postgresql.conf settings
#include <csignal>
#include <iostream>
#include <string>

#include "postgres_cluster.hpp"

int main(int argc, char** argv) {
  popyka::test::PostgresCluster::Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--set" && i + 1 < argc) {
      options.settings.emplace_back(argv[++i]);
    } else {
      std::cerr << "popyka-throwaway-postgres: unknown argument '" << arg << "' (usage: popyka-throwaway-postgres [--set 'name = value']...)\n";
      return 2;
    }
  }
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGHUP);
  // Blocked before the server starts, so a stop is never lost; sigwait() takes it below.
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  try {
    popyka::test::PostgresCluster cluster(options);
    std::cout << cluster.uri() << std::endl;
    std::cerr << "popyka-throwaway-postgres: PostgreSQL " << cluster.major() << " in " << cluster.directory().string() << ", stop with SIGTERM\n";
    int signal = 0;
    sigwait(&stop_signals, &signal);
    return 0;
  } catch (const std::exception& error) {
    std::cerr << "popyka-throwaway-postgres: " << error.what() << "\n";
    return 1;
  }
}
