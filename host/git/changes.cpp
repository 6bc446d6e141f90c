#include "host/git/changes.hpp"

#include "host/git/cli.hpp"

namespace fanout::git {
namespace {

sdk::Result<std::string> run_git(sdk::ProcessRunner& runner, const std::filesystem::path& worktree,
                                 std::vector<std::string> args, const sdk::CancelToken& cancel) {
  const std::string name = what_of(args);
  args.insert(args.begin(), {"-C", worktree.string()});
  RunOptions options;
  options.env = {{"LC_ALL", "C"}};
  options.keep_bytes = 64u << 20;
  auto result = run_process(&runner, args, worktree, cancel, options);
  if (!result.ok()) return std::move(result).failure();
  if (result->cancelled) return sdk::fail(sdk::FailureKind::cancelled, name + " was cancelled");
  if (result->signaled || result->exit_code != 0) {
    std::string err = result->err;
    while (!err.empty() && (err.back() == '\n' || err.back() == ' ')) err.pop_back();
    return sdk::fail(sdk::FailureKind::error, name + " failed in \"" + worktree.string() +
                                                  "\": " + (err.empty() ? "exit " + std::to_string(result->exit_code) : err));
  }
  return std::move(result->out);
}

} // namespace

sdk::Result<std::string> head(sdk::ProcessRunner& runner, const std::filesystem::path& worktree,
                              const sdk::CancelToken& cancel) {
  auto out = run_git(runner, worktree, {"rev-parse", "HEAD"}, cancel);
  if (!out.ok()) return out;
  std::string sha = std::move(*out);
  while (!sha.empty() && (sha.back() == '\n' || sha.back() == '\r')) sha.pop_back();
  return sha;
}

sdk::Result<std::string> diff(sdk::ProcessRunner& runner, const std::filesystem::path& worktree,
                              const std::string& base, const sdk::CancelToken& cancel) {
  return run_git(runner, worktree, {"diff", "--no-color", "--no-ext-diff", base + "...HEAD"}, cancel);
}

sdk::Result<std::string> status(sdk::ProcessRunner& runner, const std::filesystem::path& worktree,
                                const sdk::CancelToken& cancel) {
  return run_git(runner, worktree, {"status", "--porcelain"}, cancel);
}

sdk::Result<bool> commit_leftovers(sdk::ProcessRunner& runner, const std::filesystem::path& worktree,
                                   const std::string& message, const sdk::CancelToken& cancel) {
  auto changes = status(runner, worktree, cancel);
  if (!changes.ok()) return std::move(changes).failure();
  if (changes->find_first_not_of(" \n") == std::string::npos) return false;
  // `add -A` honours .gitignore and the excludes, so files fanout copied into the worktree
  // (and excluded there) stay out, whatever the agent did.
  auto added = run_git(runner, worktree, {"add", "-A"}, cancel);
  if (!added.ok()) return std::move(added).failure();
  std::vector<std::string> args;
  const bool has_identity = run_git(runner, worktree, {"config", "--get", "user.name"}, cancel).ok() &&
                            run_git(runner, worktree, {"config", "--get", "user.email"}, cancel).ok();
  if (!has_identity) args = {"-c", "user.name=" + std::string(k_fallback_name), "-c",
                             "user.email=" + std::string(k_fallback_email)};
  // --no-verify: hooks live in the git dir, which a sandboxed agent could not reach but an
  // unsandboxed one could have written; fanout runs nothing an agent may have planted.
  args.insert(args.end(), {"commit", "-q", "--no-verify", "-m", message});
  auto committed = run_git(runner, worktree, std::move(args), cancel);
  if (!committed.ok()) return std::move(committed).failure();
  return true;
}

sdk::Result<std::vector<std::pair<std::string, std::string>>> touched_files(sdk::ProcessRunner& runner,
                                                                           const std::filesystem::path& worktree,
                                                                           const std::string& base,
                                                                           const sdk::CancelToken& cancel) {
  auto out = run_git(runner, worktree,
                     {"log", "--no-renames", "--no-color", "--format=commit %h", "--name-only", "-z", base + "..HEAD"},
                     cancel);
  if (!out.ok()) return std::move(out).failure();
  // -z: "commit <h>\n" records, the names after them NUL-separated (a name may hold newlines).
  std::vector<std::pair<std::string, std::string>> files;
  std::string commit;
  size_t at = 0;
  const std::string& text = *out;
  while (at < text.size()) {
    size_t end = text.find('\0', at);
    if (end == std::string::npos) end = text.size();
    std::string field = text.substr(at, end - at);
    at = end + 1;
    while (!field.empty() && field.front() == '\n') field.erase(field.begin());
    if (field.rfind("commit ", 0) == 0) {
      const size_t newline = field.find('\n');
      commit = field.substr(7, newline == std::string::npos ? std::string::npos : newline - 7);
      if (newline == std::string::npos) continue;
      field = field.substr(newline + 1);
      while (!field.empty() && field.front() == '\n') field.erase(field.begin());
    }
    if (!field.empty()) files.emplace_back(commit, field);
  }
  return files;
}

} // namespace fanout::git
