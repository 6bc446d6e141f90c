#include "host/app/environment.hpp"

#include "host/app/plugin_set.hpp"
#include "host/app/runner_check.hpp"
#include "host/agent/agent_env.hpp"
#include "host/agent/command_runner.hpp"
#include "host/config/plugin_table.hpp"
#include "host/plugins/registry.hpp"
#include "host/runner/remote_sessions.hpp"
#include "host/runner/repo_id.hpp"
#include "host/services/http_client.hpp"
#include "host/services/process_runner.hpp"
#include "host/state/state_db.hpp"
#include "host/util/error.hpp"
#include "host/workspace/private_files.hpp"
#include "host/workspace/workspace_manager.hpp"
#include "host/writeback/write_back.hpp"

#include <span>

namespace fanout::app {

namespace fs = std::filesystem;

namespace {

/// Agent provider `provider` for the run (its builder, a reviewer's agent), a failure
/// worded with its table: a table the plugin refuses, or an unknown plugin, is config_of()'s
/// message (`[agent.cladue]: unknown plugin "cladue" (did you mean "claude-code"?)`); a
/// plugin that cannot be made is its message after the table (`[agent.codex]: <why>`).
sdk::Result<sdk::AgentProvider*> run_agent(PluginSet& plugins, std::string_view provider) {
  auto made = plugins.agent(provider);
  if (made.ok()) return made;
  const std::string name(provider);
  const auto& tables = plugins.config().agent.providers;
  const auto found = tables.find(name);
  const auto table = found != tables.end() ? found->second : config::empty_table("[agent." + name + "]", name);
  try {
    plugins.config_of(table);
  } catch (const UserError& e) {
    return sdk::fail(sdk::FailureKind::not_found, e.what());
  }
  return sdk::fail(made.failure().kind, table.section + ": " + made.failure().message);
}

} // namespace

/// The workspace manager seen through the pipeline's Workspaces interface.
class Environment::WorkspaceAdapter final : public pipeline::Workspaces {
public:
  explicit WorkspaceAdapter(workspace::WorkspaceManager& manager) : m_manager(manager) {}

