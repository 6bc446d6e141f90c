#include "host/services/interrupt.hpp"

#include "host/services/process_runner.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
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
  m_signals = ::signalfd(-1, &set, SFD_CLOEXEC);
  m_wake = ::eventfd(0, EFD_CLOEXEC);
  if (m_signals < 0 || m_wake < 0) { // no watcher: signals stay blocked until the guard ends
    std::perror("fanout: cannot watch for Ctrl-C");
    return;
  }
  m_watcher = std::thread([this] {
    for (;;) {
      pollfd fds[2] = {{m_signals, POLLIN, 0}, {m_wake, POLLIN, 0}};
      if (::poll(fds, 2, -1) < 0) {
        if (errno == EINTR) continue;
        return;
      }
      if (fds[1].revents) return; // the guard is ending
      signalfd_siginfo info{};
      if (::read(m_signals, &info, sizeof info) != static_cast<ssize_t>(sizeof info)) continue;
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
  if (m_watcher.joinable()) {
    const std::uint64_t one = 1;
    (void)!::write(m_wake, &one, sizeof one); // wakes the watcher at once (no polling tick)
    m_watcher.join();
  }
  // A signal that arrived after the watcher's last read stays pending; drop it rather than
  // die on it when the mask is restored.
  if (m_signals >= 0) {
    const int flags = ::fcntl(m_signals, F_GETFL);
    ::fcntl(m_signals, F_SETFL, flags | O_NONBLOCK);
    signalfd_siginfo info{};
    while (::read(m_signals, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
    }
    ::close(m_signals);
  }
  if (m_wake >= 0) ::close(m_wake);
  pthread_sigmask(SIG_SETMASK, &m_previous, nullptr);
}

} // namespace fanout::services
