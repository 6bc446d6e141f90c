#include "tests/support/local_server.hpp"

#include <stdexcept>
#include <thread>

namespace fanout::test {

LocalServer::LocalServer() : m_server(std::make_unique<httplib::Server>()) { bind(); }

LocalServer::LocalServer(const ServerTls& tls) : m_tls(true) {
  const std::string client_ca = tls.client_ca.string();
  auto server = std::make_unique<httplib::SSLServer>(tls.cert.c_str(), tls.key.c_str(),
                                                     client_ca.empty() ? nullptr : client_ca.c_str());
  if (!server->is_valid()) throw std::runtime_error("could not load the TLS certificate " + tls.cert.string());
  m_server = std::move(server);
  bind();
}

void LocalServer::bind() {
  m_port = m_server->bind_to_any_port("127.0.0.1");
  if (m_port <= 0) throw std::runtime_error("could not bind a local test server");
}

LocalServer::~LocalServer() { stop(); }

void LocalServer::start() {
  if (m_thread.joinable()) return;
  m_thread = std::thread([this] { m_server->listen_after_bind(); });
  // stop() is a no-op until the accept loop runs, so wait for it (microseconds).
  while (!m_server->is_running()) std::this_thread::yield();
}

void LocalServer::stop() {
  if (m_stopped) return;
  m_stopped = true;
  start(); // the bound socket is only closed by stopping a running server
  m_server->stop();
  m_thread.join();
}

std::string LocalServer::url() const {
  return (m_tls ? "https://127.0.0.1:" : "http://127.0.0.1:") + std::to_string(m_port);
}

} // namespace fanout::test
