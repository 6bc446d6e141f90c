#pragma once
// What `fanout run` decides before the fleet starts: which issues, and the run lock of each
// (one live run per issue across processes).

#include "host/state/run_lock.hpp"

#include <fanout/sdk/issue_tracker.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace fanout::app {

/// `keys`, then every open issue labelled `label` in `tracker` (when `label` is not empty).
/// Throws UserError: `cannot list issues labelled "x": <why>`, `no open issues are labelled
/// "x"`, and `no issues to run (name them, or pass --label)` (ExitCode::usage) for none.
std::vector<std::string> issues_to_run(sdk::IssueTracker& tracker, std::vector<std::string> keys,
                                       const std::string& label);

/// The run lock of every key, taken under the state store's folder of `repo_root`, or a
/// UserError naming the process that holds one (state::live_run_message); locks taken
/// before it are released.
std::vector<state::RunLock> lock_runs(const std::filesystem::path& repo_root, const std::vector<std::string>& keys);

} // namespace fanout::app
