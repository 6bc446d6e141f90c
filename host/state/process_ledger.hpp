#pragma once
// The process ledger: every child a driving fanout (`run`, `resume`, `review`, `approve`)
// starts is recorded in the state store's `processes` table while it runs: its process
// group, its leader's pid and start time, the issue, and the fanout process that owns it
// (pid and start time). When that fanout dies without reaping its children (kill -9, OOM),
// the rows stay: the next fanout finds the groups still running (find_orphans) and ends them
// (end_orphans) before it resumes, and `fanout doctor` reports them.
//
// A pid is compared together with its start time (/proc/<pid>/stat), so a pid the kernel
// has since given to an unrelated process is never taken for ours.

#include "host/services/process_runner.hpp"
#include "host/state/state_db.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace fanout::state {

/// The start time of process `pid` in clock ticks since boot, or nullopt when it is gone.
std::optional<std::uint64_t> process_start_time(std::int64_t pid);

/// Whether `pid` is alive and is the process that started at `start_time`.
bool same_process(std::int64_t pid, std::uint64_t start_time);

/// Records the children of this process while it lives (a services::SpawnObserver).
/// Installed for its lifetime; one at a time. Thread-safe.
class ProcessLedger final : public services::SpawnObserver {
public:
  explicit ProcessLedger(const std::filesystem::path& db_path);
  ~ProcessLedger() override;
  ProcessLedger(const ProcessLedger&) = delete;
  ProcessLedger& operator=(const ProcessLedger&) = delete;

  /// Names the issue the children started on this thread work for, while it lives.
  class IssueTag {
  public:
    explicit IssueTag(std::string issue);
    ~IssueTag();
    IssueTag(const IssueTag&) = delete;
    IssueTag& operator=(const IssueTag&) = delete;

  private:
    std::string m_previous;
  };

  void started(int pgid, const std::vector<std::string>& argv) noexcept override;
  void ended(int pgid) noexcept override;

private:
  std::mutex m_mutex;
  StateDb m_db;
  std::int64_t m_owner;
  std::uint64_t m_owner_start;
  services::SpawnObserver* m_previous;
};

/// A process group that a dead fanout left running.
struct Orphan {
  std::int64_t pgid = 0;
  std::string issue;   ///< "" when it was not started for an issue
  std::string command; ///< its argv, joined by spaces and cut to 200 bytes
  std::int64_t owner = 0; ///< the pid of the fanout that started it (now gone)
};

/// Groups in the ledger whose owner is gone and that still run. Forgets (deletes) the rows
/// of dead owners whose groups are gone too. Never signals anything.
std::vector<Orphan> find_orphans(StateDb& db);

/// Ends every orphan: SIGTERM to its group, SIGKILL to what is left after `grace`; then
/// forgets it. Returns the orphans it ended.
std::vector<Orphan> end_orphans(StateDb& db, std::chrono::milliseconds grace = std::chrono::seconds(3));

/// "process group 1234 (issue \"1\": claude -p ...), left by fanout process 99"
std::string describe(const Orphan& orphan);

} // namespace fanout::state
