#pragma once
// The branches of an issue's pull request (`fanout pr show`): which branches may hold the
// issue's work, named as host/workspace/naming.hpp names them.

#include <fanout/sdk/process.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace fanout::app {

/// Branches that may hold the work of issue `key`: the workspace's own branch when the
/// workspace store knows one; else every local or remote-tracking branch that starts with
/// workspace::branch_prefix(key) ("fanout/<key>-"), local ones first, each once (as the
/// branch name, without "refs/remotes/<remote>/"). Empty when there is none. Runs
/// `git for-each-ref` in `repo_root` through `processes`.
std::vector<std::string> pr_branches(const std::filesystem::path& repo_root, const std::string& key,
                                     sdk::ProcessRunner& processes);

} // namespace fanout::app
