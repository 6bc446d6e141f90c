#pragma once
// Dashboard: the web server of `fanout serve`. Serves the page (host/serve/page.cpp), the
// fleet and run data as JSON and as server-sent events, and the actions (POST only). Every
// request must carry the access token (query `token`, or the X-Fanout-Token header; for
// POST only the header, and a foreign Origin is refused), compared in constant time.

#include "host/serve/store_watch.hpp"
#include "host/serve/views.hpp"

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

namespace httplib {
class Server;
struct Request;
struct Response;
} // namespace httplib

namespace fanout::serve {

struct DashboardOptions {
  std::filesystem::path repo_root;
  std::string listen = "127.0.0.1";
  int port = 0; ///< 0: any free port
  Budget budget;
  /// How often the state store is asked for changes (an event reaches pages within this
  /// plus the time to read the store).
  std::chrono::milliseconds watch_interval{100};
};

class Dashboard {
public:
  /// Makes the token. Nothing is bound yet.
  explicit Dashboard(DashboardOptions options);
  ~Dashboard();
  Dashboard(const Dashboard&) = delete;
  Dashboard& operator=(const Dashboard&) = delete;

  /// Binds the address and port; throws UserError when it cannot (in use, bad address).
  void bind();
  /// Serves until stop(); call after bind(). Blocks.
  void serve();
  /// Ends every event stream and the server; callable from any thread, idempotent.
  void stop();

  int port() const { return m_port; }
  /// "http://127.0.0.1:<port>/?token=<token>": what the user opens.
  std::string url() const;

private:
  void routes();
  bool authorized(const httplib::Request& request, httplib::Response& response) const;
  void action(const std::string& name, const httplib::Request& request, httplib::Response& response);

  DashboardOptions m_options;
  std::string m_token;
  std::filesystem::path m_executable;
  std::unique_ptr<httplib::Server> m_server;
  StoreWatch m_watch;
  int m_port = 0;
};

} // namespace fanout::serve
