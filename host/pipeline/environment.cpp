#include "host/pipeline/environment.hpp"

#include "host/agent/agent_env.hpp"
#include "host/agent/command_runner.hpp"
#include "host/config/plugin_table.hpp"
#include "host/plugins/registry.hpp"
#include "host/plugins/table_config.hpp"
#include "host/services/http_client.hpp"
#include "host/services/process_runner.hpp"
#include "host/state/state_db.hpp"
#include "host/util/error.hpp"
#include "host/workspace/private_files.hpp"
#include "host/workspace/workspace_manager.hpp"

#include <span>

namespace fanout::pipeline {

namespace fs = std::filesystem;

/// The workspace manager seen through the pipeline's Workspaces interface.
class Environment::WorkspaceAdapter final : public Workspaces {
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
      info.env = m_manager.env(issue.key);
    } catch (const std::exception& e) {
      return sdk::fail(sdk::FailureKind::error, e.what());
    }
    return info;
  }

private:
  workspace::WorkspaceManager& m_manager;
};

template <typename T>
plugins::Instance<T> Environment::make(const config::PluginTable& table, plugins::HostServices services) {
  nlohmann::json json = plugins::table_config(m_config, table, m_registry);
  auto host = std::make_unique<plugins::PluginHost>(std::move(services), table.plugin, std::move(json),
                                                    m_config.repo_root,
                                                    m_config.repo_root / ".fanout" / "plugins-data" / table.plugin);
  auto made = m_registry.create<T>(table.plugin, *host);
  if (!made.ok()) throw UserError(table.section + ": " + made.failure().message);
  std::lock_guard lock(m_mutex);
  m_hosts.push_back(std::move(host));
  return std::move(*made);
}

sdk::Result<sdk::AgentProvider*> Environment::agent(std::string_view name) {
  {
    std::lock_guard lock(m_mutex);
    if (auto found = m_agents.find(name); found != m_agents.end()) return found->second.get();
  }
  const auto table_of = m_config.agent.providers.find(std::string(name));
  const config::PluginTable table = table_of != m_config.agent.providers.end()
                                        ? table_of->second
                                        : config::empty_table("[agent." + std::string(name) + "]", std::string(name));
  try {
    plugins::HostServices services = m_host_services;
    services.agent = nullptr; // an agent does not run other agents
    auto made = make<sdk::AgentProvider>(table, services);
    std::lock_guard lock(m_mutex);
    auto [it, added] = m_agents.emplace(std::string(name), std::move(made));
    return it->second.get();
  } catch (const std::exception& e) {
    return sdk::fail(sdk::FailureKind::not_found, e.what());
  }
}

