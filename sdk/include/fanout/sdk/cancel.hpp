#pragma once
// CancelToken: how the host tells a plugin to stop (Ctrl-C, timeout, a sibling's budget).

#include <atomic>
#include <memory>

namespace fanout::sdk {

/// A shared flag. Copies observe the same flag. Thread-safe.
/// Plugins poll `cancelled()` between steps and pass the token to host services, which
/// stop their own work (kill the process group, abort the HTTP transfer) when it fires.
class CancelToken {
public:
  CancelToken() : m_flag(std::make_shared<std::atomic<bool>>(false)) {}

  /// True once `cancel()` was called on this token or any copy of it.
  bool cancelled() const noexcept { return m_flag->load(std::memory_order_acquire); }

  /// Fires the token. Idempotent; never blocks.
  void cancel() const noexcept { m_flag->store(true, std::memory_order_release); }

private:
  std::shared_ptr<std::atomic<bool>> m_flag;
};

} // namespace fanout::sdk
