#pragma once
// Test helpers for workspaces: real git repositories in temp folders, made and checked with
// the git CLI.

#include "host/workspace/workspace_manager.hpp"
#include "tests/support/shell.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/wait.hpp"

#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace fanout::test {

/// First port of this test process's [ports] range for CLI tests (span 100; Settings from
/// TempRepo::settings() use the range 10000 below). Below the kernel's ephemeral range
/// (32768-60999 here), so no client socket of a test running beside it can hold one of
/// its ports, which made blocks look busy; spread by pid so parallel test processes differ.
int test_port_base();

/// A git repository in a fresh temp folder with one commit on "main" holding `files`
/// (path -> content). Removed on destruction.
class TempRepo {
public:
  explicit TempRepo(const std::map<std::string, std::string>& files = {{"README.md", "hello\n"}});
  TempRepo(const TempRepo&) = delete;
  TempRepo& operator=(const TempRepo&) = delete;

  const std::filesystem::path& root() const { return m_dir.path(); }
  /// Writes a file (making folders), relative to the root.
  void write(const std::string& path, const std::string& content) const;
  /// Runs `git <args>` in the root; REQUIREs success; returns its output.
  std::string git(const std::string& args) const;
  /// Settings::defaults(root()) with small port range.
  workspace::Settings settings() const;

private:
  TempDir m_dir{"ws"};
};

/// A fake database brancher that records branches in memory. The failure switches make a
/// call fail (FailureKind::error) with the given message while they are non-empty; for
/// create and remove, only on the branch names in `fail_only` when that is not empty.
/// Thread-safe (calls are serialised), but set the switches while no call runs.
class FakeBrancher final : public sdk::DatabaseBrancher {
public:
  std::map<std::string, std::string> branches; ///< name -> url
  std::string fail_create, fail_remove, fail_list;
  std::set<std::string> fail_only;
  sdk::Result<sdk::DatabaseBranch> create(const std::string& name, const sdk::CancelToken&) override;
  sdk::Result<void> remove(const std::string& name, const sdk::CancelToken&) override;
  sdk::Result<std::vector<sdk::DatabaseBranch>> list(const sdk::CancelToken&) override;

private:
  bool fails(const std::string& message, const std::string& name) const;
  std::mutex m_mutex;
};

/// A manager with `settings` whose workspaces get database branches from `brancher` (the
/// settings' brancher is set to "fake").
workspace::WorkspaceManager with_brancher(workspace::Settings settings, FakeBrancher& brancher);

/// For TEST_CASE_METHOD: a fresh TempRepo and a manager on its settings with no database
/// brancher and no process runner; the test body sees `repo`, `manager` and `cancel`.
struct ManagedRepo {
  TempRepo repo;
  workspace::WorkspaceManager manager{repo.settings(), nullptr, nullptr};
  sdk::CancelToken cancel;
};

/// For TEST_CASE_METHOD: ManagedRepo whose workspaces get database branches from `brancher`.
struct BranchedRepo {
  TempRepo repo;
  FakeBrancher brancher;
  workspace::WorkspaceManager manager = with_brancher(repo.settings(), brancher);
  sdk::CancelToken cancel;
};

/// Commits a new file `name` (its content is its name) on the branch checked out at `path`;
/// REQUIREs success.
void commit_file(const std::filesystem::path& path, const std::string& name);

/// `size` pseudo-random bytes (NULs, CRs and LFs among them), the same for the same seed.
std::string random_bytes(size_t size, unsigned seed);

/// An issue with `key` and `title`.
sdk::Issue issue(const std::string& key, const std::string& title = "Add a thing");

/// workspace::copy_tree() that must succeed: its stats; the test case fails with the
/// copy's message when it does not.
workspace::CopyStats copy_tree_ok(const std::filesystem::path& from, const std::filesystem::path& to, unsigned threads);

/// Reads a whole file.
inline std::string read_file(const std::filesystem::path& path) { return read_text(path); }

/// For tests of the built `fanout`: a fanout.toml with a port range of this process's own
/// followed by `extra`, a user config (under `<repo>/.xdg`) that trusts the repo unless
/// `trusted` is false, and local issues 7 ("Add the login page") and 8 ("Fix the logout").
void write_cli_config(const TempRepo& repo, const std::string& extra = "", bool trusted = true);

/// For TEST_CASE_METHOD: a fresh TempRepo with write_cli_config's files; the test body sees
/// `repo`.
struct CliRepo {
  TempRepo repo;
  CliRepo() { write_cli_config(repo); }
};

/// Runs the built fanout with `args` (shell words) in `repo`, with the user config of
/// write_cli_config and fake `claude` and `codex` on PATH (so `doctor` finds its tools).
Shell fanout_cli(const TempRepo& repo, const std::string& args);

/// The line of a `fanout up` or `fanout ls` table whose first column is `key`, with each
/// run of spaces made one ("7 ready fanout/7-add-the-login-page ..."); "" when none.
std::string table_row(const std::string& output, const std::string& key);

} // namespace fanout::test
