// WorkspaceManager::clean: tear a workspace down, never losing uncommitted work silently.
#include "host/util/error.hpp"
#include "host/git/repo.hpp"
#include "host/git/linked_worktree.hpp"
#include "host/workspace/naming.hpp"
#include "host/workspace/ownership.hpp"
#include "host/workspace/uncommitted.hpp"
#include "host/workspace/workspace_manager.hpp"

#include <unistd.h>

#include <set>

namespace fanout::workspace {
namespace fs = std::filesystem;

namespace {
/// Branches of `key` that outlived its record (an earlier clean kept them unmerged): named
/// as branch_name() names them and recorded as `key`'s (the name alone is ambiguous).
sdk::Result<std::vector<std::string>> kept_branches(const git::Repo& repo, const std::string& key) {
  auto branches = repo.branches();
  if (!branches.ok()) return std::move(branches).failure();
  std::vector<std::string> out;
  for (const auto& branch : *branches) {
    if (!may_be_branch_of(branch, key)) continue;
    auto owner = repo.branch_owner(branch);
    if (!owner.ok()) return std::move(owner).failure();
    if (*owner == key) out.push_back(branch);
  }
  return out;
}
} // namespace

sdk::Result<CleanReport> WorkspaceManager::clean(const std::string& key, const CleanOptions& options,
                                                 const sdk::CancelToken& cancel) {
  if (auto checked = check_key(key); !checked.ok()) return std::move(checked).failure();
  CleanReport report{key};
  const std::string dir = directory_name(key);
  WorkspaceStore store(m_settings.repo_root);
  auto found = store.find(key);
  Record record;
  if (found) {
    record = *found;
    follow_worktree(record); // after `git worktree move`, where git says it is
  } else { // leftovers without a record: a lease, a worktree folder
    record.key = key;
    record.path = m_settings.workspace.root / dir;
  }
  if (found && (record.state == State::creating || record.state == State::removing) && record.pid != ::getpid() &&
      process_alive(record.pid)) {
    report.kept.push_back("kept " + shown(record.path) + ": process " + std::to_string(record.pid) +
                          " is working on it");
    return report;
  }

  auto opened = git::Repo::open(m_settings.repo_root);
  if (!opened.ok()) return std::move(opened).failure();
  git::Repo& repo = *opened;
  const auto registered = git::find_workspace_worktree(repo.common_dir(), record.path, record.branch, dir);
  // A lock is the user's word that the worktree stays, as git reads it (`git worktree remove`
  // refuses it even with -f; -f twice overrides, which fanout has no form of): nothing is
  // touched, with --force either. git's own "initializing" lock is left only by a git killed
  // while it added the worktree, which no live process is doing (checked above).
  if (registered && registered->locked() && !(registered->lock == git::k_initializing_lock && !registered->complete())) {
    report.kept.push_back("kept " + shown(registered->path) + ": " + git::describe_lock(*registered) + " (run \"git worktree unlock " +
                          shown(registered->path) + "\" to let clean remove it)");
    return report;
  }
  // Only what fanout can prove it made is deleted; anything else at the worktree's place
  // (a folder of the user's, a symlink a repo committed) stops the clean, said as such.
  const fs::path common_dir = repo.common_dir();
  const fs::path anchor = deletion_anchor(m_settings.repo_root, m_settings.workspace.root, record.path);
  if (auto why = why_not_ours(common_dir, dir, anchor, record.path)) {
    report.kept.push_back("kept " + shown(record.path) + ": refused to delete it: " + *why);
    return report;
  }

  // Uncommitted work decides everything: without --force, nothing is touched. A workspace
  // left `creating` by a dead process holds only what fanout made (no agent has run in it).
  const bool has_tree = fs::exists(record.path / ".git");
  const bool half_made = found && record.state == State::creating;
  if (has_tree && !options.force && !half_made) {
    const auto changes = uncommitted_work(m_settings.workspace, record.path);
    if (!changes.ok()) return changes.failure();
    if (!changes->empty()) {
      report.kept.push_back("kept " + shown(record.path) + ": " + describe_uncommitted(*changes) +
                            " (use --force to delete)");
      return report;
    }
  }

  std::vector<std::string> branches; // to delete
  const auto exists = found && !record.branch.empty() ? repo.branch_exists(record.branch) : sdk::Result<bool>(false);
  if (!exists.ok()) return exists.failure();
  if (*exists) {
    const auto merged = options.force ? sdk::Result<bool>(true) : repo.is_merged(record.branch, record.base);
    if (!merged.ok()) return merged.failure();
    if (*merged) branches.push_back(record.branch);
    else
      report.kept.push_back("kept branch \"" + record.branch + "\": not merged into \"" + record.base +
                            "\" (use --force to delete)");
  } else if (!found) {
    auto kept = kept_branches(repo, key);
    if (!kept.ok()) return std::move(kept).failure();
    for (const auto& branch : *kept) {
      if (options.force) branches.push_back(branch);
      else report.kept.push_back("kept branch \"" + branch + "\" (use --force to delete)");
    }
  }
  const bool has_lease = find_lease(store.db(), key).has_value();
  const bool has_db = !record.db_branch.empty();

  if (options.dry_run) {
    if (fs::exists(record.path)) report.removed.push_back("would remove worktree " + shown(record.path));
    for (const auto& branch : branches) report.removed.push_back("would delete branch \"" + branch + "\"");
    if (has_db) report.removed.push_back("would remove database branch \"" + record.db_branch + "\"");
    if (has_lease) report.removed.push_back("would release ports");
    return report;
  }
  if (found) {
    record.state = State::removing;
    record.pid = ::getpid();
    // On a full disk this write fails, and removing the worktree is what frees the space:
    // the mark (which keeps a concurrent up away) is skipped then; the record goes below.
    try {
      store.save(record);
    } catch (const UserError& e) {
      if (std::string_view(e.what()).find("disk") == std::string_view::npos) throw;
    }
  }

  const bool existed = fs::exists(record.path);
  if (registered)
    if (auto removed = git::remove_worktree(*registered); !removed.ok()) return std::move(removed).failure();
  // A folder git does not record as a worktree (cut short): deleted only when fanout made it.
  if (!registered || !registered->present)
    if (auto removed = remove_worktree_folder(common_dir, dir, anchor, record.path, shown(record.path)); !removed.ok())
      return std::move(removed).failure();
  forget_made(common_dir, dir);
  if (existed) report.removed.push_back("removed worktree " + shown(record.path));
  for (const auto& branch : branches) {
    if (const std::string where = repo.checked_out_in(branch); !where.empty()) { // git refuses it too
      std::error_code ec;
      const bool main = fs::equivalent(where, m_settings.repo_root, ec);
      report.kept.push_back("kept branch \"" + branch + "\": checked out in " + (main ? "the main checkout" : shown(where)));
      continue;
    }
    sdk::Result<void> deleted;
    store.db().transaction([&] { deleted = repo.delete_branch(branch); }); // a git config write, as in up
    if (!deleted.ok()) return std::move(deleted).failure();
    report.removed.push_back("deleted branch \"" + branch + "\"");
  }
  if (has_db) {
    if (!m_brancher) {
      report.kept.push_back("kept database branch \"" + record.db_branch + "\": brancher \"" + record.brancher +
                            "\" is not available");
    } else if (auto removed = m_brancher->remove(record.db_branch, cancel); !removed.ok()) {
      report.kept.push_back("kept database branch \"" + record.db_branch + "\": " + removed.failure().message);
    } else {
      report.removed.push_back("removed database branch \"" + record.db_branch + "\"");
    }
  }
  // The record goes only when nothing it points to is left behind (but a kept, unmerged
  // branch is the user's work, not a leftover).
  const bool db_left = has_db && !report.kept.empty() && report.kept.back().rfind("kept database", 0) == 0;
  if (db_left) {
    store.set_state(key, State::failed, "database branch could not be removed");
    return report;
  }
  store.db().transaction([&] {
    release_ports(store.db(), key);
    store.remove(key);
  });
  if (has_lease) report.removed.push_back("released ports");
  const fs::path logs = m_settings.repo_root / ".fanout" / "workspaces" / dir;
  if (auto why = remove_own_folder(m_settings.repo_root, logs))
    report.kept.push_back("kept " + shown(logs) + ": refused to delete it: " + *why);
  report.complete = true;
  return report;
}

sdk::Result<CleanReport> WorkspaceManager::clean_orphans(const CleanOptions& options, const sdk::CancelToken& cancel) {
  CleanReport report{"orphans"};
  WorkspaceStore store(m_settings.repo_root);
  std::set<std::string> keys, db_branches;
  for (const auto& record : store.all()) {
    keys.insert(record.key);
    db_branches.insert(record.db_branch);
  }
  const std::string verb = options.dry_run ? "would " : "";
  for (const auto& [key, block] : all_leases(store.db())) {
    if (keys.count(key)) continue;
    if (!options.dry_run) release_ports(store.db(), key);
    report.removed.push_back(verb + (options.dry_run ? "release" : "released") + " ports " + std::to_string(block.first) +
                             "-" + std::to_string(block.first + block.count - 1) + " of \"" + key + "\"");
  }
  if (m_brancher) {
    auto branches = m_brancher->list(cancel);
    if (!branches.ok()) {
      report.kept.push_back("cannot list database branches: " + branches.failure().message);
    } else {
      for (const auto& branch : *branches) {
        if (db_branches.count(branch.name)) continue;
        if (options.dry_run) {
          report.removed.push_back("would remove database branch \"" + branch.name + "\"");
        } else if (auto removed = m_brancher->remove(branch.name, cancel); removed.ok()) {
          report.removed.push_back("removed database branch \"" + branch.name + "\"");
        } else {
          report.kept.push_back("kept database branch \"" + branch.name + "\": " + removed.failure().message);
        }
      }
    }
  }
  report.complete = report.kept.empty();
  return report;
}

sdk::Result<std::vector<std::string>> WorkspaceManager::merged_keys() {
  WorkspaceStore store(m_settings.repo_root);
  auto repo = git::Repo::open(m_settings.repo_root);
  if (!repo.ok()) return std::move(repo).failure();
  std::vector<std::string> out;
  for (const auto& record : store.all()) {
    const auto exists = repo->branch_exists(record.branch);
    if (!exists.ok()) return exists.failure();
    if (!*exists) continue;
    // Merged means: the branch has commits of its own, and they are in the base. A new
    // workspace's branch sits on its start, inside the base, with nothing merged.
    const std::string start = record.start_commit.empty() ? repo->branch_start(record.branch) : record.start_commit;
    if (start.empty()) continue;
    const auto tip = repo->commit_of("refs/heads/" + record.branch);
    if (!tip.ok()) return tip.failure();
    if (*tip == start) continue;
    const auto merged = repo->is_merged(record.branch, record.base);
    if (!merged.ok()) return merged.failure();
    if (*merged) out.push_back(record.key);
  }
  return out;
}

} // namespace fanout::workspace
