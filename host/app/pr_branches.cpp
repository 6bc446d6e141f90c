#include "host/app/pr_branches.hpp"

#include "host/workspace/naming.hpp"
#include "host/workspace/store.hpp"

#include <algorithm>
#include <chrono>
#include <sstream>

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
  sdk::ProcessSpec spec;
  spec.argv = {"git", "for-each-ref", "--format=%(refname)", "refs/heads/" + prefix + "*", "refs/remotes/*/" + prefix + "*"};
  spec.workdir = repo_root;
  spec.timeout = std::chrono::seconds(30);
  std::vector<std::string> branches;
  auto ran = processes.run(spec, [](sdk::Stream, const std::string&) {}, sdk::CancelToken());
  if (!ran || ran->exit_code != 0) return branches;
  std::istringstream lines(ran->out);
  for (std::string ref; std::getline(lines, ref);) {
    size_t at = ref.find(prefix);
    if (at == std::string::npos) continue;
    std::string branch = ref.substr(at);
    if (std::find(branches.begin(), branches.end(), branch) == branches.end()) branches.push_back(branch);
  }
  return branches;
}

} // namespace fanout::app
