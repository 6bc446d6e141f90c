#pragma once
// command-review's app check: start the app with the workspace env (so it listens on the
// workspace's own $PORT), wait until GET http://127.0.0.1:$PORT<probe> answers 2xx, keep it
// running while the review's commands run, then stop its whole process group.

#include "command_runner.hpp"

#include <condition_variable>
#include <thread>

namespace fanout::reviewers::command {

/// The app, running on its own thread through the host's process runner. Destroying it
/// stops the app (SIGTERM to its group, then SIGKILL) and joins the thread.
class RunningApp {
public:
  RunningApp(sdk::Host& host, std::string command, const sdk::WorkspaceInfo& workspace, size_t tail_lines);
  ~RunningApp();
  RunningApp(const RunningApp&) = delete;
  RunningApp& operator=(const RunningApp&) = delete;

  /// Waits until the app exits or `timeout` passes; true when it has exited.
  bool wait_exit(std::chrono::milliseconds timeout);
  /// "exit code 1", "killed by signal 9", or the start failure; "" while running.
  std::string exit_why() const;
  std::string output() const { return m_tail.text(); }
  void stop();

private:
  std::string m_command;
  OutputTail m_tail;
  sdk::CancelToken m_stop;
  mutable std::mutex m_mutex;
  std::condition_variable m_exited_cv;
  bool m_exited = false;
  std::string m_exit_why;
  std::thread m_thread;
};

/// What waiting for the app gave.
struct ProbeOutcome {
  bool ready = false;
  std::string why;  ///< when not ready: "exited with exit code 1", "no 2xx within 30s (last: HTTP 500)"
};

/// Polls GET `url` every 250 ms (each attempt up to 2 s, no retries) until a 2xx, the app
/// exits, `ready_timeout` passes, or `cancel` fires (then Failure cancelled).
sdk::Result<ProbeOutcome> wait_ready(sdk::Host& host, RunningApp& app, const std::string& url,
                                     std::chrono::milliseconds ready_timeout, const sdk::CancelToken& cancel);

} // namespace fanout::reviewers::command
