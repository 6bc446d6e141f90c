#pragma once
// What `fanout status`, `fanout logs` and the dashboard (`fanout serve`) read about runs:
// the run store's rows with their latest verdicts, and each run's folder of transcripts.
// Read-only: works beside a running `fanout run` in another process and after a crash.

#include "host/pipeline/run_store.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace fanout::pipeline {

/// One run as shown to a human: its row and its latest validation round.
struct RunStatus {
  RunRecord run;
  std::vector<ReviewOutcome> reviews;
};

/// Every run of the repository at `repo_root`, oldest first; empty when no state store
/// exists yet (it is not created).
std::vector<RunStatus> load_statuses(const std::filesystem::path& repo_root);

/// True when the run says `running` but the process driving it is gone (a crash, kill -9).
bool stale(const RunRecord& run);

/// {issue, title, stage, state, stale, pr, tokens, cost_usd, error, reviews[{reviewer,
/// verdict, findings, failure}]}: the element of `status --json`.
nlohmann::json status_json(const RunStatus& status);

/// "agent-review:approve code-review:request_changes(2)", or "-" when no reviewer ran.
std::string verdicts(const std::vector<ReviewOutcome>& outcomes);

/// The folder of one issue's run files (plan.md, transcripts): <runs_dir>/<issue> with
/// path separators and dot-names made safe.
std::filesystem::path run_dir(const std::filesystem::path& runs_dir, const std::string& issue);
/// <repo>/.fanout/runs
std::filesystem::path runs_dir(const std::filesystem::path& repo_root);

/// The transcripts in `dir` (*.jsonl) in the order a run writes them: plan, build, fix
/// rounds, then reviewers and the rest by name.
std::vector<std::filesystem::path> transcripts(const std::filesystem::path& dir);

} // namespace fanout::pipeline
