#include "host/config/key_table.hpp"

#include <iterator>

namespace fanout::config {
namespace {

using sdk::ConfigType;

// Trust policy: `true` marks keys that run commands, choose binaries or plugin paths, or
// send credentials somewhere. A repo's fanout.toml may set them only when the user config
// trusts that repo; the user config itself may always set them.
// Path policy: keys of type path / path_array name files or folders; set by an untrusted
// repo (or left at a default), each must resolve inside the repo (host/config/path_rule.hpp).
constexpr SectionSpec k_sections[] = {
    {"tracker", SectionKind::plugin, "kind", "where issues come from; other keys belong to the tracker plugin"},
    {"codehost", SectionKind::plugin, "kind",
     "where pull requests are opened; other keys belong to the code host plugin. Without this table: "
     "the [tracker] plugin and its keys"},
    {"agent", SectionKind::agent, nullptr,
     "the agent provider and models; [agent.<provider>] tables hold each provider plugin's keys"},
    {"workspace", SectionKind::plain, nullptr, "the worktree, files and dependencies of each issue's workspace"},
    {"ports", SectionKind::plain, nullptr, "the block of ports each workspace leases"},
    {"database", SectionKind::plugin, "brancher",
     "the database branch of each workspace; other keys belong to the brancher plugin"},
    {"review", SectionKind::plugin_array, "plugin",
     "one table per reviewer; other keys belong to the reviewer plugin"},
    {"notify", SectionKind::plugin_array, "plugin",
     "one table per notifier (webhook, desktop) and the events it gets; other keys belong to the notifier plugin"},
    {"run", SectionKind::plain, nullptr, "limits of `fanout run`: parallelism, fix rounds, timeouts, budgets"},
    {"heal", SectionKind::plain, nullptr, "what `fanout heal` may change"},
    {"plugins", SectionKind::plain, nullptr, "where plugins are found"},
    {"trust", SectionKind::user_only, nullptr, "user config only: repos whose fanout.toml may set trusted keys"},
};

constexpr HostKey k_keys[] = {
    {"tracker", {"kind", ConfigType::string, "\"local\"", "issue tracker plugin: local, github, linear, jira, or an installed one", false}},

    {"codehost", {"kind", ConfigType::string, nullptr, "code host plugin: github, local; default: the [tracker] plugin", false}},

    {"agent", {"provider", ConfigType::string, "\"claude-code\"", "agent provider plugin for plan, build, fix and heal: claude-code, codex, command, replay", false}},
    {"agent", {"models", ConfigType::string_map, "{}", "model per stage: { plan, build, review, heal }; a stage left out uses the provider's default", false}},
    {"agent", {"pass_env", ConfigType::string_array, "[]", "host environment variables passed to agents besides the workspace env (an allowlist)", true}},

    {"workspace", {"root", ConfigType::path, "\".fanout/worktrees\"", "where worktrees are made, relative to the repo root", false}},
    {"workspace", {"base", ConfigType::string, "\"\"", "branch each workspace starts from; empty: the repo's default branch", false}},
    {"workspace", {"base_remote", ConfigType::boolean, "false", "start from origin/<base> after a fetch", false}},
    {"workspace", {"copy", ConfigType::path_array, "[]", "gitignored files copied from the main checkout, e.g. \".env\"", false}},
    {"workspace", {"reuse", ConfigType::path_array, "[]", "dependency dirs copied from the main checkout when key_files match, e.g. \"node_modules\"", false}},
    {"workspace", {"key_files", ConfigType::path_array, "[]", "lockfiles whose contents decide whether reuse dirs can be copied", false}},
    {"workspace", {"install", ConfigType::string_array, "[]", "shell commands run before setup, only when a reuse dir could not be reused, e.g. \"npm ci\"", true}},
    {"workspace", {"setup", ConfigType::string_array, "[]", "shell commands run in each new workspace with its env, after install, e.g. \"go mod download\"", true}},
    {"workspace", {"env_file", ConfigType::path, "\".env.fanout\"", "file written in each worktree with PORT, DATABASE_URL and the other workspace variables", false}},

    {"ports", {"base", ConfigType::positive_integer, "4000", "first port fanout may lease", false}},
    {"ports", {"span", ConfigType::positive_integer, "1000", "how many ports from base fanout may lease", false}},
    {"ports", {"per_workspace", ConfigType::positive_integer, "10", "consecutive ports per workspace; PORT is the first", false}},

    {"database", {"brancher", ConfigType::string, "\"\"", "database brancher plugin: sqlite, postgres, neon; empty: no database branch", false}},
    {"database", {"url_env", ConfigType::string, "\"DATABASE_URL\"", "environment variable that carries the branch's connection URL", false}},

    {"review", {"plugin", ConfigType::string, nullptr, "reviewer plugin: agent-review, command-review, scope-review, diff-rules, or an installed one (required)", false}},
    {"review", {"name", ConfigType::string, nullptr, "name shown in status and reports; default: the plugin name", false}},

    {"notify", {"plugin", ConfigType::string, nullptr, "notifier plugin: webhook, desktop, or an installed one (required)", false}},
    {"notify", {"name", ConfigType::string, nullptr, "name in logs and in the delivery records; default: the plugin name", false}},
    {"notify", {"events", ConfigType::string_array, "[\"plan_approval\", \"needs_human\", \"over_budget\", \"failed\", \"pr_ready\", \"fleet_done\"]", "events this notifier gets (see docs/dashboard.md#notifications)", false}},
    {"notify", {"retries", ConfigType::integer, "3", "retries after a failed delivery, each after twice the previous delay; 0: none", false}},
    {"notify", {"retry_delay", ConfigType::duration, "\"2s\"", "wait before the first retry", false}},

    {"run", {"parallel", ConfigType::positive_integer, "4", "issues worked on at once", false}},
    {"run", {"fix_rounds", ConfigType::integer, "2", "fix rounds after reviewers request changes, before an issue needs a human", false}},
    {"run", {"timeout", ConfigType::duration, "\"2h\"", "time limit for one issue, all stages together; 0: none", false}},
    {"run", {"plan_timeout", ConfigType::duration, "\"15m\"", "time limit for the plan stage; 0: none", false}},
    {"run", {"build_timeout", ConfigType::duration, "\"45m\"", "time limit for the build stage; 0: none", false}},
    {"run", {"review_timeout", ConfigType::duration, "\"20m\"", "time limit for each reviewer; 0: none", false}},
    {"run", {"fix_timeout", ConfigType::duration, "\"30m\"", "time limit for each fix round; 0: none", false}},
    {"run", {"approve_plan", ConfigType::boolean, "false", "stop after the plan until `fanout approve ISSUE`", false}},
    {"run", {"max_cost_usd", ConfigType::number, "0", "cost limit per issue in USD; 0: none", false}},
    {"run", {"max_tokens", ConfigType::integer, "0", "token limit per issue; 0: none", false}},
    {"run", {"fleet_max_cost_usd", ConfigType::number, "0", "cost limit for all issues of one run in USD; 0: none", false}},
    {"run", {"fleet_max_tokens", ConfigType::integer, "0", "token limit for all issues of one run; 0: none", false}},

    {"heal", {"rules", ConfigType::path_array, "[\"CLAUDE.md\", \"AGENTS.md\", \".claude/commands\"]", "agent rule files and dirs that heal may propose changes to", false}},
    {"heal", {"recent_runs", ConfigType::positive_integer, "20", "how many recent runs' findings heal reads", false}},

    {"plugins", {"dirs", ConfigType::path_array, "[]", "directories searched for plugins before the default ones, relative to the file that names them", true}},

    {"trust", {"repos", ConfigType::string_array, "[]", "repo roots whose fanout.toml may set trusted keys", false}},
};

} // namespace

std::span<const SectionSpec> sections() { return k_sections; }

std::span<const HostKey> host_keys() { return k_keys; }

const SectionSpec* find_section(std::string_view name) {
  for (const auto& section : k_sections)
    if (name == section.name) return &section;
  return nullptr;
}

std::vector<sdk::ConfigKey> keys_of(std::string_view section) {
  std::vector<sdk::ConfigKey> keys;
  for (const auto& key : k_keys)
    if (section == key.section) keys.push_back(key.key);
  return keys;
}

std::vector<std::string> section_names() {
  std::vector<std::string> names;
  for (const auto& section : k_sections) names.emplace_back(section.name);
  return names;
}

std::string section_label(const SectionSpec& section) {
  return section.kind == SectionKind::plugin_array ? "[[" + std::string(section.name) + "]]"
                                                   : "[" + std::string(section.name) + "]";
}

} // namespace fanout::config
