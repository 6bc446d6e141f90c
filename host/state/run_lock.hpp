#pragma once
// RunLock: one live run per issue across processes. The process that drives an issue's run
// (`run`, `resume`, `review`, `approve`) holds an exclusive flock on
// `.fanout/locks/<issue>.lock` (beside the state store) and writes its pid and command line
// into it. The kernel drops
// the lock when the process dies, however it dies (kill -9 included): a lock is never stale.

#include <fanout/sdk/result.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace fanout::state {

/// Who holds an issue's lock.
struct LockHolder {
  std::int64_t pid = 0;  ///< 0 when the holder has not written itself yet
  std::string command;   ///< its command line ("fanout run 1"), "" when unknown
};

/// "process 1234 (fanout run 1)"
std::string describe(const LockHolder& holder);

/// `issue "1" is being run by process 1234 (fanout run 1); wait for it to finish, or stop
/// that process first`: why a second run, resume or review of a live issue is refused.
std::string live_run_message(const std::string& issue, const LockHolder& holder);

class RunLock {
public:
  /// Takes the lock of `issue` under `state_dir` (the folder of the state store, `.fanout`),
  /// or returns its holder (in `held_by`) and nullopt. A failure when the lock file cannot
  /// be opened: `cannot open lock file "<path>": <why>`.
  static sdk::Result<std::optional<RunLock>> take(const std::filesystem::path& state_dir, const std::string& issue,
                                                  LockHolder& held_by);

  /// Who holds `issue`'s lock now; nullopt when nobody (no live run).
  static std::optional<LockHolder> holder(const std::filesystem::path& state_dir, const std::string& issue);

  RunLock(RunLock&& other) noexcept;
  RunLock& operator=(RunLock&& other) noexcept;
  ~RunLock();

private:
  explicit RunLock(int fd) : m_fd(fd) {}
  int m_fd = -1;
};

} // namespace fanout::state
