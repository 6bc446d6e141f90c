#pragma once
// LocalServer: a cpp-httplib server on 127.0.0.1 at a random port, serving on its own
// thread from construction until destruction. The base of every fake service.

#include <httplib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <thread>

namespace fanout::test {

/// PEM files of an HTTPS LocalServer (see test_certificates.hpp for a set made at test time).
struct ServerTls {
  std::filesystem::path cert;
  std::filesystem::path key;
  /// When set, the server asks for a client certificate signed by this CA and refuses the
  /// handshake without one.
  std::filesystem::path client_ca;
};

class LocalServer {
public:
  /// Binds 127.0.0.1:<any port>; routes may be added before or after start().
  LocalServer();
  /// The same over HTTPS with `tls`'s certificate.
  explicit LocalServer(const ServerTls& tls);
  /// Stops the server and joins its thread.
  ~LocalServer();
  LocalServer(const LocalServer&) = delete;
  LocalServer& operator=(const LocalServer&) = delete;

  /// Starts serving (returns once the server accepts connections).
  void start();
  /// Stops serving; idempotent.
  void stop();

  httplib::Server& server() { return *m_server; }
  int port() const { return m_port; }
  /// "http://127.0.0.1:<port>" ("https://..." over TLS)
  std::string url() const;

private:
  void bind();

  std::unique_ptr<httplib::Server> m_server;
  bool m_tls = false;
  int m_port = 0;
  std::thread m_thread;
  bool m_stopped = false;
};

} // namespace fanout::test
