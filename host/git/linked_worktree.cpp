#include "host/git/linked_worktree.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <fstream>

namespace fanout::git {
namespace fs = std::filesystem;

namespace {

/// The first line of `file`, without its newline; nullopt when it cannot be read.
std::optional<std::string> first_line(const fs::path& file) {
  std::ifstream in(file);
  if (!in) return std::nullopt;
  std::string line;
  std::getline(in, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

/// The whole of `file` without trailing newlines (a lock reason may span lines).
std::optional<std::string> content(const fs::path& file) {
  std::ifstream in(file);
  if (!in) return std::nullopt;
  std::string text(std::istreambuf_iterator<char>(in), {});
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

bool same_file(const fs::path& a, const fs::path& b) {
  std::error_code ec;
  return fs::equivalent(a, b, ec);
}

LinkedWorktree read_admin(const fs::path& admin) {
  LinkedWorktree wt;
  wt.id = admin.filename().string();
  wt.admin = admin;
  // `gitdir` holds the path of the worktree's .git file, absolute as git 2.39 writes it
  // (relative to the admin folder when a newer git wrote it relative).
  if (auto gitdir = first_line(admin / "gitdir"); gitdir && !gitdir->empty()) {
    fs::path dot_git = *gitdir;
    if (dot_git.is_relative()) dot_git = (admin / dot_git).lexically_normal();
    wt.path = dot_git.parent_path();
    std::error_code ec;
    wt.present = fs::exists(fs::symlink_status(dot_git, ec));
    if (wt.present && fs::is_regular_file(dot_git, ec)) {
      const auto line = first_line(dot_git);
      constexpr std::string_view prefix = "gitdir: ";
      if (line && line->rfind(prefix, 0) == 0) {
        fs::path target = line->substr(prefix.size());
        if (target.is_relative()) target = wt.path / target;
        wt.points_back = same_file(target, admin);
      }
    }
  }
  wt.lock = content(admin / "locked");
  constexpr std::string_view ref = "ref: ";
  if (auto head = first_line(admin / "HEAD"); head && head->rfind(ref, 0) == 0) wt.head = head->substr(ref.size());
  return wt;
}

} // namespace

bool LinkedWorktree::complete() const {
  return present && fs::exists(admin / "index") && lock != std::optional<std::string>(k_initializing_lock);
}

std::string describe_lock(const LinkedWorktree& worktree) {
  std::string text = "locked by \"git worktree lock\"";
  if (worktree.lock && !worktree.lock->empty()) text += " (reason: \"" + *worktree.lock + "\")";
  return text;
}

std::vector<LinkedWorktree> list_worktrees(const fs::path& common_dir) {
  std::vector<LinkedWorktree> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(common_dir / "worktrees", ec))
    if (entry.is_directory(ec)) out.push_back(read_admin(entry.path()));
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return out;
}

std::optional<LinkedWorktree> find_workspace_worktree(const fs::path& common_dir, const fs::path& path,
                                                      const std::string& branch, const std::string& id) {
  const auto all = list_worktrees(common_dir);
  // git records the real path (symlinks resolved) of a worktree it adds.
  const fs::path real = fs::weakly_canonical(path).lexically_normal();
  for (const auto& wt : all)
    if (!wt.path.empty() && (wt.path.lexically_normal() == real || same_file(wt.path, path))) return wt;
  if (branch.empty()) return std::nullopt;
  for (const auto& wt : all)
    if (wt.id == id && wt.points_back && wt.head == "refs/heads/" + branch) return wt;
  return std::nullopt;
}

std::optional<fs::path> gitdir_of(const fs::path& checkout) {
  const auto line = first_line(checkout / ".git");
  constexpr std::string_view prefix = "gitdir: ";
  if (!line || line->rfind(prefix, 0) != 0) return std::nullopt;
  fs::path dir = line->substr(prefix.size());
  if (dir.is_relative()) dir = checkout / dir;
  return dir.lexically_normal();
}

bool checkout_complete(const fs::path& path) {
  const auto admin = gitdir_of(path);
  std::error_code ec;
  if (!admin || !fs::is_directory(*admin, ec)) return false;
  return read_admin(*admin).complete();
}

sdk::Result<void> remove_worktree(const LinkedWorktree& worktree) {
  const auto failed = [](const std::string& message) { return sdk::fail(sdk::FailureKind::error, message); };
  std::error_code ec;
  if (worktree.present && !worktree.points_back)
    return failed("\"" + worktree.path.string() + "\" does not hold git's worktree \"" + worktree.id +
                  "\" (its .git names another): not deleted");
  if (worktree.present) {
    fs::remove_all(worktree.path, ec);
    if (ec) return failed("cannot delete \"" + worktree.path.string() + "\": " + ec.message());
  }
  // Out of worktrees/ in one rename first: a `git worktree add` running meanwhile reads every
  // folder there, and fails on one that is half deleted.
  static std::atomic<unsigned> counter{0};
  const fs::path doomed = worktree.admin.parent_path().parent_path() /
                          ("fanout-removing-" + worktree.id + "-" + std::to_string(::getpid()) + "-" +
                           std::to_string(counter++));
  fs::rename(worktree.admin, doomed, ec);
  if (ec) return failed("cannot delete \"" + worktree.admin.string() + "\": " + ec.message());
  fs::remove_all(doomed, ec);
  if (ec) return failed("cannot delete \"" + doomed.string() + "\": " + ec.message());
  return {};
}

} // namespace fanout::git
