#include "host/config/loader.hpp"

#include "host/config/key_table.hpp"
#include "host/config/path_rule.hpp"
#include "host/config/reader.hpp"
#include "host/config/value.hpp"
#include "host/util/error.hpp"
#include "host/util/suggest.hpp"

#include <fanout/sdk/notifier.hpp>

#include <algorithm>
#include <cstdlib>
#include <tuple>

namespace fanout::config {
namespace fs = std::filesystem;
namespace {

const std::vector<std::string> k_stages = {"plan", "build", "review", "heal"};
const std::vector<std::string> k_phases = {"in_progress", "in_review", "needs_human", "failed", "done"};

fs::path normalized(const fs::path& path) {
  std::error_code ec;
  fs::path out = fs::weakly_canonical(path, ec);
  return ec ? path.lexically_normal() : out;
}

/// Resolves `text` against the directory of the file that set it.
fs::path resolve(const std::string& text, const RawEntry* entry, const Config& config) {
  fs::path path = expand_home(text);
  if (path.is_absolute()) return path.lexically_normal();
  const fs::path base = !entry || entry->from_repo ? config.repo_root : config.trust.user_config.parent_path();
  return (base / path).lexically_normal();
}

std::vector<std::string> strings(const nlohmann::json& value) { return value.get<std::vector<std::string>>(); }
std::chrono::milliseconds millis(const nlohmann::json& value) { return std::chrono::milliseconds(value.get<long long>()); }

/// A plugin-selecting table: host keys validated, the rest kept for the plugin.
PluginTable plugin_table(const std::string& name, const std::string& label, const RawSection& raw, const Trust& trust,
                         nlohmann::json& host_values, Diagnostics& errors) {
  const auto keys = keys_of(name);
  const SectionSpec* spec = find_section(name);
  std::vector<RawEntry> host_entries;
  PluginTable table;
  table.section = label;
  table.position = raw.position;
  for (const auto& entry : raw.entries) {
    bool is_host_key = false;
    for (const auto& key : keys) is_host_key = is_host_key || entry.key == key.name;
    (is_host_key ? host_entries : table.entries).push_back(entry);
  }
  host_values = validate_entries(label, host_entries, keys, trust, errors);
  if (host_values.contains(spec->selector)) table.plugin = host_values[spec->selector].get<std::string>();
  if (const RawEntry* selector = raw.find(spec->selector)) table.position = selector->key_position;
  return table;
}

/// [[notify]] events must be known ones, retries not negative.
void check_notify_values(const RawSection& raw, NotifyConfig& notify, Diagnostics& errors) {
  static const std::vector<std::string> k_events = {"plan_approval", "needs_human", "over_budget",
                                                    "failed",        "pr_ready",    "fleet_done"};
  if (const RawEntry* e = raw.find("events")) {
    for (const auto& event : notify.events)
      if (!sdk::notify_event_from_string(event))
        errors.push_back({e->value_position, "[[notify]] events",
                          "unknown event \"" + event + "\"" + util::did_you_mean(event, k_events) +
                              "; events are plan_approval, needs_human, over_budget, failed, pr_ready, fleet_done"});
  }
  if (const RawEntry* e = raw.find("retries"); e && notify.retries < 0) {
    errors.push_back({e->value_position, "[[notify]] retries", "expected a non-negative integer, got " + e->shown});
    notify.retries = 0;
  }
}

void check_semantics(const RawConfig& raw, Config& config, Diagnostics& errors) {
  auto entry_of = [&](const char* section, const char* key) -> const RawEntry* {
    auto it = raw.sections.find(section);
    return it == raw.sections.end() ? nullptr : it->second.find(key);
  };
  if (const RawEntry* e = entry_of("run", "fix_rounds"); e && config.run.fix_rounds < 0) {
    errors.push_back({e->value_position, "[run] fix_rounds", "expected a non-negative integer, got " + e->shown});
    config.run.fix_rounds = 2;
  }
  for (const char* key : {"ci_rounds", "comment_rounds", "update_rounds"})
    if (const RawEntry* e = entry_of("watch", key); e && e->value.is_number() && e->value.get<double>() < 0)
      errors.push_back({e->value_position, "[watch] " + std::string(key), "expected a non-negative integer, got " + e->shown});
  if (const RawEntry* e = entry_of("watch", "update");
      e && config.watch.update != "rebase" && config.watch.update != "merge") {
    static const std::vector<std::string> k_updates = {"rebase", "merge"};
    errors.push_back({e->value_position, "[watch] update",
                      "expected \"rebase\" or \"merge\", got " + e->shown +
                          util::did_you_mean(config.watch.update, k_updates)});
    config.watch.update = "rebase";
  }
  if (const RawEntry* e = entry_of("watch", "interval"); e && config.watch.interval.count() <= 0) {
    errors.push_back({e->value_position, "[watch] interval", "expected a duration above 0, got " + e->shown});
    config.watch.interval = std::chrono::seconds(60);
  }
  // A negative budget would read as "no limit" (budgets compare with > 0); say so instead.
  for (const char* key : {"max_cost_usd", "fleet_max_cost_usd", "max_tokens", "fleet_max_tokens"}) {
    const RawEntry* e = entry_of("run", key);
    if (e && e->value.is_number() && e->value.get<double>() < 0)
      errors.push_back({e->value_position, "[run] " + std::string(key),
                        "expected 0 (no limit) or a positive limit, got " + e->shown});
  }
  if (config.run.max_cost_usd < 0) config.run.max_cost_usd = 0;
  if (config.run.fleet_max_cost_usd < 0) config.run.fleet_max_cost_usd = 0;
  if (config.run.max_tokens < 0) config.run.max_tokens = 0;
  if (config.run.fleet_max_tokens < 0) config.run.fleet_max_tokens = 0;
  const long long last_port = static_cast<long long>(config.ports.base) + config.ports.span - 1;
  if (last_port > 65535) {
    const RawEntry* e = entry_of("ports", "span");
    if (!e) e = entry_of("ports", "base");
    errors.push_back({e ? e->value_position : Position{}, e ? "[ports] " + e->key : "[ports]",
                      "the port range ends at " + std::to_string(last_port) + ", past 65535"});
  }
  if (config.ports.per_workspace > config.ports.span) {
    if (const RawEntry* e = entry_of("ports", "per_workspace"))
      errors.push_back({e->value_position, "[ports] per_workspace",
                        "larger than [ports] span (" + std::to_string(config.ports.span) + ")"});
    else if (const RawEntry* span = entry_of("ports", "span"))
      errors.push_back({span->value_position, "[ports] span",
                        "smaller than [ports] per_workspace (" + std::to_string(config.ports.per_workspace) + ")"});
  }
  for (const char* key : {"states", "labels"}) {
    const RawEntry* e = entry_of("write_back", key);
    if (!e || !e->value.is_object()) continue;
    for (const auto& [phase, name] : e->value.items()) {
      if (std::find(k_phases.begin(), k_phases.end(), phase) == k_phases.end())
        errors.push_back({e->value_position, "[write_back] " + std::string(key),
                          "unknown run phase \"" + phase + "\"" + util::did_you_mean(phase, k_phases) +
                              "; phases are in_progress, in_review, needs_human, failed, done"});
      else if (name.is_string() && name.get<std::string>().empty())
        errors.push_back({e->value_position, "[write_back] " + std::string(key),
                          "the " + std::string(key == std::string("states") ? "state" : "label") + " of \"" + phase +
                              "\" is empty (leave the phase out to write nothing for it)"});
    }
  }
  if (const RawEntry* e = entry_of("agent", "models"); e && e->value.is_object()) {
    for (const auto& [stage, model] : e->value.items()) {
      if (std::find(k_stages.begin(), k_stages.end(), stage) == k_stages.end())
        errors.push_back({e->value_position, "[agent] models",
                          "unknown stage \"" + stage + "\"" + util::did_you_mean(stage, k_stages) +
                              "; stages are plan, build, review, heal"});
    }
  }
}

/// fanout's own files (state, logs, transcripts, locks, plugin data) live in fixed folders
/// under .fanout/; a repository that commits one of them as a symlink would move those writes
/// (and the 0700 chmod of the folder) out of it. Checked like a path key's default: only an
/// untrusted repo is held to it, since a user may link .fanout to another disk on purpose.
void check_own_folders(const Config& config, Diagnostics& errors) {
  if (config.trust.trusted || config.repo_root.empty()) return;
  for (const char* own : {".fanout", ".fanout/state.db", ".fanout/runs", ".fanout/workspaces", ".fanout/locks",
                          ".fanout/data", ".fanout/plugins-data", ".fanout/prompts"}) {
    if (auto escape = path_escape(own, config.repo_root)) {
      errors.push_back({Position{"fanout.toml", 0, 0}, "fanout's own files",
                        *escape + "; fanout keeps its state, logs and transcripts only inside the repository: "
                                  "remove that symlink, or run \"fanout config trust\" if you made it"});
      return; // one is enough: the ones below a linked folder escape with it
    }
  }
}

} // namespace

fs::path default_user_config_path() {
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  if (xdg && *xdg) return fs::path(xdg) / "fanout" / "config.toml";
  const char* home = std::getenv("HOME");
  return fs::path(home && *home ? home : ".") / ".config" / "fanout" / "config.toml";
}

LoadResult load(const LoadOptions& options) {
  LoadResult result;
  Config& config = result.config;
  Diagnostics& errors = result.errors;
  config.repo_root = normalized(options.repo_root);
  config.repo_file = config.repo_root / "fanout.toml";
  config.trust.repo_root = config.repo_root;
  config.trust.user_config = options.user_config ? *options.user_config : default_user_config_path();

  const RawConfig user = read_config_file(config.trust.user_config, config.trust.user_config.string(), false, errors);
  const RawConfig repo = read_config_file(config.repo_file, "fanout.toml", true, errors);

  // Trust comes from the user config alone.
  {
    auto it = user.sections.find("trust");
    const RawSection trust_section = it == user.sections.end() ? RawSection{} : it->second;
    const auto trust_values = validate_entries("[trust]", trust_section.entries, keys_of("trust"), config.trust, errors);
    for (const auto& repo_path : strings(trust_values["repos"]))
      if (normalized(resolve(repo_path, trust_section.find("repos"), config)) == config.repo_root)
        config.trust.trusted = true;
  }

  const RawConfig raw = merge(user, repo);
  auto section = [&](const char* name) -> const RawSection& {
    static const RawSection empty;
    auto it = raw.sections.find(name);
    return it == raw.sections.end() ? empty : it->second;
  };
  auto plain = [&](const char* name) {
    return validate_entries("[" + std::string(name) + "]", section(name).entries, keys_of(name), config.trust, errors);
  };

  nlohmann::json values;
  config.tracker = plugin_table("tracker", "[tracker]", section("tracker"), config.trust, values, errors);
  if (section("codehost").present) {
    config.codehost = plugin_table("codehost", "[codehost]", section("codehost"), config.trust, values, errors);
    if (config.codehost.plugin.empty()) config.codehost.plugin = config.tracker.plugin;
  } else {
    config.codehost = config.tracker;
  }

  const auto agent = plain("agent");
  config.agent.provider = agent["provider"].get<std::string>();
  if (const RawEntry* provider = section("agent").find("provider")) config.agent.provider_position = provider->value_position;
  const auto& models = agent["models"];
  config.agent.models = {models.value("plan", ""), models.value("build", ""), models.value("review", ""),
                         models.value("heal", "")};
  config.agent.pass_env = strings(agent["pass_env"]);
  for (const auto& [name, provider] : raw.agent_providers) {
    PluginTable table = empty_table("[agent." + name + "]", name);
    table.position = provider.position;
    table.entries = provider.entries;
    config.agent.providers[name] = std::move(table);
  }

  const auto workspace = plain("workspace");
  config.workspace.root = resolve(workspace["root"].get<std::string>(), nullptr, config);
  config.workspace.base = workspace["base"].get<std::string>();
  config.workspace.base_remote = workspace["base_remote"].get<bool>();
  config.workspace.copy = strings(workspace["copy"]);
  config.workspace.reuse = strings(workspace["reuse"]);
  config.workspace.key_files = strings(workspace["key_files"]);
  config.workspace.install = strings(workspace["install"]);
  config.workspace.setup = strings(workspace["setup"]);
  config.workspace.env_file = workspace["env_file"].get<std::string>();

  const auto ports = plain("ports");
  config.ports = {ports["base"].get<int>(), ports["span"].get<int>(), ports["per_workspace"].get<int>()};

  config.database.brancher = plugin_table("database", "[database]", section("database"), config.trust, values, errors);
  config.database.url_env = values["url_env"].get<std::string>();

  std::map<std::string, int> name_counts;
  for (const auto& review : raw.reviews) {
    ReviewConfig out;
    out.table = plugin_table("review", "[[review]]", review, config.trust, values, errors);
    if (!values.contains("plugin") && !review.find("plugin"))
      errors.push_back({review.position, "[[review]]", "missing key \"plugin\" (the reviewer plugin to run)"});
    out.name = values.contains("name") ? values["name"].get<std::string>() : out.table.plugin;
    if (const int count = ++name_counts[out.name]; count > 1) out.name += "-" + std::to_string(count);
    config.reviews.push_back(std::move(out));
  }

  name_counts.clear();
  for (const auto& notify : raw.notify) {
    NotifyConfig out;
    out.table = plugin_table("notify", "[[notify]]", notify, config.trust, values, errors);
    if (!values.contains("plugin") && !notify.find("plugin"))
      errors.push_back({notify.position, "[[notify]]", "missing key \"plugin\" (the notifier plugin to use)"});
    out.name = values.contains("name") ? values["name"].get<std::string>() : out.table.plugin;
    if (const int count = ++name_counts[out.name]; count > 1) out.name += "-" + std::to_string(count);
    if (values.contains("events")) out.events = strings(values["events"]);
    if (values.contains("retries")) out.retries = values["retries"].get<int>();
    if (values.contains("retry_delay")) out.retry_delay = millis(values["retry_delay"]);
    check_notify_values(notify, out, errors);
    config.notifiers.push_back(std::move(out));
  }

  config.runner.table = plugin_table("runner", "[runner]", section("runner"), config.trust, values, errors);
  config.runner.remote = values["remote"].get<std::string>();

  const auto run = plain("run");
  config.run.parallel = run["parallel"].get<int>();
  config.run.fix_rounds = run["fix_rounds"].get<int>();
  config.run.timeout = millis(run["timeout"]);
  config.run.plan_timeout = millis(run["plan_timeout"]);
  config.run.build_timeout = millis(run["build_timeout"]);
  config.run.review_timeout = millis(run["review_timeout"]);
  config.run.fix_timeout = millis(run["fix_timeout"]);
  config.run.approve_plan = run["approve_plan"].get<bool>();
  config.run.max_cost_usd = run["max_cost_usd"].get<double>();
  config.run.max_tokens = run["max_tokens"].get<long long>();
  config.run.fleet_max_cost_usd = run["fleet_max_cost_usd"].get<double>();
  config.run.fleet_max_tokens = run["fleet_max_tokens"].get<long long>();

  const auto watch = plain("watch");
  config.watch.interval = millis(watch["interval"]);
  config.watch.ci_rounds = watch["ci_rounds"].get<int>();
  config.watch.comment_rounds = watch["comment_rounds"].get<int>();
  config.watch.update_rounds = watch["update_rounds"].get<int>();
  config.watch.update = watch["update"].get<std::string>();
  config.watch.bots = watch["bots"].get<bool>();
  config.watch.label = watch["label"].get<std::string>();
  config.watch.clean = watch["clean"].get<bool>();
  config.watch.log_bytes = watch["log_bytes"].get<long long>();

  const auto write_back = plain("write_back");
  for (const auto& [phase, name] : write_back["states"].items()) config.write_back.states[phase] = name.get<std::string>();
  for (const auto& [phase, name] : write_back["labels"].items()) config.write_back.labels[phase] = name.get<std::string>();
  config.write_back.status_comment = write_back["status_comment"].get<bool>();

  const auto heal = plain("heal");
  config.heal.rules = strings(heal["rules"]);
  config.heal.recent_runs = heal["recent_runs"].get<int>();

  const auto plugins = plain("plugins");
  const RawEntry* dirs_entry = section("plugins").find("dirs");
  for (const auto& dir : strings(plugins["dirs"])) config.plugins.dirs.push_back(resolve(dir, dirs_entry, config));

  check_semantics(raw, config, errors);
  check_own_folders(config, errors);
  // In file order: the user config's errors first, then the repo's, each by position.
  std::stable_sort(errors.begin(), errors.end(), [](const Diagnostic& a, const Diagnostic& b) {
    auto rank = [](const Diagnostic& d) {
      return std::tuple(d.position.file == "fanout.toml", d.position.line, d.position.column);
    };
    return rank(a) < rank(b);
  });
  return result;
}

Config load_or_throw(const LoadOptions& options) {
  LoadResult result = load(options);
  if (!result.errors.empty())
    throw UserError(format_diagnostics(result.errors), ExitCode::usage);
  return std::move(result.config);
}

} // namespace fanout::config
