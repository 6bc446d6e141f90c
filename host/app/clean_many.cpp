#include "host/app/clean_many.hpp"

#include "host/state/process_ledger.hpp"
#include "host/state/run_lock.hpp"
#include "host/state/state_db.hpp"

namespace fanout::app {

sdk::Result<void> check_clean_request(const CleanRequest& request) {
  const int modes = !request.keys.empty() + request.merged + request.all;
  if (modes != 1 && !(modes == 0 && request.orphans))
    return sdk::fail(sdk::FailureKind::invalid_input, "clean: give issue keys, --merged or --all (one of them)");
  return {};
}

sdk::Result<std::vector<workspace::CleanReport>> clean_many(workspace::WorkspaceManager& manager,
                                                            const CleanRequest& request,
                                                            const sdk::CancelToken& cancel) {
  if (auto checked = check_clean_request(request); !checked.ok()) return std::move(checked).failure();
  const auto& repo_root = manager.settings().repo_root;
  std::vector<std::string> keys = request.keys;
  if (request.merged) {
    auto merged = manager.merged_keys();
    if (!merged.ok()) return std::move(merged).failure();
    keys = std::move(merged).value();
  }
  if (request.all)
    for (const auto& ws : manager.list()) keys.push_back(ws.record.key);
  std::vector<workspace::CleanReport> reports;
  if (!request.options.dry_run) {
    // What a fanout killed with -9 left running works in these worktrees: it goes first.
    state::StateDb db(state::StateDb::path_for(repo_root));
    for (const auto& orphan : state::end_orphans(db))
      if (request.on_orphan) request.on_orphan(state::describe(orphan));
  }
  const auto state_dir = state::StateDb::path_for(repo_root).parent_path();
  for (const auto& key : keys) {
    // A live run's agent works in the worktree: removing it under the agent loses the run.
    if (auto holder = state::RunLock::holder(state_dir, key); holder && !request.options.force) {
      reports.push_back({key, {}, {"kept the workspace: issue \"" + key + "\" is being run by " +
                                   state::describe(*holder) + " (stop it first, or use --force)"}});
      continue;
    }
    auto cleaned = manager.clean(key, request.options, cancel);
    if (!cleaned.ok()) return std::move(cleaned).failure(); // as before: the first failure ends the clean
    reports.push_back(std::move(cleaned).value());
  }
  if (request.orphans) {
    auto orphans = manager.clean_orphans(request.options, cancel);
    if (!orphans.ok()) return std::move(orphans).failure();
    reports.push_back(std::move(orphans).value());
  }
  return reports;
}

} // namespace fanout::app
