#include "tests/support/reviewer_harness.hpp"

#include "tests/support/built_plugins.hpp"
#include "tests/support/paths.hpp"

#include <catch2/catch.hpp>

namespace fanout::test::reviewers {

void ScriptedAgent::push(sdk::SessionResult result) {
  std::lock_guard lock(m_mutex);
  m_script.push_back(std::move(result));
}

void ScriptedAgent::push_text(const std::string& text, const std::string& session_id) {
  sdk::SessionResult result;
  result.outcome = sdk::SessionOutcome::success;
  result.text = text;
  result.session_id = session_id;
  push(std::move(result));
}

sdk::Result<sdk::SessionResult> ScriptedAgent::run(const sdk::SessionRequest& request, const sdk::EventSink&,
                                                   const sdk::CancelToken&) {
  std::lock_guard lock(m_mutex);
  m_requests.push_back(request);
  if (m_script.empty()) return sdk::fail(sdk::FailureKind::error, "scripted agent has no answer left");
  sdk::SessionResult result = m_script.front();
  if (m_script.size() > 1) m_script.pop_front();
  return result;
}

std::vector<sdk::SessionRequest> ScriptedAgent::requests() const {
  std::lock_guard lock(m_mutex);
  return m_requests;
}

std::variant<nlohmann::json, std::string> validate_config(const std::string& plugin, const nlohmann::json& config) {
  return validate_plugin_config(plugin, "[[review]]", config);
}

LoadedReviewer load_reviewer(const std::string& plugin, const nlohmann::json& config,
                             const std::filesystem::path& repo_root, std::map<std::string, sdk::AgentProvider*> agents) {
  auto validated = validate_config(plugin, config);
  if (auto* error = std::get_if<std::string>(&validated)) FAIL("invalid " << plugin << " config: " << *error);
  plugins::HostServices services;
  services.agent = [agents](std::string_view name) -> sdk::Result<sdk::AgentProvider*> {
    auto it = agents.find(std::string(name));
    if (it == agents.end()) return sdk::fail(sdk::FailureKind::not_found, "no agent \"" + std::string(name) + "\"");
    return it->second;
  };
  auto loaded = host_plugin<sdk::Reviewer>(plugin, std::move(services), std::get<nlohmann::json>(validated), repo_root,
                                           repo_root / ".fanout" / "plugins" / plugin);
  if (!loaded.ok()) FAIL("cannot load the " << plugin << " reviewer: " << loaded.failure().message);
  return std::move(loaded).value();
}

sdk::ReviewRequest make_request(const std::string& key, const std::string& body, const std::string& diff,
                                const std::filesystem::path& worktree) {
  sdk::ReviewRequest request;
  request.issue.key = key;
  request.issue.title = "issue " + key;
  request.issue.body = body;
  request.diff = diff;
  request.workspace.path = worktree;
  request.workspace.branch = "fanout/" + key;
  request.workspace.base = "main";
  return request;
}

} // namespace fanout::test::reviewers
