#include "tests/support/chromium.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <random>

namespace fanout::test {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string find_chromium() {
  for (const char* candidate : {"/usr/bin/chromium", "/usr/lib/chromium/chromium", "/usr/bin/chromium-browser"})
    if (::access(candidate, X_OK) == 0) return candidate;
  return "";
}

std::string base64_decode(const std::string& text) {
  static const std::string k_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int value = 0, bits = -8;
  for (char c : text) {
    const auto index = k_alphabet.find(c);
    if (index == std::string::npos) continue; // '=' padding, newlines
    value = (value << 6) + static_cast<int>(index);
    bits += 6;
    if (bits >= 0) {
      out.push_back(static_cast<char>((value >> bits) & 0xFF));
      bits -= 8;
    }
  }
  return out;
}

} // namespace

Chromium::Chromium() {
  const std::string binary = find_chromium();
  INFO("Chromium is needed for the dashboard's browser tests: apt-get install chromium (scripts/setup.sh)");
  REQUIRE(!binary.empty());
  std::random_device device;
  m_profile = fs::temp_directory_path() / ("fanout-chromium-" + std::to_string(device()));
  fs::create_directories(m_profile);
  int to[2], from[2];
  REQUIRE(::pipe2(to, O_CLOEXEC) == 0);
  REQUIRE(::pipe2(from, O_CLOEXEC) == 0);
  const std::vector<std::string> args{binary,
                                      "--headless=new",
                                      "--remote-debugging-pipe",
                                      "--no-sandbox", // tests run as root in CI, where the sandbox refuses to start
                                      "--disable-gpu",
                                      "--no-first-run",
                                      "--no-default-browser-check",
                                      "--disable-extensions",
                                      "--disable-background-networking",
                                      "--disable-component-update",
                                      "--disable-sync",
                                      "--disable-dev-shm-usage",
                                      "--hide-scrollbars",
                                      "--user-data-dir=" + m_profile.string(),
                                      "about:blank"};
  m_pid = ::fork();
  REQUIRE(m_pid >= 0);
  if (m_pid == 0) {
    ::setpgid(0, 0);
    ::dup2(to[0], 3);
    ::dup2(from[1], 4);
    const int null = ::open("/dev/null", O_RDWR);
    ::dup2(null, 0);
    ::dup2(null, 1);
    ::dup2(null, 2);
    std::vector<char*> argv;
    for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(to[0]);
  ::close(from[1]);
  m_to = to[1];
  m_from = from[0];
  call("Target.setDiscoverTargets", {{"discover", false}});
}

Chromium::~Chromium() {
  if (m_pid > 0) {
    const std::string close = json{{"id", m_next_id++}, {"method", "Browser.close"}}.dump();
    (void)!::write(m_to, close.c_str(), close.size() + 1);
    ::close(m_to);
    ::close(m_from);
    // Browser.close ends it at once; the group kill catches renderers left behind.
    ::kill(-m_pid, SIGKILL);
    int status = 0;
    ::waitpid(m_pid, &status, 0);
  }
  std::error_code ec;
  fs::remove_all(m_profile, ec);
}

bool Chromium::read_message(json& message, std::chrono::steady_clock::time_point deadline) {
  while (true) {
    const auto end = m_buffer.find('\0');
    if (end != std::string::npos) {
      message = json::parse(m_buffer.substr(0, end));
      m_buffer.erase(0, end + 1);
      return true;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd fd{m_from, POLLIN, 0};
    if (::poll(&fd, 1, static_cast<int>(left.count())) <= 0) continue;
    char chunk[65536];
    const ssize_t n = ::read(m_from, chunk, sizeof chunk);
    if (n <= 0) return false;
    m_buffer.append(chunk, static_cast<size_t>(n));
  }
}

json Chromium::call(const std::string& method, const json& params, const std::string& session,
                    std::chrono::milliseconds timeout) {
  const int id = m_next_id++;
  json command{{"id", id}, {"method", method}, {"params", params}};
  if (!session.empty()) command["sessionId"] = session;
  const std::string text = command.dump();
  REQUIRE(::write(m_to, text.c_str(), text.size() + 1) == static_cast<ssize_t>(text.size() + 1));
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  json message;
  while (read_message(message, deadline)) {
    if (!message.contains("id")) {
      m_events.push_back(std::move(message));
      continue;
    }
    if (message["id"] != id) continue;
    INFO(method << " " << params.dump() << " -> " << message.dump());
    REQUIRE(!message.contains("error"));
    return message["result"];
  }
  FAIL("no answer from Chromium to " << method << " within " << timeout.count() << " ms");
  return {};
}

json Chromium::wait_event(const std::string& method, const std::string& session, std::chrono::milliseconds timeout) {
  auto matches = [&](const json& event) {
    return event.value("method", "") == method && (session.empty() || event.value("sessionId", "") == session);
  };
  for (auto it = m_events.begin(); it != m_events.end(); ++it)
    if (matches(*it)) {
      json event = *it;
      m_events.erase(it);
      return event;
    }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  json message;
  while (read_message(message, deadline)) {
    if (matches(message)) return message;
    if (!message.contains("id")) m_events.push_back(std::move(message));
  }
  FAIL("Chromium sent no " << method << " within " << timeout.count() << " ms");
  return {};
}

std::string Chromium::open(const std::string& url, int width, int height, bool mobile) {
  const auto target = call("Target.createTarget", {{"url", "about:blank"}})["targetId"].get<std::string>();
  const auto session =
      call("Target.attachToTarget", {{"targetId", target}, {"flatten", true}})["sessionId"].get<std::string>();
  call("Page.enable", json::object(), session);
  call("Runtime.enable", json::object(), session);
  call("Emulation.setDeviceMetricsOverride",
       {{"width", width}, {"height", height}, {"deviceScaleFactor", 1}, {"mobile", mobile}}, session);
  const auto navigated = call("Page.navigate", {{"url", url}}, session);
  INFO(navigated.dump());
  REQUIRE(!navigated.contains("errorText"));
  wait_event("Page.loadEventFired", session, std::chrono::seconds(20));
  return session;
}

json Chromium::evaluate(const std::string& session, const std::string& expression, std::chrono::milliseconds timeout) {
  const auto result = call("Runtime.evaluate",
                           {{"expression", expression}, {"awaitPromise", true}, {"returnByValue", true},
                            {"timeout", static_cast<double>(timeout.count())}},
                           session, timeout + std::chrono::seconds(5));
  if (result.contains("exceptionDetails")) {
    const auto& details = result["exceptionDetails"];
    FAIL("page script failed: " << (details.contains("exception") ? details["exception"].value("description", "")
                                                                   : details.value("text", "")));
  }
  return result["result"].value("value", json(nullptr));
}

void Chromium::screenshot(const std::string& session, const fs::path& file, int max_height) {
  const auto metrics = call("Page.getLayoutMetrics", json::object(), session);
  const auto& size = metrics["cssContentSize"];
  const double width = size["width"].get<double>();
  const double height = std::min<double>(size["height"].get<double>(), max_height);
  const auto result = call("Page.captureScreenshot",
                           {{"format", "png"},
                            {"captureBeyondViewport", true},
                            {"clip", {{"x", 0}, {"y", 0}, {"width", width}, {"height", height}, {"scale", 1}}}},
                           session);
  std::ofstream(file, std::ios::binary) << base64_decode(result["data"].get<std::string>());
}

} // namespace fanout::test
