#pragma once
// RemoteSessions: the pipeline's agent sessions run by a runner plugin (`[runner] kind` names
// one; docs/runner.md). Each session gets a process runner of its own
// (sdk::SessionRequest::process_runner) that
//   1. brings the branch on the clone remote (`[runner] remote`) up to the worktree's HEAD:
//      pushes HEAD when the remote lacks it, or first fast-forwards the worktree to commits
//      an earlier session pushed but fanout never fetched (killed in between);
//   2. calls sdk::Runner::run with the session's labels (repo id, issue, run id, stage and
//      round: the same on `fanout resume`, so the runner follows what it started) and the
//      names of the env entries whose values are secrets (registered with the redactor);
//   3. fetches the commit the session pushed and fast-forwards the worktree to it, so the
//      next stage (publish, review, fix) sees the commits as if made here;
//   4. removes what the runner made for the session once its result is in the worktree.
// Git runs on this machine through `git` (host/git/remote_branch.hpp).

#include "host/pipeline/services.hpp"

#include <fanout/sdk/process.hpp>
#include <fanout/sdk/runner.hpp>

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace fanout::runner {

struct RemoteSettings {
  std::string runner_name;        ///< the plugin's name, for messages ("[runner] <name>: ...")
  std::filesystem::path repo_root; ///< the main checkout (its remote's URL)
  std::string remote = "origin";  ///< [runner] remote
  std::string repo_id;            ///< runner::repo_id(repo_root)
};

/// The names of `env`'s entries whose values the redactor knows as secrets (whole or in
/// part: a URL's password), sorted.
std::vector<std::string> secret_names(const std::map<std::string, std::string>& env);

/// Thread-safe. `runner` and `git` must outlive this and every process runner it returns.
class RemoteSessions final : public pipeline::RemoteSessions {
public:
  RemoteSessions(sdk::Runner& runner, sdk::ProcessRunner& git, RemoteSettings settings);

  std::unique_ptr<sdk::ProcessRunner> runner_for(const pipeline::SessionPlace& place) override;

  /// The labels of the session at `place`.
  sdk::SessionLabels labels_of(const pipeline::SessionPlace& place) const;

  /// The clone URL (the remote's, without credentials), looked up once.
  sdk::Result<std::string> clone_url(const sdk::CancelToken& cancel);

  sdk::Runner& runner() { return m_runner; }
  sdk::ProcessRunner& git() { return m_git; }
  const RemoteSettings& settings() const { return m_settings; }

private:
  sdk::Runner& m_runner;
  sdk::ProcessRunner& m_git;
  RemoteSettings m_settings;
  std::mutex m_mutex; ///< guards m_clone_url
  std::string m_clone_url;
};

} // namespace fanout::runner
