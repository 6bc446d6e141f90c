#pragma once
// Test harness for reviewer plugins: the real built plugin, loaded through the host's
// Registry, its config validated against the keys it declares (defaults filled in, as
// `fanout run` does), hosted in a PluginHost with the real process runner and HTTP client.
// Agents are in-process fakes handed out through HostServices::agent.

#include "tests/support/hosted_plugin.hpp"

#include <fanout/sdk/reviewer.hpp>

#include <nlohmann/json.hpp>

#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

namespace fanout::test::reviewers {

/// An agent provider that answers from a script and records every request it got.
class ScriptedAgent final : public sdk::AgentProvider {
public:
  /// Each run() pops the next result (the last one repeats when the script runs out).
  void push(sdk::SessionResult result);
  /// Shorthand: a successful session whose final text is `text`.
  void push_text(const std::string& text, const std::string& session_id = "sess-1");
  bool resumable = false;

  sdk::Result<sdk::SessionResult> run(const sdk::SessionRequest& request, const sdk::EventSink& on_event,
                                      const sdk::CancelToken& cancel) override;
  bool can_resume() const override { return resumable; }

  std::vector<sdk::SessionRequest> requests() const;

private:
  mutable std::mutex m_mutex;
  std::deque<sdk::SessionResult> m_script;
  std::vector<sdk::SessionRequest> m_requests;
};

/// A reviewer instance and everything it is bound to.
using LoadedReviewer = HostedPlugin<sdk::Reviewer>;

/// Makes plugin `plugin`'s reviewer with `config` (a [[review]] table as JSON, validated like
/// fanout.toml's) for a repository at `repo_root`; `agents` answers Host::agent(name).
/// Config errors and creation failures fail the test case.
LoadedReviewer load_reviewer(const std::string& plugin, const nlohmann::json& config,
                             const std::filesystem::path& repo_root,
                             std::map<std::string, sdk::AgentProvider*> agents = {});

/// The config a plugin's declared keys make of `config`, or the formatted config errors
/// (first line) when it is invalid.
std::variant<nlohmann::json, std::string> validate_config(const std::string& plugin, const nlohmann::json& config);

/// A ReviewRequest for issue `key` with `body`, `diff`, and the workspace at `worktree`.
sdk::ReviewRequest make_request(const std::string& key, const std::string& body, const std::string& diff,
                                const std::filesystem::path& worktree);

} // namespace fanout::test::reviewers
