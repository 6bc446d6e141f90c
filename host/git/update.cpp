#include "host/git/update.hpp"

#include "host/git/changes.hpp"
#include "host/git/cli.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace fanout::git {
namespace {

namespace fs = std::filesystem;

RunOptions c_locale() {
  RunOptions options;
  options.env = {{"LC_ALL", "C"}, {"GIT_EDITOR", "true"}};
  options.keep_bytes = 16u << 20;
  return options;
}

sdk::Result<std::string> git_in(sdk::ProcessRunner& runner, const fs::path& worktree, std::vector<std::string> args,
                                const sdk::CancelToken& cancel) {
  args.insert(args.begin(), {"-C", worktree.string()});
  return run(&runner, args, worktree, cancel, c_locale());
}

/// `-c user.name=... -c user.email=...` when git has no identity for the user, as
/// commit_leftovers() does: a rebase or merge commit needs one.
std::vector<std::string> identity(sdk::ProcessRunner& runner, const fs::path& worktree, const sdk::CancelToken& cancel) {
  const bool has = git_in(runner, worktree, {"config", "--get", "user.name"}, cancel).ok() &&
                   git_in(runner, worktree, {"config", "--get", "user.email"}, cancel).ok();
  if (has) return {};
  return {"-c", "user.name=" + std::string(k_fallback_name), "-c", "user.email=" + std::string(k_fallback_email)};
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(line);
  return out;
}

sdk::Result<std::vector<std::string>> unmerged(sdk::ProcessRunner& runner, const fs::path& worktree,
                                               const sdk::CancelToken& cancel) {
  auto out = git_in(runner, worktree, {"diff", "--name-only", "--diff-filter=U"}, cancel);
  if (!out.ok()) return std::move(out).failure();
  return lines(*out);
}

bool in_progress(sdk::ProcessRunner& runner, const fs::path& worktree, const std::string& what,
                 const sdk::CancelToken& cancel) {
  auto path = git_in(runner, worktree, {"rev-parse", "--git-path", what}, cancel);
  if (!path.ok()) return false;
  auto shown = lines(*path);
  if (shown.empty()) return false;
  fs::path found = shown.front();
  if (found.is_relative()) found = worktree / found;
  return fs::exists(found);
}

bool rebasing(sdk::ProcessRunner& runner, const fs::path& worktree, const sdk::CancelToken& cancel) {
  return in_progress(runner, worktree, "rebase-merge", cancel) || in_progress(runner, worktree, "rebase-apply", cancel);
}

/// The files of `files` that still hold a conflict marker line.
std::vector<std::string> with_markers(const fs::path& worktree, const std::vector<std::string>& files) {
  std::vector<std::string> out;
  for (const auto& file : files) {
    std::ifstream in(worktree / file);
    for (std::string line; std::getline(in, line);)
      if (line.rfind("<<<<<<< ", 0) == 0 || line.rfind(">>>>>>> ", 0) == 0) {
        out.push_back(file);
        break;
      }
  }
  return out;
}

std::string joined(const std::vector<std::string>& files) {
  std::string out;
  for (const auto& file : files) out += (out.empty() ? "\"" : ", \"") + file + "\"";
  return out;
}

/// After a rebase or merge command exited non-zero: its conflicts, or its own failure.
sdk::Result<std::vector<std::string>> conflicts_or(sdk::ProcessRunner& runner, const fs::path& worktree,
                                                   const sdk::ProcessResult& ran, const std::string& what,
                                                   const sdk::CancelToken& cancel) {
  if (ran.exit_code == 0 && !ran.signaled) return std::vector<std::string>{};
  auto files = unmerged(runner, worktree, cancel);
  if (!files.ok()) return files;
  if (!files->empty()) return files;
  return sdk::fail(sdk::FailureKind::error, "\"" + what + "\" failed: " + shown_error(ran.err + ran.out));
}

} // namespace

sdk::Result<std::vector<CommitLine>> commits_between(sdk::ProcessRunner& runner, const fs::path& worktree,
                                                     const std::string& from, const std::string& to,
                                                     const sdk::CancelToken& cancel) {
  auto out = git_in(runner, worktree, {"log", "--reverse", "--no-color", "--format=%H %s", from + ".." + to}, cancel);
  if (!out.ok()) return std::move(out).failure();
  std::vector<CommitLine> commits;
  for (const auto& line : lines(*out)) {
    const auto space = line.find(' ');
    commits.push_back({line.substr(0, space), space == std::string::npos ? "" : line.substr(space + 1)});
  }
  return commits;
}

