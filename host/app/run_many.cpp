#include "host/app/run_many.hpp"

#include "host/state/state_db.hpp"
#include "host/util/error.hpp"

namespace fanout::app {

std::vector<std::string> issues_to_run(sdk::IssueTracker& tracker, std::vector<std::string> keys,
                                       const std::string& label) {
  if (!label.empty()) {
    sdk::IssueQuery query;
    query.labels = {label};
    auto listed = tracker.list(query, sdk::CancelToken{});
    if (!listed.ok()) throw UserError("cannot list issues labelled \"" + label + "\": " + listed.failure().message);
    for (const auto& issue : *listed) keys.push_back(issue.key);
    if (keys.empty()) throw UserError("no open issues are labelled \"" + label + "\"");
  }
  if (keys.empty()) throw UserError("no issues to run (name them, or pass --label)", ExitCode::usage);
  return keys;
}

std::vector<state::RunLock> lock_runs(const std::filesystem::path& repo_root, const std::vector<std::string>& keys) {
  const auto state_dir = state::StateDb::path_for(repo_root).parent_path();
  std::vector<state::RunLock> locks;
  for (const auto& key : keys) {
    state::LockHolder holder;
    auto lock = value_or_throw(state::RunLock::take(state_dir, key, holder));
    if (!lock) throw UserError(state::live_run_message(key, holder));
    locks.push_back(std::move(*lock));
  }
  return locks;
}

} // namespace fanout::app
