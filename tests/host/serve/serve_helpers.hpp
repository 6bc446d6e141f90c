#pragma once
// `fanout serve` as a child process for the dashboard's tests: started on a repository,
// its printed address parsed, stopped with Ctrl-C (SIGINT) at the end. Plus a reader of
// server-sent events that awaits the first event matching a predicate.

#include <nlohmann/json.hpp>

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace fanout::test {

class Served {
public:
  /// Runs `fanout -C <repo> serve <args>` with `env` (the test's own environment when
  /// empty) and waits (up to 20 s) for the line with its address.
  explicit Served(const std::filesystem::path& repo, const std::vector<std::string>& args = {},
                  const std::vector<std::string>& env = {});
  /// SIGINT, then waits for the exit.
  ~Served();
  Served(const Served&) = delete;
  Served& operator=(const Served&) = delete;

  /// Everything it printed so far (stdout and stderr).
  std::string output() const;
  /// Blocks (up to 20 s) until the output holds `text`.
  bool wait_output(const std::string& text) const;
  /// Stops it with SIGINT and returns its exit code.
  int stop();

  std::string url;   ///< as printed: http://127.0.0.1:<port>/?token=<token>
  std::string base;  ///< http://127.0.0.1:<port>
  std::string token;
  int port = 0;

private:
  pid_t m_pid = -1;
  int m_out = -1;
  int m_status = -1;
  std::thread m_reader;
  mutable std::mutex m_mutex;
  mutable std::condition_variable m_grew;
  std::string m_output;
  bool m_closed = false;
};

/// Starts `fanout -C <repo> serve <args>` and returns its exit code and output (for a
/// server that refuses to start).
std::pair<int, std::string> serve_failing(const std::filesystem::path& repo, const std::vector<std::string>& args);

/// Reads the event stream at `base` + `target` on its own thread: calls `on_event(name, data)`
/// for each event until it returns true (done) or `timeout` passes. wait() blocks until
/// then and says whether an event was accepted. `connected()` blocks until the first event.
class EventReader {
public:
  using Handler = std::function<bool(const std::string& name, const nlohmann::json& data)>;
  EventReader(const std::string& base, const std::string& target, Handler on_event,
              std::chrono::milliseconds timeout = std::chrono::seconds(10));
  ~EventReader();
  bool connected();
  bool wait();

private:
  Handler m_on_event;
  std::thread m_thread;
  std::mutex m_mutex;
  std::condition_variable m_changed;
  bool m_first = false;
  bool m_done = false;
  bool m_accepted = false;
};

} // namespace fanout::test
