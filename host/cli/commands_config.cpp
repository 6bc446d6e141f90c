// `fanout init`, `fanout config check`, `fanout config keys`, `fanout config trust`.
#include "host/cli/commands.hpp"

#include "host/app/plugin_set.hpp"
#include "host/app/runner_check.hpp"
#include "host/config/init.hpp"
#include "host/config/key_docs.hpp"
#include "host/config/key_table.hpp"
#include "host/config/loader.hpp"
#include "host/config/plugin_table.hpp"
#include "host/config/trust_edit.hpp"
#include "host/config/value.hpp"
#include "host/plugins/abi_check.hpp"
#include "host/plugins/registry.hpp"
#include "host/services/http_client.hpp"
#include "host/services/process_runner.hpp"
#include "host/util/error.hpp"
#include "host/util/suggest.hpp"

#include <algorithm>
#include <fstream>
#include <iostream>
#include <memory>
#include <tuple>

namespace fanout::cli {
namespace fs = std::filesystem;
namespace {

const char* kind_text(sdk::Kind kind) {
  switch (kind) {
  case sdk::Kind::agent_provider: return "an agent provider";
  case sdk::Kind::issue_tracker: return "an issue tracker";
  case sdk::Kind::code_host: return "a code host";
  case sdk::Kind::database_brancher: return "a database brancher";
  case sdk::Kind::reviewer: return "a reviewer";
  case sdk::Kind::notifier: return "a notifier";
  case sdk::Kind::runner: return "a runner";
  }
  return "a plugin";
}

/// Checks one plugin table against the plugin it selects: that it exists, loaded, has the
/// right kind, and that its keys fit the plugin's declared keys.
void check_plugin_table(const config::Config& config, const config::PluginTable& table, sdk::Kind kind,
                        const plugins::Registry& registry, config::Diagnostics& errors) {
  if (table.plugin.empty()) return;
  const std::string where = table.section;
  const auto* record = registry.find(table.plugin);
  if (!record) {
    for (const auto& r : registry.records()) {
      if (r.name == table.plugin) {
        errors.push_back({table.position, where, "plugin \"" + table.plugin + "\" was not loaded: " + r.reason});
        return;
      }
    }
    errors.push_back({table.position, where,
                      "unknown plugin \"" + table.plugin + "\"" + util::did_you_mean(table.plugin, registry.loaded_names())});
    return;
  }
  if (!(record->kinds & static_cast<std::uint32_t>(kind))) {
    errors.push_back({table.position, where, "plugin \"" + table.plugin + "\" is not " + kind_text(kind)});
    return;
  }
  const auto* d = record->library->descriptor();
  config::validate_plugin_table(table, std::span<const sdk::ConfigKey>(d->config_keys, d->config_key_count), config.trust,
                                errors);
}

void check_plugins(const config::Config& config, const plugins::Registry& registry, config::Diagnostics& errors) {
  check_plugin_table(config, config.tracker, sdk::Kind::issue_tracker, registry, errors);
  if (config.codehost.section == "[codehost]")
    check_plugin_table(config, config.codehost, sdk::Kind::code_host, registry, errors);
  auto provider = config::empty_table("[agent] provider", config.agent.provider);
  provider.position = config.agent.provider_position;
  if (!config.agent.providers.count(config.agent.provider))
    check_plugin_table(config, provider, sdk::Kind::agent_provider, registry, errors);
  for (const auto& [name, table] : config.agent.providers)
    check_plugin_table(config, table, sdk::Kind::agent_provider, registry, errors);
  check_plugin_table(config, config.database.brancher, sdk::Kind::database_brancher, registry, errors);
  for (const auto& review : config.reviews) check_plugin_table(config, review.table, sdk::Kind::reviewer, registry, errors);
  for (const auto& notify : config.notifiers) check_plugin_table(config, notify.table, sdk::Kind::notifier, registry, errors);
  if (config.runner.remote_runner()) {
    check_plugin_table(config, config.runner.table, sdk::Kind::runner, registry, errors);
    // Whether the brancher's branches reach the runner's machines is the brancher's to say.
    services::LocalProcessRunner processes;
    services::CurlHttpClient http;
    plugins::HostServices services;
    services.processes = &processes;
    services.http = &http;
    app::PluginSet plugins(config, registry, services);
    app::check_remote_runner(config, plugins, errors);
  }
}

std::vector<config::PluginKeys> plugin_keys(const plugins::Registry& registry) {
  std::vector<config::PluginKeys> out;
  for (const auto& record : registry.records()) {
    if (record.status != plugins::PluginStatus::loaded || !record.library) continue;
    std::string kinds;
    for (auto kind : plugins::k_all_kinds)
      if (record.kinds & static_cast<std::uint32_t>(kind)) kinds += (kinds.empty() ? "" : ", ") + std::string(sdk::to_string(kind));
    const auto* d = record.library->descriptor();
    out.push_back({record.name, kinds, std::span<const sdk::ConfigKey>(d->config_keys, d->config_key_count)});
  }
  return out;
}

void run_check(Context& context) {
  const fs::path root = context.repo_root();
  auto result = config::load({root});
  // Plugin tables are checked only when the plugins could be found at all.
  const auto& registry = context.plugins();
  const bool have_plugins = !registry.loaded_names().empty();
  if (have_plugins) check_plugins(result.config, registry, result.errors);
  std::stable_sort(result.errors.begin(), result.errors.end(), [](const auto& a, const auto& b) {
    return std::tuple(a.position.file == "fanout.toml", a.position.line, a.position.column) <
           std::tuple(b.position.file == "fanout.toml", b.position.line, b.position.column);
  });
  if (!result.errors.empty()) {
    for (const auto& error : result.errors) std::cout << error.str() << "\n";
    std::cout << result.errors.size() << (result.errors.size() == 1 ? " error\n" : " errors\n");
    throw ExitRequest{ExitCode::usage};
  }
  if (!have_plugins) std::cout << "note: no plugins found, so plugin tables were not checked\n";
  std::cout << "fanout.toml: ok\n";
}

void run_init(Context& context, bool force, bool trust) {
  const fs::path root = context.repo_root();
  const fs::path file = root / "fanout.toml";
  if (fs::exists(file) && !force)
    throw UserError("\"" + file.string() + "\" already exists (pass --force to overwrite it)");
  const auto detection = config::detect(root);
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  if (!(out << config::render_init_toml(detection))) throw UserError("cannot write \"" + file.string() + "\"");
  out.close();
  std::cout << "wrote " << file.string() << "\n";
  if (detection.github_repo) std::cout << "  tracker: github " << *detection.github_repo << " (from remote \"origin\")\n";
  for (const auto& lock : detection.lockfiles) std::cout << "  dependencies: " << lock << "\n";
  if (detection.sqlite_path) std::cout << "  database: sqlite " << *detection.sqlite_path << "\n";
  if (trust) {
    config::trust_repo(config::default_user_config_path(), root);
    std::cout << "trusted " << root.string() << " in " << config::default_user_config_path().string() << "\n";
  } else if (!detection.install.empty() || !detection.setup.empty()) {
    std::cout << "[workspace] install and setup run commands: allow them with \"fanout config trust\"\n";
  }
}

} // namespace

void add_config_commands(CLI::App& app, Context& context) {
  auto* init = app.add_subcommand("init", "Write an annotated fanout.toml from what the repo shows");
  auto flags = std::make_shared<std::pair<bool, bool>>(false, false); // --force, --trust
  init->add_flag("--force", flags->first, "Overwrite an existing fanout.toml");
  init->add_flag("--trust", flags->second, "Also trust this repo in the user config (see `fanout config trust`)");
  init->callback([&context, flags] { run_init(context, flags->first, flags->second); });

  auto* cfg = app.add_subcommand("config", "Check and explain fanout.toml");
  cfg->require_subcommand(1);

  auto* check = cfg->add_subcommand("check", "Validate fanout.toml and the user config; print every error");
  check->callback([&context] { run_check(context); });

  auto* keys = cfg->add_subcommand("keys", "List every config key (the reference in docs/config.md)");
  auto markdown = std::make_shared<std::pair<bool, bool>>(false, false); // --markdown, --plugins
  keys->add_flag("--markdown", markdown->first, "Print the Markdown reference kept in docs/config.md");
  keys->add_flag("--plugins", markdown->second, "With --markdown: the keys the loaded plugins declare");
  keys->callback([&context, markdown] {
    if (markdown->first && markdown->second) {
      std::cout << config::plugin_keys_markdown(plugin_keys(context.plugins()));
      return;
    }
    if (markdown->first) {
      std::cout << config::host_keys_markdown();
      return;
    }
    for (const auto& key : config::host_keys()) {
      const auto* section = config::find_section(key.section);
      std::cout << config::section_label(*section) << " " << key.key.name << " (" << config::type_name(key.key.type)
                << (key.key.default_value ? std::string(", default ") + key.key.default_value : std::string())
                << (key.key.trust == sdk::Trust::trusted_only ? ", trusted" : "") << "): " << key.key.doc << "\n";
    }
  });

  auto* trust_cmd = cfg->add_subcommand("trust", "Let this repo's fanout.toml set keys that run commands or pick binaries");
  trust_cmd->callback([&context] {
    const fs::path root = context.repo_root();
    const fs::path user = config::default_user_config_path();
    if (config::trust_repo(user, root))
      std::cout << "trusted " << root.string() << " in " << user.string() << "\n";
    else
      std::cout << root.string() << " is already trusted in " << user.string() << "\n";
  });
}

} // namespace fanout::cli
