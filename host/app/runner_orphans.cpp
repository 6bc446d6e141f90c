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

} // namespace fanout::app
