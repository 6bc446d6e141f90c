#include "host/app/runner_orphans.hpp"

#include "host/pipeline/run_store.hpp"
#include "host/state/run_lock.hpp"
#include "host/state/state_db.hpp"

#include <map>
#include <optional>

namespace fanout::app {

sdk::Result<std::vector<sdk::RunnerResource>> runner_orphans(sdk::Runner& runner, const std::string& repo_id,
                                                             const std::filesystem::path& state_dir,
                                                             const sdk::CancelToken& cancel) {
  auto listed = runner.list(repo_id, cancel);
  if (!listed.ok()) return listed;
  // The id of each issue's live run; absent: no live run.
  std::map<std::string, std::optional<std::string>> live;
  const auto db_path = state_dir / "state.db";
  auto live_run = [&](const std::string& issue) -> std::optional<std::string> {
    if (auto found = live.find(issue); found != live.end()) return found->second;
    std::optional<std::string> id;
    if (state::RunLock::holder(state_dir, issue) && std::filesystem::exists(db_path)) {
      if (auto record = pipeline::RunStore(db_path).get(issue)) id = std::to_string(record->created_at);
    }
    live.emplace(issue, id);
    return id;
  };
  std::vector<sdk::RunnerResource> orphans;
  for (auto& resource : *listed) {
    if (resource.labels.repo != repo_id) continue; // not this checkout's: never ours to judge
    const auto run = live_run(resource.labels.issue);
    if (!run || *run != resource.labels.run) orphans.push_back(std::move(resource));
  }
  return orphans;
}

std::string describe(const sdk::RunnerResource& resource) {
  const auto& labels = resource.labels;
  return resource.id + " (issue \"" + labels.issue + "\", run " + labels.run + ", stage \"" + labels.stage + "\"" +
         (resource.state.empty() ? "" : ", " + resource.state) + ")";
}

std::vector<std::pair<std::string, std::string>> runner_findings(const RunnerScope& scope,
                                                                 const sdk::CancelToken& cancel) {
  std::vector<std::pair<std::string, std::string>> findings;
  auto orphans = runner_orphans(scope.runner, scope.repo_id, scope.state_dir, cancel);
  if (!orphans.ok()) {
    findings.emplace_back("[runner] " + scope.name + ": cannot list what it made: " + orphans.failure().message,
                          "fanout config check");
    return findings;
  }
  for (const auto& orphan : *orphans)
    findings.emplace_back("[runner] " + scope.name + " left " + describe(orphan) + ", which no live run owns",
                          "fanout clean --orphans");
  return findings;
}

RunnerCleanReport clean_runner_orphans(const RunnerScope& scope, bool dry_run, const sdk::CancelToken& cancel) {
  RunnerCleanReport report;
  auto orphans = runner_orphans(scope.runner, scope.repo_id, scope.state_dir, cancel);
  if (!orphans.ok()) {
    report.errors.push_back("[runner] " + scope.name + ": cannot list what it made: " + orphans.failure().message);
    return report;
  }
  for (const auto& orphan : *orphans) {
    if (dry_run) {
      report.done.push_back("would remove " + describe(orphan));
      continue;
    }
    if (auto removed = scope.runner.remove(orphan, cancel); removed.ok())
      report.done.push_back("removed " + describe(orphan));
    else
      report.errors.push_back("[runner] " + scope.name + ": cannot remove " + orphan.id + ": " +
                              removed.failure().message);
  }
  return report;
}

} // namespace fanout::app
