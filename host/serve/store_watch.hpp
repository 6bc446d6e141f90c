#pragma once
// StoreWatch: notices every commit to the state store by any process (a `fanout run` in
// another terminal), by asking SQLite for `PRAGMA data_version` on its own connection every
// `interval`, and wakes whoever waits for a change. It never writes and never creates the
// store: until the file exists it only checks for it.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <thread>

namespace fanout::serve {

/// Thread-safe. The watcher thread runs from construction until stop() or destruction.
class StoreWatch {
public:
  StoreWatch(std::filesystem::path db_path, std::chrono::milliseconds interval);
  ~StoreWatch();
  StoreWatch(const StoreWatch&) = delete;
  StoreWatch& operator=(const StoreWatch&) = delete;

  /// Increases by one for every change seen.
  std::uint64_t generation() const;
  /// Blocks until the generation differs from `seen`, `timeout` passes or stop() is
  /// called; returns the generation then.
  std::uint64_t wait_change(std::uint64_t seen, std::chrono::milliseconds timeout);
  /// Ends the watcher and wakes every waiter; idempotent.
  void stop();
  bool stopped() const;

private:
  void loop();

  std::filesystem::path m_path;
  std::chrono::milliseconds m_interval;
  mutable std::mutex m_mutex;
  std::condition_variable m_changed;
  std::uint64_t m_generation = 0;
  bool m_stop = false;
  std::thread m_thread;
};

} // namespace fanout::serve
