#pragma once
// RunStore: the loop's tables in the state store (`runs`, `stages`, `reviews`). Every stage
// a run completes is written here before the next one starts, so `fanout resume` after a
// kill -9 continues from the last completed stage and never repeats a published step.
//
// One RunStore per thread (it owns a StateDb connection). Several processes may use the
// same database: each statement is atomic, and `claim` uses a write transaction.

#include "host/pipeline/run_types.hpp"
#include "host/state/state_db.hpp"

#include <fanout/sdk/issue_tracker.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace fanout::pipeline {

/// One row of `runs`: the latest known state of one issue's run.
struct RunRecord {
  std::string issue;
  RunState state = RunState::running;
  std::string stage;      ///< the stage running now, or the last one that ran
  int round = 0;          ///< the validation round of `stage` (0 for the first)
  std::optional<sdk::Issue> fetched; ///< the issue as fetched (absent before fetch)
  std::string branch;
  std::string worktree;
  std::string pr_id;
  std::string pr_url;
  std::string build_session; ///< the builder's agent session, resumed by fix rounds
  std::string build_base;    ///< HEAD before the first build attempt
  std::int64_t tokens = 0;
  double cost_usd = 0;
  std::string error;         ///< why it failed / stopped; "" otherwise
  std::int64_t pid = 0;      ///< the fanout process driving it (0 when none)
  std::int64_t updated_at = 0; ///< unix seconds
  /// Unix seconds when the run was first begun; kept across resumes, so it names the run
  /// (a remote runner's SessionLabels::run).
  std::int64_t created_at = 0;

  /// Stopped at stage `approve_plan` until `fanout approve` ([run] approve_plan).
  bool waits_for_plan_approval() const { return stage == stage::approve_plan && state == RunState::needs_human; }
};

/// What RunStore::approve_plan found and did.
struct PlanApproval {
  std::optional<RunRecord> run; ///< the run as it was; absent when there is none
  bool approved = false;        ///< it waited for approval and its plan is now approved
};

/// One row of `stages`: when a stage (of one validation round) started and completed.
struct StageRecord {
  std::string stage;
  int round = 0;
  std::int64_t started_at = 0;   ///< unix seconds; the latest start when it was resumed
  std::int64_t completed_at = 0; ///< 0 while not completed
};

class RunStore {
public:
  explicit RunStore(const std::filesystem::path& db_path);

  /// Creates the run if it is new; marks it `running` under this process.
  void begin(const std::string& issue);

  std::optional<RunRecord> get(const std::string& issue);
  /// Every run, oldest first.
  std::vector<RunRecord> all();

  /// The stage now running (also written to `stages` as started).
  void enter_stage(const std::string& issue, std::string_view stage, int round = 0);
  /// Records a stage as completed; `done()` is true for it from now on.
  void complete_stage(const std::string& issue, std::string_view stage, int round = 0);
  bool done(const std::string& issue, std::string_view stage, int round = 0);
  /// `fanout approve`: when the run of `issue` waits for plan approval, records the stage
  /// `approve_plan` as completed. Check and write are one transaction, so a run that moved
  /// on meanwhile (another approve, a resume) is never approved twice or out of turn.
  PlanApproval approve_plan(const std::string& issue);
  /// Forgets the completion of every `validate`, `fix` and `report` stage, so the next run
  /// validates again from round 0 (`fanout review`).
  void reset_validation(const std::string& issue);
  /// Every stage the run entered, in the order they started.
  std::vector<StageRecord> stages(const std::string& issue);

  void set_state(const std::string& issue, RunState state, const std::string& error = "");
  void set_issue(const std::string& issue, const sdk::Issue& fetched);
  void set_workspace(const std::string& issue, const std::string& branch, const std::string& worktree);
  void set_pr(const std::string& issue, const std::string& id, const std::string& url);
  void set_build_session(const std::string& issue, const std::string& session_id);
  void set_build_base(const std::string& issue, const std::string& sha);
  /// Adds a session's usage to the run's totals.
  void add_usage(const std::string& issue, std::int64_t tokens, double cost_usd);

  /// Replaces the outcomes of one validation round.
  void save_reviews(const std::string& issue, int round, const std::vector<ReviewOutcome>& outcomes);
  std::vector<ReviewOutcome> reviews(const std::string& issue, int round);
  /// The outcomes of the run's latest validation round (empty when none ran).
  std::vector<ReviewOutcome> latest_reviews(const std::string& issue);

  state::StateDb& db() { return m_db; }
  /// The folder of the database (`.fanout`): where the run locks live (host/state/run_lock.hpp).
  const std::filesystem::path& state_dir() const { return m_state_dir; }

private:
  void touch(const std::string& issue, const std::string& column, state::Value value);
  state::StateDb m_db;
  std::filesystem::path m_state_dir;
};

} // namespace fanout::pipeline
