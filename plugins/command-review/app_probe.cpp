#include "app_probe.hpp"

namespace fanout::reviewers::command {

using namespace std::chrono_literals;

RunningApp::RunningApp(sdk::Host& host, std::string command, const sdk::WorkspaceInfo& workspace, size_t tail_lines)
    : m_command(std::move(command)), m_tail(tail_lines) {
  // The runner blocks until the app exits, so it runs on a thread of its own; m_stop ends it.
  m_thread = std::thread([this, &host, spec = shell_spec(m_command, workspace, 0ms)] {
    auto result = host.processes().run(spec, [this](sdk::Stream, const std::string& line) { m_tail.add(line); }, m_stop);
    std::string why;
    if (!result.ok()) why = "could not start: " + result.failure().message;
    else if (result->cancelled) why = "stopped";
    else if (result->signaled) why = "killed by signal " + std::to_string(result->signal);
    else why = "exit code " + std::to_string(result->exit_code);
    std::lock_guard lock(m_mutex);
    m_exited = true;
    m_exit_why = why;
    m_exited_cv.notify_all();
  });
}

RunningApp::~RunningApp() { stop(); }

void RunningApp::stop() {
  m_stop.cancel();
  if (m_thread.joinable()) m_thread.join();
}

bool RunningApp::wait_exit(std::chrono::milliseconds timeout) {
  std::unique_lock lock(m_mutex);
  return m_exited_cv.wait_for(lock, timeout, [this] { return m_exited; });
}

std::string RunningApp::exit_why() const {
  std::lock_guard lock(m_mutex);
  return m_exited ? m_exit_why : "";
}

sdk::Result<ProbeOutcome> wait_ready(sdk::Host& host, RunningApp& app, const std::string& url,
                                     std::chrono::milliseconds ready_timeout, const sdk::CancelToken& cancel) {
  const auto deadline = std::chrono::steady_clock::now() + ready_timeout;
  std::string last = "no answer";
  for (;;) {
    if (cancel.cancelled()) return sdk::fail(sdk::FailureKind::cancelled, "review cancelled while waiting for the app");
    if (app.wait_exit(0ms)) return ProbeOutcome{false, app.exit_why()};
    sdk::HttpRequest request;
    request.url = url;
    request.timeout = 2s;
    request.max_retries = 0;
    auto response = host.http().send(request, cancel);
    if (response.ok() && response->status >= 200 && response->status < 300) return ProbeOutcome{true, ""};
    last = response.ok() ? "HTTP " + std::to_string(response->status) : response.failure().message;
    if (std::chrono::steady_clock::now() >= deadline)
      return ProbeOutcome{false, "no 2xx answer within " + describe(ready_timeout) + " (last: " + last + ")"};
    // Wake at once if the app dies while we wait between attempts.
    app.wait_exit(250ms);
  }
}

} // namespace fanout::reviewers::command
