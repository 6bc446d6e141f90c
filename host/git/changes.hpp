#pragma once
// The few git questions the pipeline asks about a worktree, answered by the git CLI through
// the process runner (so they are cancellable and behave like the user's own git).

#include <fanout/sdk/cancel.hpp>
#include <fanout/sdk/process.hpp>
#include <fanout/sdk/result.hpp>

#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fanout::git {

/// The commit HEAD points at in `worktree` (40 hex digits).
sdk::Result<std::string> head(sdk::ProcessRunner& runner, const std::filesystem::path& worktree,
                              const sdk::CancelToken& cancel);

/// `git diff <base>...HEAD` in `worktree`: the change the branch makes since it left base.
sdk::Result<std::string> diff(sdk::ProcessRunner& runner, const std::filesystem::path& worktree,
                              const std::string& base, const sdk::CancelToken& cancel);

/// Files with uncommitted changes (`git status --porcelain`), one per line; "" when clean.
sdk::Result<std::string> status(sdk::ProcessRunner& runner, const std::filesystem::path& worktree,
                                const sdk::CancelToken& cancel);

/// The identity of commits fanout makes when git has none configured for the user.
inline constexpr std::string_view k_fallback_name = "fanout";
inline constexpr std::string_view k_fallback_email = "fanout@localhost";

/// Commits whatever an agent session left uncommitted in `worktree` (a sandboxed agent may
/// edit but not commit: the git dir lies outside its sandbox). `git add -A` (ignored and
/// excluded files stay out), then `git commit --no-verify -m message` with the user's
/// identity (user.name and user.email in git config) or k_fallback_name/k_fallback_email.
/// True when it made a commit, false when the worktree was clean.
sdk::Result<bool> commit_leftovers(sdk::ProcessRunner& runner, const std::filesystem::path& worktree,
                                   const std::string& message, const sdk::CancelToken& cancel);

/// The files each commit of `base`..HEAD changes: (short commit, path) pairs, newest first.
sdk::Result<std::vector<std::pair<std::string, std::string>>> touched_files(sdk::ProcessRunner& runner,
                                                                           const std::filesystem::path& worktree,
                                                                           const std::string& base,
                                                                           const sdk::CancelToken& cancel);

} // namespace fanout::git
