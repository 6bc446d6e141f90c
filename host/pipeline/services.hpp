#pragma once
// What a pipeline needs from the outside world, as SDK interfaces plus one small interface
// of its own (Workspaces). `fanout run` fills it from the config and the plugin registry
// (host/app/environment.hpp); tests fill it with in-process doubles.

#include "host/pipeline/run_types.hpp"

#include <fanout/sdk/agent_provider.hpp>
#include <fanout/sdk/code_host.hpp>
#include <fanout/sdk/issue_tracker.hpp>
#include <fanout/sdk/process.hpp>
#include <fanout/sdk/reviewer.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace fanout::pipeline {

/// Makes or reuses the isolated workspace of an issue (worktree + branch, ports, deps,
/// database branch, env). Idempotent: a second call for the same issue returns the same
/// workspace. Thread-safe: called for many issues at once.
class Workspaces {
public:
  virtual ~Workspaces() = default;
  virtual sdk::Result<sdk::WorkspaceInfo> up(const sdk::Issue& issue, const sdk::CancelToken& cancel) = 0;
};

/// One agent session as a remote runner names it (sdk::SessionLabels without the repo).
struct SessionPlace {
  std::string issue;
  std::string run;   ///< the run's id: the same across `fanout resume`
  std::string stage; ///< the stage and its round: "plan", "build", "fix-2", "review-scope-review-0"
  std::filesystem::path worktree;
  std::string branch;
};

/// Where agent sessions run when `[runner]` sends them elsewhere (host/runner/). Absent
/// (Services::remote null): on this machine, through each provider's own process runner.
/// Thread-safe.
class RemoteSessions {
public:
  virtual ~RemoteSessions() = default;
  /// The process runner the session at `place` runs its process with
  /// (sdk::SessionRequest::process_runner); it lives as long as that session.
  virtual std::unique_ptr<sdk::ProcessRunner> runner_for(const SessionPlace& place) = 0;
};

/// One configured reviewer, freshly made for one validation round.
struct ReviewerSlot {
  std::string name; ///< the [[review]] name ("agent-review", "agent-review-2", ...)
  std::shared_ptr<sdk::Reviewer> reviewer;
};

/// Given to the reviewer factory: wraps the agent provider that reviewer `reviewer` asks
/// for, so the pipeline can meter and transcribe reviewer sessions. The returned provider
/// lives as long as the round's reviewers; calls are thread-safe.
using AgentWrapper =
    std::function<sdk::AgentProvider*(std::string_view reviewer, std::string_view provider, sdk::AgentProvider& inner)>;

/// Makes fresh reviewer instances (never reused across rounds: reviewers start clean).
/// A failure (plugin missing, bad config) fails the run with its message.
using ReviewerFactory = std::function<sdk::Result<std::vector<ReviewerSlot>>(const AgentWrapper& wrap)>;

struct RunRecord;

/// Takes a run's state to its tracker issue: workflow state, labels, one status comment
/// (host/writeback/, `[write_back]`). The pipeline calls it on the run's thread when the
/// run's first working stage starts (plan, build, publish, validate, fix or report) and when
/// the run has ended, once its issue is fetched. Implementations never throw and never fail
/// a run: a failing write-back is logged. Thread-safe.
class RunWriteBack {
public:
  virtual ~RunWriteBack() = default;
  virtual void run_changed(const RunRecord& record, const sdk::CancelToken& cancel) = 0;
  /// True when the issue gets fanout's one status comment, edited in place: the pipeline
  /// then posts no comments of its own on the issue.
  virtual bool keeps_status_comment() const = 0;
};

/// The outside world. Every plugin instance here is thread-safe (docs/plugin-abi.md#threading):
/// runs call them from their own threads without the pipeline serialising anything.
struct Services {
  sdk::IssueTracker* tracker = nullptr;
  sdk::CodeHost* code_host = nullptr;
  sdk::AgentProvider* agent = nullptr; ///< the planner and builder
  Workspaces* workspaces = nullptr;
  sdk::ProcessRunner* processes = nullptr; ///< for git in the worktree
  ReviewerFactory make_reviewers;
  RunWriteBack* write_back = nullptr; ///< null: nothing is written back but the pipeline's comments
  RemoteSessions* remote = nullptr; ///< null: agent sessions run on this machine
};

/// Loop settings, from [run], [agent] models and the repo layout.
struct Settings {
  std::filesystem::path repo_root;
  std::filesystem::path db_path;  ///< the state store
  std::filesystem::path runs_dir; ///< <repo>/.fanout/runs: plan.md and transcripts per issue
  std::string database_env = "DATABASE_URL"; ///< [database] url_env, for prompts
  std::string agent_provider; ///< [agent] provider, named in transcripts
  std::string plan_model;
  std::string build_model;
  std::string review_model;
  int fix_rounds = 2;
  bool approve_plan = false;
  /// "Closes #N" in PR bodies when the tracker says a PR on the code host closes its issues
  /// so (sdk::IssueTracker::closed_by_number); else the issue's URL.
  bool closes_by_number = false;
  std::chrono::milliseconds plan_timeout{0};
  std::chrono::milliseconds build_timeout{0};
  std::chrono::milliseconds fix_timeout{0};
  std::chrono::milliseconds review_timeout{0};
  std::map<std::string, std::string> agent_env; ///< added to the workspace env for agents
  /// Files fanout copies or writes into worktrees (workspace::private_files): a branch with
  /// a commit touching one is not published.
  std::vector<std::string> private_files;
};

/// What the live view shows for one run. Sent on every change worth showing.
struct Progress {
  std::string issue;
  std::string stage;
  RunState state = RunState::running;
  std::int64_t tokens = 0;
  double cost_usd = 0;
  std::string last_event; ///< one line: the latest agent text, tool use or stage result
  bool stage_changed = false; ///< this update entered a new stage or ended the run
};

/// Receives progress from every run's threads at once: implementations lock.
class Observer {
public:
  virtual ~Observer() = default;
  virtual void update(const Progress& progress) = 0;
};

} // namespace fanout::pipeline
