#pragma once
// The few git questions the pipeline asks about a worktree, answered by the git CLI through
// the process runner (so they are cancellable and behave like the user's own git).

#include <fanout/sdk/cancel.hpp>
#include <fanout/sdk/process.hpp>
#include <fanout/sdk/result.hpp>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace fanout::pipeline::git {

/// The commit HEAD points at in `worktree` (40 hex digits).
sdk::Result<std::string> head(sdk::ProcessRunner& runner, const std::filesystem::path& worktree,
                              const sdk::CancelToken& cancel);

/// `git diff <base>...HEAD` in `worktree`: the change the branch makes since it left base.
sdk::Result<std::string> diff(sdk::ProcessRunner& runner, const std::filesystem::path& worktree,
                              const std::string& base, const sdk::CancelToken& cancel);

/// Files with uncommitted changes (`git status --porcelain`), one per line; "" when clean.
sdk::Result<std::string> status(sdk::ProcessRunner& runner, const std::filesystem::path& worktree,
                                const sdk::CancelToken& cancel);

/// The files each commit of `base`..HEAD changes: (short commit, path) pairs, newest first.
sdk::Result<std::vector<std::pair<std::string, std::string>>> touched_files(sdk::ProcessRunner& runner,
                                                                           const std::filesystem::path& worktree,
                                                                           const std::string& base,
                                                                           const sdk::CancelToken& cancel);

} // namespace fanout::pipeline::git
