#pragma once
// Test helpers for workspaces: real git repositories in temp folders, made and checked with
// the git CLI.

#include "host/workspace/workspace_manager.hpp"

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace fanout::test {

/// Output and exit status of a shell command.
struct Shell {
  int rc = -1;
  std::string out; ///< stdout and stderr together
};

/// Runs `command` with /bin/sh, in `dir` when given.
Shell sh(const std::string& command, const std::filesystem::path& dir = {});

/// A git repository in a fresh temp folder with one commit on "main" holding `files`
/// (path -> content). Removed on destruction.
class TempRepo {
public:
  explicit TempRepo(const std::map<std::string, std::string>& files = {{"README.md", "hello\n"}});
  ~TempRepo();
  TempRepo(const TempRepo&) = delete;
  TempRepo& operator=(const TempRepo&) = delete;

  const std::filesystem::path& root() const { return m_root; }
  /// Writes a file (making folders), relative to the root.
  void write(const std::string& path, const std::string& content) const;
  /// Runs `git <args>` in the root; REQUIREs success; returns its output.
  std::string git(const std::string& args) const;
  /// Settings::defaults(root()) with small port range.
  workspace::Settings settings() const;

private:
  std::filesystem::path m_root;
};

/// A fake database brancher that records branches in memory.
class FakeBrancher final : public sdk::DatabaseBrancher {
public:
  std::map<std::string, std::string> branches; ///< name -> url
  sdk::Result<sdk::DatabaseBranch> create(const std::string& name, const sdk::CancelToken&) override;
  sdk::Result<void> remove(const std::string& name, const sdk::CancelToken&) override;
  sdk::Result<std::vector<sdk::DatabaseBranch>> list(const sdk::CancelToken&) override;
};

/// An issue with `key` and `title`.
sdk::Issue issue(const std::string& key, const std::string& title = "Add a thing");

/// Reads a whole file.
std::string read_file(const std::filesystem::path& path);

} // namespace fanout::test