Environment::Environment(const config::Config& config, const plugins::Registry& registry)
    : m_config(config), m_registry(registry), m_http(std::make_unique<services::CurlHttpClient>()),
      m_processes(std::make_unique<services::LocalProcessRunner>()) {
  m_host_services.http = m_http.get();
  m_host_services.processes = m_processes.get();
  m_command_processes = std::make_unique<agent::CommandRunner>(*m_processes, config.agent.pass_env);
  m_host_services.agent = [this](std::string_view name) { return agent(name); };

  m_tracker = make<sdk::IssueTracker>(config.tracker, m_host_services);
  m_code_host = make<sdk::CodeHost>(config.codehost, m_host_services);
  if (!config.database.brancher.plugin.empty())
    m_brancher = make<sdk::DatabaseBrancher>(config.database.brancher, m_host_services);
  auto builder = agent(config.agent.provider);
  if (!builder.ok()) throw UserError(builder.failure().message);

  m_manager = std::make_unique<workspace::WorkspaceManager>(workspace::Settings::from(config),
                                                            m_brancher.get(), m_processes.get());
  m_workspaces = std::make_unique<WorkspaceAdapter>(*m_manager);

  // Reviewer tables are checked now, so a typo fails the command before any agent runs.
  std::vector<std::pair<config::ReviewConfig, nlohmann::json>> reviewers;
  for (const auto& review : config.reviews)
    reviewers.emplace_back(review, plugins::table_config(config, review.table, registry));

  // Notifiers are made now, so a missing webhook URL stops the command before any run starts.
  for (const auto& notify : config.notifiers) {
    auto made = make<sdk::Notifier>(notify.table, m_host_services);
    notify::Target target{notify.name, {}, notify.retries, notify.retry_delay, made.get()};
    for (const auto& event : notify.events)
      if (auto parsed = sdk::notify_event_from_string(event)) target.events.push_back(*parsed);
    m_notify_targets.push_back(std::move(target));
    m_notifiers.push_back(std::move(made));
  }

  m_services.tracker = m_tracker.get();
  m_services.code_host = m_code_host.get();
  m_services.agent = *builder;
  m_services.workspaces = m_workspaces.get();
  m_services.processes = m_processes.get();
  m_services.make_reviewers = [this, reviewers](const AgentWrapper& wrap) -> sdk::Result<std::vector<ReviewerSlot>> {
    std::vector<ReviewerSlot> slots;
    for (const auto& [review, json] : reviewers) {
      plugins::HostServices services = m_host_services;
      services.processes = m_command_processes.get();
      const std::string name = review.name;
      services.agent = [this, wrap, name](std::string_view provider) -> sdk::Result<sdk::AgentProvider*> {
        auto inner = agent(provider);
        if (!inner.ok()) return inner;
        return wrap(name, provider, **inner);
      };
      auto host = std::make_shared<plugins::PluginHost>(services, review.table.plugin, json, m_config.repo_root,
                                                        m_config.repo_root / ".fanout" / "plugins-data" /
                                                            review.table.plugin);
      auto made = m_registry.create<sdk::Reviewer>(review.table.plugin, *host);
      if (!made.ok()) return sdk::fail(made.failure().kind, "[[review]] \"" + name + "\": " + made.failure().message);
      auto deleter = made->get_deleter();
      sdk::Reviewer* raw = made->release();
      slots.push_back({name, std::shared_ptr<sdk::Reviewer>(raw, [deleter, host](sdk::Reviewer* r) { deleter(r); })});
    }
    return slots;
  };

  m_settings.repo_root = config.repo_root;
  m_settings.db_path = state::StateDb::path_for(config.repo_root);
  m_settings.runs_dir = config.repo_root / ".fanout" / "runs";
  m_settings.private_files = workspace::private_files(config.workspace);
  m_settings.agent_provider = config.agent.provider;
  m_settings.plan_model = config.agent.models.plan;
  m_settings.build_model = config.agent.models.build;
  m_settings.review_model = config.agent.models.review;
  m_settings.fix_rounds = config.run.fix_rounds;
  m_settings.approve_plan = config.run.approve_plan;
  m_settings.closes_by_number = config.tracker.plugin == "github" && config.codehost.plugin == "github";
  const auto bound = [&](std::chrono::milliseconds stage) { return stage.count() > 0 ? stage : config.run.timeout; };
  m_settings.plan_timeout = bound(config.run.plan_timeout);
  m_settings.build_timeout = bound(config.run.build_timeout);
  m_settings.fix_timeout = bound(config.run.fix_timeout);
  m_settings.review_timeout = bound(config.run.review_timeout);
  m_settings.agent_env = agent::agent_environment({}, config.agent.pass_env);
  m_settings.database_env = config.database.url_env;
}

Environment::~Environment() = default;

FleetOptions Environment::fleet_options(int parallel_override) const {
  FleetOptions options;
  options.parallel = parallel_override > 0 ? parallel_override : m_config.run.parallel;
  options.run_limits = {m_config.run.max_cost_usd, m_config.run.max_tokens};
  options.fleet_limits = {m_config.run.fleet_max_cost_usd, m_config.run.fleet_max_tokens};
  return options;
}

} // namespace fanout::pipeline
