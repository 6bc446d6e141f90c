#pragma once
// Temp folders and small file helpers for tests: the one home of what every test folder
// used to write for itself (fresh folder, write a file, read it back, git repo with a
// commit).

#include <filesystem>
#include <map>
#include <string>

namespace fanout::test {

/// A fresh empty folder `<tmp>/fanout-<tag>-<pid>-<n>` (canonical: no symlink in its
/// path), removed with everything in it on destruction, also paths longer than PATH_MAX.
class TempDir {
public:
  explicit TempDir(const std::string& tag = "test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return m_path; }
  /// path() / relative.
  std::filesystem::path operator/(const std::filesystem::path& relative) const { return m_path / relative; }

private:
  std::filesystem::path m_path;
};

/// Writes `content` to `path` as bytes, making its folders.
void write_text(const std::filesystem::path& path, const std::string& content);

/// The bytes of `path` ("" when it cannot be read).
std::string read_text(const std::filesystem::path& path);

/// Makes `dir` a git repository on "main" whose local config has a test identity and no
/// commit signing, and commits `files` (path -> content, written first) with `message`
/// (no commit when `files` is empty). Every git command must succeed (REQUIRE).
void init_git_repo(const std::filesystem::path& dir, const std::map<std::string, std::string>& files,
                   const std::string& message = "initial");

} // namespace fanout::test
