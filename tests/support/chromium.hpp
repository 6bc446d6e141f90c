#pragma once
// Chromium: a real headless Chromium (Debian's `chromium`) driven over the DevTools protocol
// on a pipe (--remote-debugging-pipe: commands in on fd 3, answers out on fd 4, each a JSON
// text ended by NUL), so no port is opened and nothing goes on the network. Missing
// Chromium fails the test (REQUIRE), it never skips.

#include <nlohmann/json.hpp>

#include <sys/types.h>

#include <chrono>
#include <deque>
#include <filesystem>
#include <string>

namespace fanout::test {

class Chromium {
public:
  /// Starts the browser with a fresh profile in a temp dir.
  Chromium();
  /// Closes the browser, kills its process group, removes the profile.
  ~Chromium();
  Chromium(const Chromium&) = delete;
  Chromium& operator=(const Chromium&) = delete;

  /// Sends a command and blocks for its answer (REQUIRE: it comes within `timeout` and is
  /// not an error). `session` is a page's session id ("" for the browser).
  nlohmann::json call(const std::string& method, const nlohmann::json& params = nlohmann::json::object(),
                      const std::string& session = "", std::chrono::milliseconds timeout = std::chrono::seconds(20));

  /// Opens `url` in a new tab of `width` x `height` CSS pixels (a phone when `mobile`) and
  /// waits for its load event; returns the tab's session id.
  std::string open(const std::string& url, int width = 1280, int height = 800, bool mobile = false);

  /// Evaluates `expression` in the tab, awaiting it if it is a promise; returns its value.
  /// A thrown exception fails the test with its description.
  nlohmann::json evaluate(const std::string& session, const std::string& expression,
                          std::chrono::milliseconds timeout = std::chrono::seconds(20));

  /// Writes a PNG of the page from its top, as tall as its content up to `max_height`.
  void screenshot(const std::string& session, const std::filesystem::path& file, int max_height = 2000);

private:
  /// Reads one message (blocking up to `deadline`); false on timeout or a closed pipe.
  bool read_message(nlohmann::json& message, std::chrono::steady_clock::time_point deadline);
  nlohmann::json wait_event(const std::string& method, const std::string& session, std::chrono::milliseconds timeout);

  pid_t m_pid = -1;
  int m_to = -1;   ///< our end of the browser's fd 3
  int m_from = -1; ///< our end of the browser's fd 4
  int m_next_id = 1;
  std::string m_buffer;
  std::deque<nlohmann::json> m_events;
  std::filesystem::path m_profile;
};

} // namespace fanout::test
