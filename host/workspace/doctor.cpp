#include "host/workspace/doctor.hpp"

#include "host/state/process_ledger.hpp"
#include "host/git/repo.hpp"
#include "host/git/linked_worktree.hpp"
#include "host/workspace/naming.hpp"
#include "host/workspace/store.hpp"
#include "host/workspace/uncommitted.hpp"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <set>

namespace fanout::workspace {
namespace fs = std::filesystem;

bool on_path(const std::string& name) {
  if (name.find('/') != std::string::npos) return ::access(name.c_str(), X_OK) == 0;
  const char* path = std::getenv("PATH");
  std::string_view rest = path ? path : "/usr/bin:/bin";
  while (true) {
    const auto colon = rest.find(':');
    const std::string dir(rest.substr(0, colon));
    const fs::path candidate = fs::path(dir.empty() ? "." : dir) / name;
    if (::access(candidate.c_str(), X_OK) == 0 && !fs::is_directory(candidate)) return true;
    if (colon == std::string_view::npos) return false;
    rest.remove_prefix(colon + 1);
  }
}

std::optional<std::pair<int, int>> ephemeral_port_range(const fs::path& file) {
  std::ifstream in(file);
  int low = 0, high = 0;
  if (!(in >> low >> high) || low <= 0 || high < low) return std::nullopt;
  return std::pair{low, high};
}

std::optional<Finding> ephemeral_overlap(const config::PortsConfig& ports, std::optional<std::pair<int, int>> ephemeral) {
  if (!ephemeral) return std::nullopt;
  const int first = ports.base, last = ports.base + ports.span - 1;
  const auto [low, high] = *ephemeral;
  if (last < low || first > high) return std::nullopt;
  return Finding{"[ports] " + std::to_string(first) + "-" + std::to_string(last) +
                     " overlaps the kernel's ephemeral port range " + std::to_string(low) + "-" +
                     std::to_string(high) + ": outgoing connections take ports there, so blocks look busy at random",
                 "set [ports] base and span in fanout.toml to stay below " + std::to_string(low) +
                     " (the default is base = 4000, span = 1000)"};
}

sdk::Result<std::vector<Finding>> doctor(WorkspaceManager& manager, sdk::DatabaseBrancher* brancher,
                                         const std::vector<ToolCheck>& tools, const sdk::CancelToken& cancel) {
  const Settings& s = manager.settings();
  const auto shown = [&](const fs::path& p) { return relative_to(p, s.repo_root); };
  std::vector<Finding> findings;
  const auto records = manager.list();
  std::set<std::string> recorded_paths, recorded_keys, recorded_db;
  for (const auto& ws : records) {
    recorded_paths.insert(fs::weakly_canonical(ws.record.path).string());
    recorded_keys.insert(ws.record.key);
    if (!ws.record.db_branch.empty()) recorded_db.insert(ws.record.db_branch);
  }

  auto repo = git::Repo::open(s.repo_root);
  if (!repo.ok()) return std::move(repo).failure();
  const fs::path common = repo->common_dir();
  const fs::path root = fs::weakly_canonical(s.workspace.root);
  for (const auto& wt : git::list_worktrees(common)) {
    if (wt.path.empty()) continue; // git's own `worktree prune` says what is wrong with it
    const fs::path path = fs::weakly_canonical(wt.path);
    // git keeps a locked worktree whose folder is gone (a removable disk, say): so does doctor.
    if (!wt.present && !wt.locked()) {
      findings.push_back({"worktree \"" + wt.id + "\" is registered but " + shown(wt.path) + " is gone",
                          "git worktree prune"});
    } else if (wt.present && path.string().rfind(root.string() + "/", 0) == 0 && !recorded_paths.count(path.string())) {
      const std::string unlock = wt.locked() ? "git worktree unlock " + shown(wt.path) + " && " : "";
      findings.push_back({"worktree " + shown(wt.path) + " has no workspace record" +
                              (wt.locked() ? " and is " + git::describe_lock(wt) : ""),
                          unlock + "git worktree remove --force " + shown(wt.path)});
    }
  }
  // `fanout clean KEY` keeps a worktree with uncommitted work (except one left half-made,
  // which holds only what fanout made): then the fix that works is --force, and the finding
  // says what that deletes.
  const auto clean_fix = [&](const Record& r, std::string& problem) {
    std::vector<std::string> changes;
    if (r.state != State::creating) {
      auto found = uncommitted_work(s.workspace, r.path);
      if (found.ok()) changes = std::move(found).value();
      else problem += "; " + found.failure().message; // clean will say the same; doctor goes on
    }
    // A locked worktree is kept by clean, --force or not (as by `git worktree remove -f`).
    std::string unlock;
    const auto registered = git::find_workspace_worktree(common, r.path, r.branch, directory_name(r.key));
    if (registered && registered->locked() && registered->lock != git::k_initializing_lock) {
      problem += "; its worktree is " + git::describe_lock(*registered);
      unlock = "git worktree unlock " + shown(registered->path) + " && ";
    }
    if (changes.empty()) return unlock + "fanout clean " + r.key;
    problem += "; its worktree has " + describe_uncommitted(changes);
    return unlock + "fanout clean " + r.key + " --force";
  };
  for (const auto& ws : records) {
    const Record& r = ws.record;
    const bool dead = !process_alive(r.pid) || r.pid == ::getpid();
    if ((r.state == State::creating || r.state == State::removing) && dead) {
      std::string problem = "workspace \"" + r.key + "\" was left half-" +
                            (r.state == State::creating ? "made" : "removed") + " by process " +
                            std::to_string(r.pid) + ", which is gone";
      const std::string clean = clean_fix(r, problem);
      findings.push_back({problem, r.state == State::creating ? "fanout up " + r.key + "  (or: " + clean + ")" : clean});
    } else if (r.state == State::failed) {
      std::string problem = "workspace \"" + r.key + "\" failed: " + r.error.substr(0, r.error.find('\n'));
      const std::string clean = clean_fix(r, problem);
      findings.push_back({problem, "fanout up " + r.key + "  (or: " + clean + ")"});
    } else if (r.state == State::ready && !fs::exists(r.path / ".git")) {
      findings.push_back({"workspace \"" + r.key + "\" has no worktree at " + shown(r.path), "fanout clean " + r.key});
    }
  }
  WorkspaceStore store(s.repo_root);
  for (const auto& [key, block] : all_leases(store.db()))
    if (!recorded_keys.count(key))
      findings.push_back({"ports " + std::to_string(block.first) + "-" + std::to_string(block.first + block.count - 1) +
                              " are leased to \"" + key + "\", which has no workspace",
                          "fanout clean " + key});
  if (brancher) {
    auto branches = brancher->list(cancel);
    if (!branches.ok()) {
      findings.push_back({"cannot list database branches: " + branches.failure().message,
                          "fanout config check"});
    } else {
      for (const auto& branch : *branches)
        if (!recorded_db.count(branch.name))
          findings.push_back({"database branch \"" + branch.name + "\" has no workspace",
                              "fanout clean --orphans"});
    }
  }
  for (const auto& orphan : state::find_orphans(store.db()))
    findings.push_back({state::describe(orphan) + ", which is gone, still runs",
                        "fanout clean --orphans  (fanout run and resume also end it before they start)"});
  if (auto overlap = ephemeral_overlap(s.ports, ephemeral_port_range())) findings.push_back(*overlap);
  for (const auto& tool : tools)
    if (!on_path(tool.name))
      findings.push_back({"\"" + tool.name + "\" is not on PATH", tool.install});
  return findings;
}

} // namespace fanout::workspace
