#pragma once
// WorkspaceManager: the public API of host/workspace. One workspace per issue: a linked
// git worktree on branch fanout/<key>-<slug>, a port block, dependencies from the main
// checkout, a database branch, an env file, all recorded in the state store.
//
//   WorkspaceManager manager(Settings::from(config), brancher, &process_runner);
//   auto ws = manager.up(issue, cancel);           // create or reuse
//   auto env = manager.env("42");                  // for every process started there
//   manager.clean("42", {.force = false}, cancel); // tear down, keeping uncommitted work
//
// Thread-safe: up/clean/env may run from many threads at once (each call opens its own
// state connection and git repository); two processes on one repo are serialised by the
// state store's write lock where they would otherwise collide (names, ports).

#include "host/config/config.hpp"
#include "host/workspace/deps.hpp"
#include "host/workspace/port_leases.hpp"
#include "host/workspace/store.hpp"

#include <fanout/sdk/database_brancher.hpp>
#include <fanout/sdk/issue_tracker.hpp>
#include <fanout/sdk/process.hpp>

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace fanout::git {
class Repo;
} // namespace fanout::git

namespace fanout::workspace {

/// What the manager needs from the configuration.
struct Settings {
  std::filesystem::path repo_root;
  config::WorkspaceConfig workspace;   ///< root is made absolute by from()
  config::PortsConfig ports;
  std::string brancher;                ///< [database] brancher; "" = no database branches
  std::string url_env = "DATABASE_URL";
  unsigned threads = 0;                ///< checkout.workers and copy threads; 0 = git::checkout_threads()
  std::vector<std::string> pass_env;   ///< [agent] pass_env: host variables install and setup get too

  /// From the loaded config (root defaults to <repo>/.fanout/worktrees).
  static Settings from(const config::Config& config);
  /// Defaults for `repo_root` (no fanout.toml needed).
  static Settings defaults(const std::filesystem::path& repo_root);
};

/// A workspace as `up`, `ls` and `env` see it.
struct Workspace {
  Record record;
  PortBlock ports;
  DepsReport deps;               ///< what this `up` copied (empty when reused)
  bool existed = false;          ///< `up` found it ready and reused it
  std::filesystem::path log;     ///< .fanout/workspaces/<key>/setup.log
};

/// Reported steps of `up`, for progress lines.
using Progress = std::function<void(const std::string& key, const std::string& step)>;

struct CleanOptions {
  bool force = false;   ///< delete uncommitted work and unmerged branches
  bool dry_run = false; ///< only say what would be removed
};

/// What clean did (or would do, in a dry run), as lines for the user.
struct CleanReport {
  std::string key;
  std::vector<std::string> removed;
  std::vector<std::string> kept; ///< "kept .fanout/worktrees/7: 2 uncommitted changes (use --force to delete)"
  bool complete = false;         ///< the workspace record is gone
};

class WorkspaceManager {
public:
  /// `brancher` and `processes` may be null: no database branches / no setup commands
  /// (then a configured setup fails the workspace with a clear message). git itself runs
  /// through `processes`, or through a LocalProcessRunner of the host when it is null. Both
  /// must outlive the manager.
  WorkspaceManager(Settings settings, sdk::DatabaseBrancher* brancher, sdk::ProcessRunner* processes);

  const Settings& settings() const { return m_settings; }

  /// Creates the workspace of `issue`, or returns it when it is ready already; finishes
  /// one left half-made by a dead process. Failures (lower-case, for the user) leave the
  /// row `failed` with the reason; a workspace being made by a live process is refused.
  sdk::Result<Workspace> up(const sdk::Issue& issue, const sdk::CancelToken& cancel, const Progress& progress = {});

  /// The recorded workspace of `key`, if any; its path is where git says its worktree is
  /// (after a `git worktree move`, the new place).
  std::optional<Workspace> find(const std::string& key);
  /// Every recorded workspace, oldest first.
  std::vector<Workspace> list();

  /// The environment every process started in the workspace gets: PORT, FANOUT_PORTS,
  /// FANOUT_ISSUE, FANOUT_WORKSPACE, COMPOSE_PROJECT_NAME and the database URL under
  /// `url_env` (when there is a database branch). A failure for an unknown key.
  sdk::Result<std::map<std::string, std::string>> env(const std::string& key);

  /// Removes the workspace of `key`: worktree, branch (only if merged into its base, or
  /// with force), database branch, port lease, record. Never deletes uncommitted work
  /// without force: then nothing is removed and `kept` says why. Cleans leftovers of a
  /// key that has no record (a lease, a worktree folder) too, and with force the branches
  /// an earlier clean kept (those recorded as the key's, git::Repo::branch_owner). A
  /// failure for a key workspace::check_key() refuses, or when git or the removal of the
  /// worktree fails (what was removed before stays removed).
  sdk::Result<CleanReport> clean(const std::string& key, const CleanOptions& options, const sdk::CancelToken& cancel);

  /// Removes what no workspace owns: database branches the brancher lists that no record
  /// holds, and port leases of keys with no record (`fanout clean --orphans`). What cannot
  /// be removed is in the report's `kept`.
  sdk::Result<CleanReport> clean_orphans(const CleanOptions& options, const sdk::CancelToken& cancel);

  /// Keys whose branch has moved from its start (Record::start_commit) and whose tip is in
  /// its base: merged work. A branch with no commits of its own is not merged. A failure
  /// when git cannot read the repository or a branch.
  sdk::Result<std::vector<std::string>> merged_keys();

private:
  std::map<std::string, std::string> env_for(const Record& record, const PortBlock& ports) const;
  sdk::Result<void> write_env_file(const Record& record, const PortBlock& ports) const;
  sdk::Result<void> run_setup(const Record& record, const PortBlock& ports, const DepsReport& deps,
                              const sdk::CancelToken& cancel);
  /// up's first step: the record of `issue` (found, or new with its branch name) marked
  /// `creating` and its ports leased, in one transaction; `ws.existed` when it is ready.
  /// Returns the base branch.
  sdk::Result<std::string> reserve(const sdk::Issue& issue, Workspace& ws);
  /// up's second step: branch, worktree, dependencies, database branch, env file, setup;
  /// the record `ready` at the end.
  sdk::Result<void> make(Workspace& ws, const std::string& base, const sdk::CancelToken& cancel,
                         const std::function<void(const std::string&)>& step);
  /// Creates the record's branch at its base (start commit saved first) and records its owner.
  sdk::Result<void> make_branch(git::Repo& repo, WorkspaceStore& store, Record& record);
  std::string shown(const std::filesystem::path& path) const;
  /// Points `record.path` where git says its worktree is when `git worktree move` moved it.
  void follow_worktree(Record& record) const;

  Settings m_settings;
  sdk::DatabaseBrancher* m_brancher;
  sdk::ProcessRunner* m_processes;
};

/// `path` relative to `root` when inside it ("x/y"), else absolute.
std::string relative_to(const std::filesystem::path& path, const std::filesystem::path& root);

} // namespace fanout::workspace
