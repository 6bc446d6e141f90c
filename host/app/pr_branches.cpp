#include "host/app/pr_branches.hpp"

#include "host/git/cli.hpp"
#include "host/workspace/naming.hpp"
#include "host/workspace/store.hpp"

namespace fanout::app {

std::vector<std::string> pr_branches(const std::filesystem::path& repo_root, const std::string& key,
                                     sdk::ProcessRunner& processes) {
  try {
    workspace::WorkspaceStore store(repo_root);
    if (auto record = store.find(key); record && !record->branch.empty()) return {record->branch};
  } catch (const std::exception&) {
    // No state store yet: fall back to the branch names.
  }
  const std::string prefix = workspace::branch_prefix(key);
  auto branches = git::branches_with_prefix(processes, repo_root, prefix);
  return branches.ok() ? std::move(branches).value() : std::vector<std::string>{};
}

} // namespace fanout::app
