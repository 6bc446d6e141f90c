#pragma once
// InterruptWatcher: Ctrl-C (SIGINT) and SIGTERM for a command that runs agents. Agents run
// in their own process groups, so the terminal's SIGINT never reaches them: fanout must
// stop them itself, through the cancel token and terminate_all().

#include <fanout/sdk/cancel.hpp>

#include <atomic>
#include <thread>

#include <signal.h>

namespace fanout::services {

/// Construct it on the main thread before starting other threads: it blocks SIGINT and
/// SIGTERM in the calling thread (threads created later inherit the mask) and waits for
/// them on its own thread. On a signal it fires `cancel` and calls terminate_all().
/// The destructor stops the watcher and restores the signal mask.
class InterruptWatcher {
public:
  explicit InterruptWatcher(sdk::CancelToken cancel);
  ~InterruptWatcher();
  InterruptWatcher(const InterruptWatcher&) = delete;
  InterruptWatcher& operator=(const InterruptWatcher&) = delete;

  /// True once a signal arrived (the command should exit with ExitCode::interrupted).
  bool interrupted() const noexcept { return m_interrupted.load(); }

private:
  sdk::CancelToken m_cancel;
  sigset_t m_previous{};
  std::atomic<bool> m_stop{false};
  std::atomic<bool> m_interrupted{false};
  std::thread m_thread;
};

} // namespace fanout::services
