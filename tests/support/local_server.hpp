#pragma once
// LocalServer: a cpp-httplib server on 127.0.0.1 at a random port, serving on its own
// thread from construction until destruction. The base of every fake service.

#include <httplib.h>

#include <string>
#include <thread>

namespace fanout::test {

class LocalServer {
public:
  /// Binds 127.0.0.1:<any port>; routes may be added before or after start().
  LocalServer();
  /// Stops the server and joins its thread.
  ~LocalServer();
  LocalServer(const LocalServer&) = delete;
  LocalServer& operator=(const LocalServer&) = delete;

  /// Starts serving (returns once the server accepts connections).
  void start();
  /// Stops serving; idempotent.
  void stop();

  httplib::Server& server() { return m_server; }
  int port() const { return m_port; }
  /// "http://127.0.0.1:<port>"
  std::string url() const;

private:
  httplib::Server m_server;
  int m_port = 0;
  std::thread m_thread;
  bool m_stopped = false;
};

} // namespace fanout::test
