#include "host/services/interrupt.hpp"

#include "host/services/process_runner.hpp"

#include <pthread.h>
#include <unistd.h>

#include <cstring>
#include <ctime>

namespace fanout::services {
namespace {
/// After a second Ctrl-C, how long children get to exit on SIGTERM before SIGKILL: short,
/// since the user asked to exit at once, but enough for an agent to flush its files.
constexpr std::chrono::milliseconds k_second_signal_grace{2000};
} // namespace

InterruptGuard::InterruptGuard(std::function<void()> on_first, std::string stopping)
    : m_on_first(std::move(on_first)),
      m_stopping_line("\nfanout: stopping: " + stopping + " (Ctrl-C again to exit at once)\n") {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, &m_previous);
  m_watcher = std::thread([this, set] {
    const timespec tick{0, 100 * 1000 * 1000};
    while (!m_stop.load()) {
      if (sigtimedwait(&set, nullptr, &tick) < 0) continue;
      if (m_count.fetch_add(1) == 0) {
        (void)!::write(STDERR_FILENO, m_stopping_line.data(), m_stopping_line.size());
        if (m_on_first) m_on_first();
        continue;
      }
      constexpr const char k_message[] = "fanout: interrupted: stopping child processes\n";
      (void)!::write(STDERR_FILENO, k_message, sizeof(k_message) - 1);
      kill_all_now(k_second_signal_grace);
      ::_exit(130);
    }
  });
}

InterruptGuard::~InterruptGuard() {
  m_stop = true;
  if (m_watcher.joinable()) m_watcher.join();
  // A signal that arrived after the last wait stays pending; drop it rather than die on it.
  sigset_t pending;
  sigpending(&pending);
  if (sigismember(&pending, SIGINT) || sigismember(&pending, SIGTERM)) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    const timespec zero{0, 0};
    while (sigtimedwait(&set, nullptr, &zero) > 0) {
    }
  }
  pthread_sigmask(SIG_SETMASK, &m_previous, nullptr);
}

} // namespace fanout::services
