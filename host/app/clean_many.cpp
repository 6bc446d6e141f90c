#include "host/app/clean_many.hpp"

#include "host/state/process_ledger.hpp"
#include "host/state/run_lock.hpp"
#include "host/state/state_db.hpp"
#include "host/util/error.hpp"

namespace fanout::app {

void check_clean_request(const CleanRequest& request) {
  const int modes = !request.keys.empty() + request.merged + request.all;
  if (modes != 1 && !(modes == 0 && request.orphans))
    throw UserError("clean: give issue keys, --merged or --all (one of them)", ExitCode::usage);
}

std::vector<workspace::CleanReport> clean_many(workspace::WorkspaceManager& manager, const CleanRequest& request,
                                               const sdk::CancelToken& cancel) {
  check_clean_request(request);
  const auto& repo_root = manager.settings().repo_root;
  std::vector<std::string> keys = request.keys;
  if (request.merged) keys = manager.merged_keys();
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
    reports.push_back(manager.clean(key, request.options, cancel));
  }
  if (request.orphans) reports.push_back(manager.clean_orphans(request.options, cancel));
  return reports;
}

} // namespace fanout::app
