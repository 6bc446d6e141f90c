#pragma once
// CancelScope: one token that fires many. The fleet's scope fires on Ctrl-C; each agent
// session gets a child token so that a budget overrun can cancel that one session alone.

#include <fanout/sdk/cancel.hpp>

#include <mutex>
#include <vector>

namespace fanout::pipeline {

/// Thread-safe. Tokens handed out stay valid after the scope is gone.
class CancelScope {
public:
  /// A new token that fires when this scope is cancelled (at once if it already was).
  sdk::CancelToken child() {
    std::lock_guard lock(m_mutex);
    sdk::CancelToken token;
    if (m_cancelled) token.cancel();
    m_children.push_back(token);
    return token;
  }

  /// Makes `token` a child: it fires with this scope (at once if it already fired).
  sdk::CancelToken adopt(sdk::CancelToken token) {
    std::lock_guard lock(m_mutex);
    if (m_cancelled) token.cancel();
    m_children.push_back(token);
    return token;
  }

  /// Fires every child, now and later. Idempotent.
  void cancel() {
    std::lock_guard lock(m_mutex);
    m_cancelled = true;
    for (const auto& token : m_children) token.cancel();
  }

  bool cancelled() const {
    std::lock_guard lock(m_mutex);
    return m_cancelled;
  }

private:
  mutable std::mutex m_mutex;
  bool m_cancelled = false;
  std::vector<sdk::CancelToken> m_children;
};

} // namespace fanout::pipeline
