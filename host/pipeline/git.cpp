#include "host/pipeline/git.hpp"

namespace fanout::pipeline::git {
namespace {

sdk::Result<std::string> run_git(sdk::ProcessRunner& runner, const std::filesystem::path& worktree,
                                 std::vector<std::string> args, const sdk::CancelToken& cancel) {
  sdk::ProcessSpec spec;
  spec.argv = {"git", "-C", worktree.string()};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.workdir = worktree;
  spec.env = {{"GIT_TERMINAL_PROMPT", "0"}, {"LC_ALL", "C"}};
  spec.keep_bytes = 64u << 20;
  auto result = runner.run(spec, nullptr, cancel);
  if (!result.ok()) return std::move(result).failure();
  if (result->cancelled) return sdk::fail(sdk::FailureKind::cancelled, "git " + args.front() + " was cancelled");
  if (result->signaled || result->exit_code != 0) {
    std::string err = result->err;
    while (!err.empty() && (err.back() == '\n' || err.back() == ' ')) err.pop_back();
    return sdk::fail(sdk::FailureKind::error, "git " + args.front() + " failed in \"" + worktree.string() +
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

} // namespace fanout::pipeline::git
