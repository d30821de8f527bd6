// A tiny HTTP server for the examples' tests: listens on 127.0.0.1 on a free port, writes that
// port to PORT_FILE once it accepts connections, and for every POST appends the body as one line
// to RECORD_FILE and `<path> <Content-Type> <X-Popyka-Test>` to RECORD_FILE.meta.
// POST /fail answers 503; everything else 200. Runs until killed.
#include <fstream>
#include <iostream>
#include <mutex>
#include <string>

#include <httplib.h>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: http_recorder PORT_FILE RECORD_FILE\n";
    return 1;
  }
  const std::string port_file = argv[1];
  const std::string record_file = argv[2];
  std::mutex record_mutex;  // httplib serves each connection on a thread of its own

  httplib::Server server;
  server.set_tcp_nodelay(true);  // answers without waiting for the client's delayed ACK
  server.Post(".*", [&](const httplib::Request& request, httplib::Response& response) {
    {
      const std::lock_guard lock(record_mutex);
      std::ofstream(record_file, std::ios::app) << request.body << '\n';
      std::ofstream(record_file + ".meta", std::ios::app)
          << request.path << ' ' << request.get_header_value("Content-Type") << ' '
          << request.get_header_value("X-Popyka-Test") << '\n';
    }
    if (request.path == "/fail") {
      response.status = 503;
      response.set_content("not today", "text/plain");
    } else {
      response.set_content("ok", "text/plain");
    }
  });

  const int port = server.bind_to_any_port("127.0.0.1");
  if (port < 0) {
    std::cerr << "http_recorder: cannot bind 127.0.0.1\n";
    return 1;
  }
  // Written and renamed: the test never reads a half-written port.
  std::ofstream(port_file + ".tmp") << port << '\n';
  std::rename((port_file + ".tmp").c_str(), port_file.c_str());
  return server.listen_after_bind() ? 0 : 1;
}