  sdk::Result<sdk::WorkspaceInfo> up(const sdk::Issue& issue, const sdk::CancelToken& cancel) override {
    auto made = m_manager.up(issue, cancel);
    if (!made.ok()) return std::move(made).failure();
    sdk::WorkspaceInfo info;
    info.path = made->record.path;
    info.branch = made->record.branch;
    info.base = made->record.base;
    info.ports = made->ports.ports();
    try {
      auto env = m_manager.env(issue.key);
      if (!env.ok()) return std::move(env).failure();
      info.env = std::move(env).value();
    } catch (const std::exception& e) { // the state store
      return sdk::fail(sdk::FailureKind::error, e.what());
    }
    return info;
  }

private:
  workspace::WorkspaceManager& m_manager;
};

Environment::Environment(const config::Config& config, const plugins::Registry& registry)
    : m_config(config), m_http(std::make_unique<services::CurlHttpClient>()),
      m_processes(std::make_unique<services::LocalProcessRunner>()) {
  plugins::HostServices services;
  services.http = m_http.get();
  services.processes = m_processes.get();
  m_command_processes = std::make_unique<agent::CommandRunner>(*m_processes, config.agent.pass_env);
  m_plugins = std::make_unique<PluginSet>(config, registry, services);

  const auto made = [](const config::PluginTable& table, auto result) {
    if (!result.ok()) throw UserError(table.section + ": " + result.failure().message);
    return *result;
  };
  m_tracker = made(config.tracker, m_plugins->make<sdk::IssueTracker>(config.tracker));
  m_code_host = made(config.codehost, m_plugins->make<sdk::CodeHost>(config.codehost));
  if (!config.database.brancher.plugin.empty())
    m_brancher = made(config.database.brancher, m_plugins->make<sdk::DatabaseBrancher>(config.database.brancher));
  // A remote runner: every agent session (plan, build, fix, reviewers') runs through it.
  if (config.runner.remote_runner()) {
    auto* runner = made(config.runner.table, m_plugins->make<sdk::Runner>(config.runner.table));
    if (auto refusal = remote_runner_refusal(config, m_brancher)) throw UserError(refusal->str());
    m_remote = std::make_unique<runner::RemoteSessions>(
        *runner, *m_processes,
        runner::RemoteSettings{config.runner.table.plugin, config.repo_root, config.runner.remote,
                               runner::repo_id(config.repo_root)});
  }
  // An unknown builder fails the run (exit 1), as any agent that cannot be made does.
  auto builder = run_agent(*m_plugins, config.agent.provider);
  if (!builder.ok()) throw UserError(builder.failure().message);

  m_manager = std::make_unique<workspace::WorkspaceManager>(workspace::Settings::from(config), m_brancher,
                                                            m_processes.get());
  m_workspaces = std::make_unique<WorkspaceAdapter>(*m_manager);

  // Reviewer tables are checked now, so a typo fails the command before any agent runs.
  std::vector<std::pair<config::ReviewConfig, nlohmann::json>> reviewers;
  for (const auto& review : config.reviews) reviewers.emplace_back(review, m_plugins->config_of(review.table));

  // Notifiers are made now, so a missing webhook URL stops the command before any run starts.
  for (const auto& notify : config.notifiers) {
    notify::Target target{notify.name, {}, notify.retries, notify.retry_delay,
                          made(notify.table, m_plugins->make<sdk::Notifier>(notify.table))};
    for (const auto& event : notify.events)
      if (auto parsed = sdk::notify_event_from_string(event)) target.events.push_back(*parsed);
    m_notify_targets.push_back(std::move(target));
  }

  m_services.tracker = m_tracker;
  m_services.code_host = m_code_host;
  m_services.agent = *builder;
  m_services.workspaces = m_workspaces.get();
  m_services.processes = m_processes.get();
  m_services.remote = m_remote.get();
  m_services.make_reviewers = [this, reviewers](const pipeline::AgentWrapper& wrap)
      -> sdk::Result<std::vector<pipeline::ReviewerSlot>> {
    std::vector<pipeline::ReviewerSlot> slots;
    for (const auto& [review, json] : reviewers) {
      plugins::HostServices services = m_plugins->services();
      services.processes = m_command_processes.get();
      const std::string name = review.name;
      services.agent = [this, wrap, name](std::string_view provider) -> sdk::Result<sdk::AgentProvider*> {
        auto inner = run_agent(*m_plugins, provider);
        if (!inner.ok()) return inner;
        return wrap(name, provider, **inner);
      };
      auto made = m_plugins->make_fresh<sdk::Reviewer>(review.table, json, services);
      if (!made.ok()) return sdk::fail(made.failure().kind, "[[review]] \"" + name + "\": " + made.failure().message);
      slots.push_back({name, std::move(*made)});
    }
    return slots;
  };

  m_settings.repo_root = config.repo_root;
  m_settings.db_path = state::StateDb::path_for(config.repo_root);
  if (auto write_back = writeback::Settings::from(config.write_back); write_back.any()) {
    m_write_back = std::make_unique<writeback::WriteBack>(*m_tracker, std::move(write_back), m_settings.db_path);
    m_services.write_back = m_write_back.get();
  }
  m_settings.runs_dir = config.repo_root / ".fanout" / "runs";
  m_settings.private_files = workspace::private_files(config.workspace);
  m_settings.agent_provider = config.agent.provider;
  m_settings.plan_model = config.agent.models.plan;
  m_settings.build_model = config.agent.models.build;
  m_settings.review_model = config.agent.models.review;
  m_settings.fix_rounds = config.run.fix_rounds;
  m_settings.approve_plan = config.run.approve_plan;
  m_settings.closes_by_number = m_tracker->closed_by_number(config.codehost.plugin);
  const auto bound = [&](std::chrono::milliseconds stage) { return stage.count() > 0 ? stage : config.run.timeout; };
  m_settings.plan_timeout = bound(config.run.plan_timeout);
  m_settings.build_timeout = bound(config.run.build_timeout);
  m_settings.fix_timeout = bound(config.run.fix_timeout);
  m_settings.review_timeout = bound(config.run.review_timeout);
  m_settings.agent_env = agent::agent_environment({}, config.agent.pass_env);
  m_settings.database_env = config.database.url_env;
}

Environment::~Environment() = default;

pipeline::FleetOptions Environment::fleet_options(int parallel_override) const {
  pipeline::FleetOptions options;
  options.parallel = parallel_override > 0 ? parallel_override : m_config.run.parallel;
  options.run_limits = {m_config.run.max_cost_usd, m_config.run.max_tokens};
  options.fleet_limits = {m_config.run.fleet_max_cost_usd, m_config.run.fleet_max_tokens};
  return options;
}

} // namespace fanout::app
