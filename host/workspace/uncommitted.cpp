#include "host/workspace/uncommitted.hpp"

#include "host/git/cli.hpp"
#include "host/git/linked_worktree.hpp"

namespace fanout::workspace {
namespace fs = std::filesystem;

namespace {
constexpr size_t k_shown_paths = 3;
} // namespace

sdk::Result<std::vector<std::string>> uncommitted_work(const config::WorkspaceConfig& config, const fs::path& worktree) {
  // A checkout that was cut short (git killed before it finished), holding only HEAD's files
  // as far as they were written; counting them as changes would make a plain `clean` keep it.
  if (!git::checkout_complete(worktree)) return std::vector<std::string>{};
  std::vector<std::string> ours{config.env_file};
  ours.insert(ours.end(), config.copy.begin(), config.copy.end());
  ours.insert(ours.end(), config.reuse.begin(), config.reuse.end());
  return git::changed_paths(worktree, ours);
}

std::string describe_uncommitted(const std::vector<std::string>& paths) {
  std::string out = std::to_string(paths.size()) + " uncommitted change" + (paths.size() == 1 ? "" : "s");
  for (size_t i = 0; i < paths.size() && i < k_shown_paths; ++i) out += (i == 0 ? ", e.g. " : ", ") + paths[i];
  return out;
}

} // namespace fanout::workspace
