#include "host/git/remote_branch.hpp"

#include "host/git/cli.hpp"

namespace fanout::git {
namespace {

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  return text;
}

/// "scheme://user:password@host/..." without "user:password@"; other URLs as they are.
std::string without_credentials(const std::string& url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  const auto authority = scheme + 3;
  const auto path = url.find('/', authority);
  const auto at = url.rfind('@', path == std::string::npos ? url.size() : path);
  if (at == std::string::npos || at < authority) return url;
  return url.substr(0, authority) + url.substr(at + 1);
}

} // namespace

sdk::Result<std::string> remote_url(sdk::ProcessRunner& runner, const std::filesystem::path& repo,
                                    const std::string& remote, const sdk::CancelToken& cancel) {
  const std::vector<std::string> args{"remote", "get-url", "--", remote};
  auto ran = run_process(&runner, args, repo, cancel, {{{"LC_ALL", "C"}}});
  if (!ran.ok()) return could_not_start(args, ran.failure());
  if (ran->exit_code == 2 || (ran->exit_code != 0 && ran->err.find("No such remote") != std::string::npos))
    return sdk::fail(sdk::FailureKind::not_found, "no git remote \"" + remote + "\" in \"" + repo.string() + "\"");
  if (ran->signaled || ran->exit_code != 0)
    return sdk::fail(sdk::FailureKind::error, "\"git remote get-url\" failed: " + shown_error(ran->err));
  return without_credentials(trimmed(ran->out));
}

sdk::Result<std::string> remote_head(sdk::ProcessRunner& runner, const std::filesystem::path& worktree,
                                     const std::string& remote, const std::string& branch,
                                     const sdk::CancelToken& cancel) {
  auto out = run(&runner, {"ls-remote", "--", remote, "refs/heads/" + branch}, worktree, cancel);
  if (!out.ok()) return std::move(out).failure();
  const std::string line = trimmed(*out);
  const auto tab = line.find('\t');
  return tab == std::string::npos ? std::string() : line.substr(0, tab);
}

sdk::Result<void> fetch_branch(sdk::ProcessRunner& runner, const std::filesystem::path& worktree,
                               const std::string& remote, const std::string& branch, const sdk::CancelToken& cancel) {
  auto out = run(&runner, {"fetch", "--quiet", "--", remote, "refs/heads/" + branch}, worktree, cancel);
  if (!out.ok()) return std::move(out).failure();
  return {};
}

sdk::Result<void> push_commit(sdk::ProcessRunner& runner, const std::filesystem::path& worktree,
                              const std::string& remote, const std::string& commit, const std::string& branch,
                              const sdk::CancelToken& cancel) {
  auto out = run(&runner, {"push", "--quiet", "--", remote, commit + ":refs/heads/" + branch}, worktree, cancel);
  if (!out.ok()) return std::move(out).failure();
  return {};
}

sdk::Result<bool> is_ancestor(sdk::ProcessRunner& runner, const std::filesystem::path& worktree,
                              const std::string& ancestor, const std::string& commit, const sdk::CancelToken& cancel) {
  const std::vector<std::string> args{"merge-base", "--is-ancestor", ancestor, commit};
  auto ran = run_process(&runner, args, worktree, cancel);
  if (!ran.ok()) return could_not_start(args, ran.failure());
  if (!ran->signaled && (ran->exit_code == 0 || ran->exit_code == 1)) return ran->exit_code == 0;
  return sdk::fail(sdk::FailureKind::error, "\"git merge-base\" failed: " + shown_error(ran->err));
}

sdk::Result<void> fast_forward(sdk::ProcessRunner& runner, const std::filesystem::path& worktree,
                               const std::string& commit, const sdk::CancelToken& cancel) {
  auto out = run(&runner, {"merge", "--ff-only", "--quiet", commit}, worktree, cancel);
  if (!out.ok()) return std::move(out).failure();
  return {};
}

} // namespace fanout::git