sdk::Result<bool> conflicts_with(sdk::ProcessRunner& runner, const fs::path& worktree, const std::string& base,
                                 const sdk::CancelToken& cancel) {
  auto ran = run_process(&runner, {"-C", worktree.string(), "merge-tree", "--write-tree", "--name-only", "HEAD", base},
                         worktree, cancel, c_locale());
  if (!ran.ok()) return std::move(ran).failure();
  if (ran->cancelled) return sdk::fail(sdk::FailureKind::cancelled, "\"git merge-tree\" was cancelled");
  // Exit 1: the merge has conflicts; anything else but 0 is git failing.
  if (ran->exit_code == 1 && !ran->signaled) return true;
  if (ran->exit_code == 0 && !ran->signaled) return false;
  return sdk::fail(sdk::FailureKind::error, "\"git merge-tree\" failed: " + shown_error(ran->err));
}

sdk::Result<std::vector<std::string>> start_update(sdk::ProcessRunner& runner, const fs::path& worktree,
                                                   const std::string& base, UpdateStrategy strategy,
                                                   const sdk::CancelToken& cancel) {
  std::vector<std::string> args = {"-C", worktree.string()};
  for (auto& arg : identity(runner, worktree, cancel)) args.push_back(std::move(arg));
  if (strategy == UpdateStrategy::rebase) args.insert(args.end(), {"rebase", "--no-autostash", base});
  else args.insert(args.end(), {"merge", "--no-edit", "--no-verify", base});
  const std::string what = strategy == UpdateStrategy::rebase ? "git rebase" : "git merge";
  auto ran = run_process(&runner, args, worktree, cancel, c_locale());
  if (!ran.ok()) return std::move(ran).failure();
  if (ran->cancelled) return sdk::fail(sdk::FailureKind::cancelled, "\"" + what + "\" was cancelled");
  return conflicts_or(runner, worktree, *ran, what, cancel);
}

sdk::Result<std::vector<std::string>> continue_update(sdk::ProcessRunner& runner, const fs::path& worktree,
                                                      const sdk::CancelToken& cancel) {
  auto files = unmerged(runner, worktree, cancel);
  if (!files.ok()) return files;
  // The builder resolved the files but may not have staged them: markers decide.
  auto status = git_in(runner, worktree, {"diff", "--name-only", "HEAD"}, cancel);
  std::vector<std::string> touched = status.ok() ? lines(*status) : std::vector<std::string>{};
  for (const auto& file : *files)
    if (std::find(touched.begin(), touched.end(), file) == touched.end()) touched.push_back(file);
  if (auto marked = with_markers(worktree, touched); !marked.empty())
    return sdk::fail(sdk::FailureKind::conflict, "conflict markers remain in " + joined(marked));
  if (auto added = git_in(runner, worktree, {"add", "-A"}, cancel); !added.ok()) return std::move(added).failure();
  std::vector<std::string> args = {"-C", worktree.string()};
  for (auto& arg : identity(runner, worktree, cancel)) args.push_back(std::move(arg));
  const bool rebase = rebasing(runner, worktree, cancel);
  if (rebase) args.insert(args.end(), {"rebase", "--continue"});
  else if (in_progress(runner, worktree, "MERGE_HEAD", cancel)) args.insert(args.end(), {"commit", "--no-edit", "--no-verify"});
  else return std::vector<std::string>{}; // the builder completed the update itself
  const std::string what = rebase ? "git rebase --continue" : "git commit";
  auto ran = run_process(&runner, args, worktree, cancel, c_locale());
  if (!ran.ok()) return std::move(ran).failure();
  if (ran->cancelled) return sdk::fail(sdk::FailureKind::cancelled, "\"" + what + "\" was cancelled");
  return conflicts_or(runner, worktree, *ran, what, cancel);
}

void abort_update(sdk::ProcessRunner& runner, const fs::path& worktree) {
  const sdk::CancelToken none;
  if (rebasing(runner, worktree, none)) (void)git_in(runner, worktree, {"rebase", "--abort"}, none);
  else if (in_progress(runner, worktree, "MERGE_HEAD", none)) (void)git_in(runner, worktree, {"merge", "--abort"}, none);
}

} // namespace fanout::git
