#pragma once
// LocalProcessRunner: the host's sdk::ProcessRunner on this machine. Every child runs in its
// own process group, is read line by line with poll(), is killed as a group on timeout,
// cancel or terminate_all(), and is always reaped.

#include "host/services/secrets.hpp"

#include <fanout/sdk/process.hpp>

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace fanout::services {

/// Thread-safe: any number of threads may call run() at once, each blocking on its own child.
///
/// Lifecycle of one run:
///  - argv[0] is resolved before anything starts: a name without a slash against the PATH of
///    the child's environment, a path with a slash relative to `workdir`. Missing ->
///    Failure{not_found, `executable "claude" not found on PATH`}.
///  - the child starts in a new process group (posix_spawn, POSIX_SPAWN_SETPGROUP), with
///    default signal dispositions and an empty signal mask, stdin from `stdin_data` or
///    /dev/null, stdout and stderr on pipes.
///  - on timeout, cancel, terminate_all() or a line callback's LineAction::stop: SIGTERM to the
///    group, SIGKILL after `kill_grace`. After a stop no more lines are delivered (the output
///    is still read, and its tail kept) and the result says `stopped`.
///  - when the leader exits, whatever is left in its group (background jobs, grandchildren)
///    gets SIGTERM, then SIGKILL after `kill_grace` if it still holds the output pipes: no
///    orphans. The leader is reaped only after that, so its process-group id cannot be
///    reused by an unrelated process while we signal it.
///  - an exception thrown by the line callback SIGKILLs the group, reaps the leader and
///    propagates out of run(). Only host code may rely on that: a plugin's callback must not
///    throw across the boundary and returns LineAction::stop instead.
class LocalProcessRunner final : public sdk::ProcessRunner {
public:
  /// Environment variables of the host whose value contains a secret registered in `secrets`
  /// are not inherited (only matters when !ProcessSpec::replace_env). `secrets` may be null.
  explicit LocalProcessRunner(const SecretRegistry* secrets = &SecretRegistry::global());

  sdk::Result<sdk::ProcessResult> run(const sdk::ProcessSpec& spec, const sdk::LineCallback& on_line,
                                      const sdk::CancelToken& cancel) override;

private:
  const SecretRegistry* m_secrets;
};

/// Asks every running child of every LocalProcessRunner in this process to stop, as if its
/// cancel token fired (SIGTERM to its group, SIGKILL after its grace). Returns at once with
/// the number of process groups asked; each run() reaps its own child and reports
/// `cancelled`. For Ctrl-C handling: call it from a normal thread, not a signal handler.
std::size_t terminate_all();

/// Stops every running child of every LocalProcessRunner in this process right now, for an
/// exit that cannot wait for the runs (a second Ctrl-C): SIGTERM to each process group, then
/// SIGKILL to each group still running after `grace`. Returns when all are gone or killed,
/// with the number of groups that needed SIGKILL. Children are not reaped here (their runs
/// do that, or init once the process exits), so call it only right before exiting.
std::size_t kill_all_now(std::chrono::milliseconds grace);

/// Told of every child a LocalProcessRunner of this process starts, and again once it is
/// reaped: the state store's process ledger (host/state/process_ledger.hpp) records them, so
/// a later fanout can end what a fanout killed with -9 left running. Called on the thread
/// that called run(), right after the spawn and after the reap; must not throw.
class SpawnObserver {
public:
  virtual ~SpawnObserver() = default;
  virtual void started(int pgid, const std::vector<std::string>& argv) noexcept = 0;
  virtual void ended(int pgid) noexcept = 0;
};

/// Installs `observer` for every run() that starts from now on (null: none). The observer
/// must outlive those runs. Returns the previous one.
SpawnObserver* set_spawn_observer(SpawnObserver* observer);

/// Number of children currently running under any LocalProcessRunner (for tests and status).
std::size_t live_process_groups();

/// Longest line delivered whole to a LineCallback; a longer run of bytes without a newline
/// is delivered in pieces of this size, so a runaway child cannot exhaust memory.
inline constexpr std::size_t k_max_line_bytes = 8u << 20;

} // namespace fanout::services
