#pragma once
// Config: fanout.toml merged over the user config, validated against the key table
// (host/config/key_table.hpp). What the rest of the host reads; built by config::load().
//
// Plugin tables ([tracker], [codehost], [agent.<provider>], [database], [runner], each
// [[review]] and [[notify]]) are kept raw here, with source positions, because only the selected plugin knows its
// keys: turn one into the JSON that sdk::Host::config() returns with
// config::plugin_config() (host/config/plugin_table.hpp).

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace fanout::config {

/// Where something was written: the file as shown in messages ("fanout.toml", or the
/// user config's full path), 1-based line and column (0 when unknown).
struct Position {
  std::string file;
  int line = 0;
  int column = 0;
};

/// One key of a plugin table as written, before the plugin's declared keys are known.
struct RawEntry {
  std::string key;
  nlohmann::json value;    ///< the TOML value as JSON (dates and times as strings)
  std::string shown;       ///< the value as written, for "got ..." in messages
  Position key_position;   ///< where the key is (unknown-key and trust errors)
  Position value_position; ///< where the value is (type errors)
  bool from_repo = false;  ///< set by the repo's fanout.toml (trust applies), not the user config
};

/// A table that selects a plugin and carries that plugin's keys.
struct PluginTable {
  std::string plugin;            ///< the selected plugin ("github"); "" when none is selected
  std::string section;           ///< as shown in messages: "[tracker]", "[agent.codex]", "[[review]]"
  Position position;             ///< the selector key, else the table header; line 0 for defaults
  std::vector<RawEntry> entries; ///< the plugin's keys (host keys of the section removed)
};

/// Whether the repo's fanout.toml may set trusted-only keys, and how to say so.
struct Trust {
  bool trusted = false;              ///< the user config lists the repo in [trust] repos
  std::filesystem::path repo_root;   ///< as it must appear in [trust] repos
  std::filesystem::path user_config; ///< the user config file (it may not exist)
};

/// [workspace]: how each issue's worktree is made.
struct WorkspaceConfig {
  std::filesystem::path root;         ///< absolute; default <repo>/.fanout/worktrees
  std::string base;                   ///< branch to start from; "" = the repo's default branch
  bool base_remote = false;           ///< start from origin/<base> after a fetch
  std::vector<std::string> copy;      ///< gitignored files copied from the main checkout
  std::vector<std::string> reuse;     ///< dependency dirs reused when key_files match
  std::vector<std::string> key_files; ///< lockfiles whose hash keys `reuse`
  std::vector<std::string> install;   ///< run before setup only when a reuse dir was not reused
  std::vector<std::string> setup;     ///< commands run in the workspace (through `sh -c`)
  std::string env_file = ".env.fanout"; ///< written in the worktree, relative to it
};

/// [ports]: each workspace leases `per_workspace` consecutive ports from [base, base+span).
struct PortsConfig {
  int base = 4000;
  int span = 1000;
  int per_workspace = 10;
};

/// [agent] models: the model per stage; "" = the provider's own default.
struct AgentModels {
  std::string plan;
  std::string build;
  std::string review;
  std::string heal;
};

/// [agent] and its [agent.<provider>] tables.
struct AgentConfig {
  std::string provider; ///< set by the loader; its default is the key table's (host/config/key_table.cpp)
  Position provider_position; ///< where `provider` was set; line 0 for the default
  AgentModels models;
  std::vector<std::string> pass_env; ///< host env vars passed to agents (allowlist)
  /// [agent.<name>] tables by provider name; `plugin` is the name. A provider used without
  /// a table gets config::empty_table(name).
  std::map<std::string, PluginTable> providers;
};

/// [database]: the brancher plugin (plugin "" = no database branch per workspace).
struct DatabaseConfig {
  PluginTable brancher;
  std::string url_env = "DATABASE_URL"; ///< env var that carries the branch's URL
};

/// One [[review]] table.
struct ReviewConfig {
  std::string name; ///< [[review]] name, else the plugin name, suffixed "-2", "-3" when repeated
  PluginTable table;
};

/// One [[notify]] table: a notifier plugin and the events it gets.
struct NotifyConfig {
  std::string name; ///< [[notify]] name, else the plugin name, suffixed "-2", "-3" when repeated
  PluginTable table;
  std::vector<std::string> events; ///< sdk::NotifyEvent names, checked by the loader
  int retries = 3;                 ///< retries after a failed delivery
  std::chrono::milliseconds retry_delay{2000}; ///< before the first retry; doubled after each
};

/// The `[runner] kind` that runs sessions on this machine through the host's process
/// service: no plugin, today's behaviour (the key table's default).
inline constexpr const char* k_local_runner = "local";

/// [runner]: where agent sessions run (docs/runner.md).
struct RunnerConfig {
  /// `plugin` is the runner plugin, or k_local_runner; its entries are the plugin's keys.
  PluginTable table;
  std::string remote = "origin"; ///< the git remote sessions clone from and push to
  /// Whether sessions run elsewhere, through a runner plugin.
  bool remote_runner() const { return !table.plugin.empty() && table.plugin != k_local_runner; }
};

/// [run]: the loop's limits. Zero durations and budgets mean "no limit".
struct RunConfig {
  int parallel = 4;
  int fix_rounds = 2;
  std::chrono::milliseconds timeout{0};        ///< one issue, all stages
  std::chrono::milliseconds plan_timeout{0};
  std::chrono::milliseconds build_timeout{0};
  std::chrono::milliseconds review_timeout{0}; ///< each reviewer
  std::chrono::milliseconds fix_timeout{0};    ///< each fix round
  bool approve_plan = false;
  double max_cost_usd = 0;        ///< per issue
  long long max_tokens = 0;       ///< per issue
  double fleet_max_cost_usd = 0;  ///< all issues of one `fanout run`
  long long fleet_max_tokens = 0; ///< all issues of one `fanout run`
};

/// [watch]: `fanout watch` (docs/running.md).
struct WatchConfig {
  std::chrono::milliseconds interval{60'000};
  int ci_rounds = 2;
  int comment_rounds = 3;
  int update_rounds = 2;
  std::string update = "rebase"; ///< "rebase" or "merge", checked by the loader
  bool bots = false;
  std::string label;             ///< "" = no intake
  bool clean = false;
  long long log_bytes = 16'000;
};

/// [write_back]: what a run writes back to its tracker issue (host/writeback/). Maps are
/// keyed by run phase (in_progress, in_review, needs_human, failed, done), checked by the loader.
struct WriteBackConfig {
  std::map<std::string, std::string> states; ///< phase -> the tracker's state name
  std::map<std::string, std::string> labels; ///< phase -> a label
  bool status_comment = false;               ///< one status comment per issue, edited in place
};

/// [heal]: which agent-rule files `fanout heal` may propose changes to.
struct HealConfig {
  std::vector<std::string> rules;
  int recent_runs = 20;
};

/// [plugins]: extra plugin directories, searched first (absolute).
struct PluginsConfig {
  std::vector<std::filesystem::path> dirs;
};

/// The whole configuration. Defaults are the key table's (see docs/config.md).
struct Config {
  std::filesystem::path repo_root;
  std::filesystem::path repo_file; ///< <repo>/fanout.toml (it may not exist)
  Trust trust;
  PluginTable tracker;  ///< plugin: the key table's default when fanout.toml names none
  PluginTable codehost; ///< without a [codehost] table: the [tracker] plugin and its keys
  AgentConfig agent;
  WorkspaceConfig workspace;
  PortsConfig ports;
  DatabaseConfig database;
  std::vector<ReviewConfig> reviews;
  std::vector<NotifyConfig> notifiers;
  RunnerConfig runner;
  RunConfig run;
  WatchConfig watch;
  WriteBackConfig write_back;
  HealConfig heal;
  PluginsConfig plugins;
};

/// A table for `plugin` with no keys set (e.g. an [agent.<name>] nobody wrote).
PluginTable empty_table(const std::string& section, const std::string& plugin);

} // namespace fanout::config
