#pragma once
// InterruptGuard: Ctrl-C (and SIGTERM) for every command that runs agents (`run`, `agent
// run`). The first signal calls `on_first` once (the caller stops scheduling and cancels
// sessions, which kill their process groups), so runs record themselves as `cancelled` and
// can be resumed. A second one sends SIGTERM to every child process group, SIGKILL to those
// still running 2 s later (an agent that ignores SIGTERM must not outlive fanout), and exits
// with status 130.
//
// Signals are read from a signalfd on a watcher thread, not taken in a handler, so
// `on_first` may do anything; ending the guard wakes the watcher through an eventfd, so it
// costs nothing at exit. Construct the guard before starting other threads: they inherit the blocked
// mask, which keeps the signal for the watcher. Children started by the process runner get
// an empty mask.

#include <atomic>
#include <functional>
#include <string>
#include <thread>

#include <signal.h>

namespace fanout::services {

class InterruptGuard {
public:
  /// `stopping` is what the first signal prints ("cancelling agent sessions"); the line
  /// reads "fanout: stopping: <stopping> (Ctrl-C again to exit at once)".
  explicit InterruptGuard(std::function<void()> on_first, std::string stopping = "cancelling agent sessions");
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

  /// True once a first signal arrived.
  bool interrupted() const { return m_count.load() > 0; }

private:
  std::function<void()> m_on_first;
  std::string m_stopping_line;
  std::atomic<int> m_count{0};
  int m_signals = -1; ///< signalfd for SIGINT and SIGTERM
  int m_wake = -1;    ///< eventfd the destructor writes to stop the watcher at once
  sigset_t m_previous{};
  std::thread m_watcher;
};

} // namespace fanout::services
