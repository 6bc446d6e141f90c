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
#include <utility>
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

/// Where a runner's leftovers are looked for: the runner plugin (named `name` in messages),
/// the checkout's repo id and its state folder (`.fanout`).
struct RunnerScope {
  sdk::Runner& runner;
  std::string name;
  std::string repo_id;
  std::filesystem::path state_dir;
};

/// `fanout doctor`'s findings as (problem, fix) pairs: each orphan ("[runner] <name> left
/// <describe()>, which no live run owns", fixed by "fanout clean --orphans"), or the one
/// failure to list them ("[runner] <name>: cannot list what it made: <why>").
std::vector<std::pair<std::string, std::string>> runner_findings(const RunnerScope& scope,
                                                                 const sdk::CancelToken& cancel);

/// What `fanout clean --orphans` did with a runner's leftovers: one line each ("removed
/// <describe()>", or "would remove ..." in a dry run) and one error each ("[runner] <name>:
/// cannot remove <id>: <why>", or the failure to list them).
struct RunnerCleanReport {
  std::vector<std::string> done;
  std::vector<std::string> errors;
};
RunnerCleanReport clean_runner_orphans(const RunnerScope& scope, bool dry_run, const sdk::CancelToken& cancel);

} // namespace fanout::app
