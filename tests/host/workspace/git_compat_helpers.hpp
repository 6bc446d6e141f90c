#pragma once
// The compatibility suite's oracle: a repository built for one git feature, a worktree made
// by the built `fanout up` and one made by `git worktree add` at the same commit, and the
// first difference between them (files, modes, symlink targets, `git status`, the index,
// the worktree's admin folder).

#include "tests/support/shell.hpp"
#include "tests/support/temp_dir.hpp"

#include <filesystem>
#include <map>
#include <string>

namespace fanout::test {

/// A git repository in a fresh temp folder with one commit on "main" (README.md), and a
/// HOME of its own beside it. Every command of the row (building the repo, `fanout up`,
/// `git worktree add`) runs with that HOME, XDG_CONFIG_HOME=$HOME/.config and
/// GIT_CONFIG_NOSYSTEM=1, so global git config, XDG attributes and fanout's user config are
/// the row's own and the machine's git config plays no part. Both folders are removed on
/// destruction (also paths longer than PATH_MAX).
class CompatRepo {
public:
  CompatRepo();

  const std::filesystem::path& root() const { return m_root; }
  const std::filesystem::path& home() const { return m_home; }
  /// Writes a file relative to the root (making folders).
  void write(const std::string& path, const std::string& content) const;
  /// Writes a file relative to HOME (making folders).
  void write_home(const std::string& path, const std::string& content) const;
  /// Runs `command` with /bin/sh in the root with the row's environment; REQUIREs success
  /// and returns its output.
  std::string run(const std::string& command) const;
  /// run("git " + args).
  std::string git(const std::string& args) const { return run("git " + args); }
  /// `git add -A` and a commit of everything in the root.
  void commit(const std::string& message = "row") const;
  /// From now on PATH holds every program of the caller's PATH except git-lfs: a machine
  /// where git-lfs is not installed.
  void hide_git_lfs();
  /// The shell `export` that sets the row's environment, for the front of a command line.
  std::string env() const;
  /// Writes fanout.toml (this test process's ports), a user config under HOME that trusts
  /// the repository, and local issue 7; none of them committed.
  void write_fanout_config() const;
  /// Runs the built fanout with `args` (shell words) in the root, with the row's environment.
  Shell fanout(const std::string& args) const;

private:
  TempDir m_root_dir{"compat"}, m_home_dir{"compat-home"};
  std::filesystem::path m_root = m_root_dir.path(), m_home = m_home_dir.path();
  std::string m_path; ///< PATH for the row's commands
};

/// One thing in a worktree as lstat sees it.
struct TreeEntry {
  char type = '?';     ///< 'f' file, 'l' symlink, 'd' folder, '?' anything else
  unsigned mode = 0;   ///< permission bits (st_mode & 07777)
  std::string content; ///< a file's bytes or a symlink's target
  bool operator==(const TreeEntry&) const = default;
};

/// Everything under `root` by path relative to it, except the top-level `.git` file and
/// fanout's env file `.env.fanout`. Walks with openat, so paths past PATH_MAX are read.
std::map<std::string, TreeEntry> scan_tree(const std::filesystem::path& root);

/// "" when the two scans are equal; else the first path (in byte order) that differs and
/// how: only in one of them, type, mode, content (sizes and first differing offset) or
/// symlink target.
std::string first_difference(const std::map<std::string, TreeEntry>& fanout,
                             const std::map<std::string, TreeEntry>& git);

/// The two worktrees of one row, and what differs between them ("" when nothing does).
struct Comparison {
  std::filesystem::path fanout; ///< made by `fanout up 7`
  std::filesystem::path git;    ///< made by `git worktree add` at the same commit
  std::string difference;
};

/// Runs `git worktree add -b gitref/7 <root>/.gitref/worktrees/7 main` (a path as long as
/// fanout's), then write_fanout_config() and the built `fanout up 7`, and compares: the
/// trees (scan_tree), then `git status --porcelain` in each (both must be empty), then
/// `git ls-files -s -t` (the index, skip-worktree bits included), then the worktrees' admin
/// folders in the common git dir (the names of their files, and the contents of commondir,
/// config.worktree, info/sparse-checkout and locked).
Comparison compare_with_git(const CompatRepo& repo);

/// The admin folder of the linked worktree at `worktree` (from its `.git` file).
std::filesystem::path admin_dir(const std::filesystem::path& worktree);

} // namespace fanout::test
