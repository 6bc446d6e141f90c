#include "host/workspace/ownership.hpp"

#include "host/git/linked_worktree.hpp"
#include "host/util/text_file.hpp"

#include <fstream>

namespace fanout::workspace {
namespace fs = std::filesystem;
namespace {

/// A git admin file's one line, without its line end.
std::string read_text(const fs::path& path) {
  std::string text = util::read_text(path);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

fs::path canonical_or_normal(const fs::path& path) {
  std::error_code ec;
  fs::path out = fs::weakly_canonical(path, ec);
  return (ec ? path : out).lexically_normal();
}

bool is_within(const fs::path& path, const fs::path& dir) {
  const fs::path rel = path.lexically_relative(dir);
  return !rel.empty() && *rel.begin() != "..";
}

/// `path` is a linked worktree of the repository whose common dir is `common_dir`.
bool registered_worktree(const fs::path& common_dir, const fs::path& path) {
  std::error_code ec;
  const fs::path dot_git = path / ".git";
  if (!fs::is_regular_file(fs::symlink_status(dot_git, ec))) return false;
  const auto gitdir = git::gitdir_of(path);
  if (!gitdir) return false;
  const fs::path admin = canonical_or_normal(*gitdir);
  if (canonical_or_normal(admin.parent_path()) != canonical_or_normal(common_dir / "worktrees")) return false;
  const fs::path back = fs::path(read_text(admin / "gitdir"));
  return !back.empty() && canonical_or_normal(back) == canonical_or_normal(dot_git);
}

fs::path made_record(const fs::path& common_dir, const std::string& name) { return common_dir / "fanout" / "made" / name; }

} // namespace

fs::path common_git_dir(const fs::path& repo_root) {
  std::error_code ec;
  const fs::path dot_git = repo_root / ".git";
  if (fs::is_directory(fs::symlink_status(dot_git, ec))) return dot_git;
  const auto gitdir = git::gitdir_of(repo_root);
  if (!gitdir) return dot_git;
  const fs::path git_dir = *gitdir;
  const std::string common = read_text(git_dir / "commondir");
  if (common.empty()) return git_dir.lexically_normal();
  fs::path out = common;
  return (out.is_relative() ? git_dir / out : out).lexically_normal();
}

void mark_made(const fs::path& common_dir, const std::string& name, const fs::path& path) {
  std::error_code ec;
  if (fs::exists(fs::symlink_status(path, ec))) return; // there before: not made by fanout
  fs::create_directories(made_record(common_dir, name).parent_path(), ec);
  std::ofstream(made_record(common_dir, name), std::ios::trunc) << path.lexically_normal().string() << '\n';
}

void forget_made(const fs::path& common_dir, const std::string& name) {
  std::error_code ec;
  fs::remove(made_record(common_dir, name), ec);
}

std::optional<fs::path> symlink_on_the_way(const fs::path& anchor, const fs::path& path) {
  std::error_code ec;
  const fs::path normal = path.lexically_normal();
  if (!is_within(normal, anchor.lexically_normal()))
    return fs::is_symlink(fs::symlink_status(normal, ec)) ? std::optional(normal) : std::nullopt;
  fs::path walk = anchor.lexically_normal();
  for (const auto& part : normal.lexically_relative(walk)) {
    if (part == ".") continue;
    walk /= part;
    if (fs::is_symlink(fs::symlink_status(walk, ec))) return walk;
  }
  return std::nullopt;
}

fs::path deletion_anchor(const fs::path& repo_root, const fs::path& workspace_root, const fs::path& path) {
  return is_within(path.lexically_normal(), repo_root.lexically_normal()) ? repo_root : workspace_root;
}

std::optional<std::string> why_not_ours(const fs::path& common_dir, const std::string& name, const fs::path& anchor,
                                        const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(path, ec))) return std::nullopt;
  if (auto link = symlink_on_the_way(anchor, path))
    return "\"" + link->string() + "\" is a symlink, and fanout never deletes through one";
  if (registered_worktree(common_dir, path)) return std::nullopt;
  const fs::path record = made_record(common_dir, name);
  if (fs::is_regular_file(record, ec) && fs::path(read_text(record)) == path.lexically_normal()) return std::nullopt;
  return "it is not a worktree of this repository and fanout did not make it";
}

sdk::Result<void> remove_worktree_folder(const fs::path& common_dir, const std::string& name, const fs::path& anchor,
                                         const fs::path& path, const std::string& shown) {
  if (auto why = why_not_ours(common_dir, name, anchor, path))
    return sdk::fail(sdk::FailureKind::error, "refused to delete \"" + shown + "\": " + *why +
                                                  " (move or delete it yourself, then try again)");
  std::error_code ec;
  fs::remove_all(path, ec);
  if (ec) return sdk::fail(sdk::FailureKind::error, "cannot delete \"" + shown + "\": " + ec.message());
  return {};
}

std::optional<std::string> remove_own_folder(const fs::path& anchor, const fs::path& path) {
  if (auto link = symlink_on_the_way(anchor, path))
    return "\"" + link->string() + "\" is a symlink, and fanout never deletes through one";
  std::error_code ec;
  fs::remove_all(path, ec);
  if (ec) return ec.message();
  return std::nullopt;
}

} // namespace fanout::workspace
