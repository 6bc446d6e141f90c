#pragma once
// What a remote runner made for this repository that no live run owns (a Job whose fanout
// was killed and never resumed, a session removed before its result was fetched): `fanout
// doctor` lists them, `fanout clean --orphans` removes them. Only resources labelled with this
// checkout's repo id (runner::repo_id) are considered: fanout removes only what it made.

#include <fanout/sdk/cancel.hpp>
#include <fanout/sdk/result.hpp>
#include <fanout/sdk/runner.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace fanout::app {

/// Resources of `runner` labelled `repo_id` whose run is not live: no process holds the
/// issue's run lock, or the run it holds is another one (its id is not the label's run).
/// `state_dir` is the state store's folder (`.fanout`).
sdk::Result<std::vector<sdk::RunnerResource>> runner_orphans(sdk::Runner& runner, const std::string& repo_id,
                                                             const std::filesystem::path& state_dir,
                                                             const sdk::CancelToken& cancel);

/// `job/fanout-7f3a (issue "42", run 1733500000, stage "build", succeeded)`.
std::string describe(const sdk::RunnerResource& resource);

} // namespace fanout::app
