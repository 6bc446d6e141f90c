#include "host/services/interrupt.hpp"

#include "host/services/process_runner.hpp"

#include <ctime>

namespace fanout::services {

InterruptWatcher::InterruptWatcher(sdk::CancelToken cancel) : m_cancel(std::move(cancel)) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, &m_previous);
  m_thread = std::thread([this, set] {
    timespec tick{0, 100 * 1000 * 1000};
    while (!m_stop.load()) {
      if (sigtimedwait(&set, nullptr, &tick) > 0) {
        m_interrupted = true;
        m_cancel.cancel();
        terminate_all();
      }
    }
  });
}

InterruptWatcher::~InterruptWatcher() {
  m_stop = true;
  m_thread.join();
  pthread_sigmask(SIG_SETMASK, &m_previous, nullptr);
}

} // namespace fanout::services
