#pragma once
// Runner: where an agent session's process runs when it is not this machine (a Kubernetes
// Job). The host keeps the loop, the state, the trackers and the reviews; a runner runs one
// process somewhere else and the session's commits come back by git. Sessions on this
// machine never reach a runner plugin: the host's process service runs them (`[runner]
// kind = "local"`, the default).

#include "fanout/sdk/cancel.hpp"
#include "fanout/sdk/line_callback.hpp"
#include "fanout/sdk/process.hpp"
#include "fanout/sdk/result.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace fanout::sdk {

/// Names one session wherever a runner leaves traces (labels of a Job), so that a fanout
/// that was killed and resumed finds the session it started instead of starting another.
/// The same four values always mean the same session.
struct SessionLabels {
  std::string repo;  ///< the repository's id: stable, lower-case, [a-z0-9-], at most 40 characters
  std::string issue; ///< the issue key as the tracker spells it (runners escape it where needed)
  std::string run;   ///< the run's id
  std::string stage; ///< the stage and its round ("build", "fix-2", "review-scope-1")
};

/// The workspace as it travels by git: the session clones `clone_url`, checks out `branch`
/// at `base_commit`, runs, commits, and pushes `branch` back to `clone_url`.
struct RemoteWorkspace {
  std::string clone_url;   ///< never carries credentials: the runner adds them by reference
  std::string branch;      ///< the run's branch
  std::string base_commit; ///< full commit id the session starts from (the host pushed it first)
  /// The local worktree. `ProcessSpec::workdir` is this directory or one inside it; the
  /// runner runs the process in the same place relative to its clone.
  std::filesystem::path worktree;
};

/// One session to run.
struct RunnerSession {
  ProcessSpec process;       ///< what to run, as the agent provider built it
  RemoteWorkspace workspace;
  SessionLabels labels;
  /// Names of `process.env` entries whose values are secrets (agent API keys). A runner
  /// never writes these values where it sends the work: it passes each by reference (e.g.
  /// a Kubernetes Secret its config names for that variable), or fails with invalid_input
  /// naming the variable and the config key that would map it.
  std::vector<std::string> secret_env;
};

/// How a session ended.
struct RunnerResult {
  /// As ProcessRunner reports it; `out` and `err` are the tails of the session's output.
  ProcessResult process;
  /// The head of `branch` on `clone_url` after the session (full id), equal to
  /// `base_commit` when the session pushed nothing; "" when unknown. The host fetches it.
  std::string pushed_head;
};

/// Something a runner made that may outlive a session (a Job and its pods).
struct RunnerResource {
  std::string id;         ///< runner-unique and what `remove` takes ("job/fanout-7f3a")
  SessionLabels labels;   ///< the session it ran
  std::string state;      ///< the runner's own word, lower-case ("running", "succeeded", "failed")
  std::string created_at; ///< ISO-8601
};

/// Runs sessions elsewhere. Thread-safe, like every kind: see docs/plugin-abi.md#threading.
class Runner {
public:
  virtual ~Runner() = default;

  /// Runs `session` to its end, handing its output to `on_line` line by line as it comes
  /// (stdout; a runner that cannot tell the streams apart reports all lines as stdout).
  /// When a session with the same labels already exists (a fanout that was killed started
  /// it), follows that one from the start instead of starting another. The process's
  /// timeout, `cancel` and LineAction::stop remove what the runner made for the session and
  /// set ProcessResult::timed_out, cancelled or stopped. A session that ran and failed is a
  /// RunnerResult (a non-zero exit, a signal); Failure means it could not be started or
  /// followed, with a message that says what to do (no such context, which verb on which
  /// resource RBAC refused, the image that could not be pulled, unschedulable, killed for
  /// memory).
  virtual Result<RunnerResult> run(const RunnerSession& session, const LineCallback& on_line,
                                   const CancelToken& cancel) = 0;

  /// What this runner made for the repository whose SessionLabels::repo is `repo`, live or
  /// finished (for `fanout doctor` and `fanout clean`).
  virtual Result<std::vector<RunnerResource>> list(const std::string& repo, const CancelToken& cancel) = 0;

  /// Removes one thing `list` returned and everything it owns. Removing what is already
  /// gone succeeds.
  virtual Result<void> remove(const RunnerResource& resource, const CancelToken& cancel) = 0;
};

} // namespace fanout::sdk
