#include "host/config/key_table.hpp"

#include <iterator>

namespace fanout::config {
namespace {

using sdk::ConfigType;
using sdk::Trust;

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
    {"write_back", SectionKind::plain, nullptr,
     "what a run writes back to its tracker issue: workflow states, labels and one status comment"},
    {"runner", SectionKind::plugin, "kind",
     "where agent sessions run: this machine, or a runner plugin (a Kubernetes Job per session); other keys belong "
     "to the runner plugin (docs/runner.md)"},
    {"run", SectionKind::plain, nullptr, "limits of `fanout run`: parallelism, fix rounds, timeouts, budgets"},
    {"watch", SectionKind::plain, nullptr,
     "`fanout watch`: how often it looks at open pull requests, its bounds, how it updates a branch, intake"},
    {"heal", SectionKind::plain, nullptr, "what `fanout heal` may change"},
    {"plugins", SectionKind::plain, nullptr, "where plugins are found"},
    {"trust", SectionKind::user_only, nullptr, "user config only: repos whose fanout.toml may set trusted keys"},
};

constexpr HostKey k_keys[] = {
    {"tracker", {.name = "kind", .type = ConfigType::string, .default_value = "\"local\"",
                 .doc = "issue tracker plugin: local, github, linear, jira, or an installed one"}},

    {"codehost", {.name = "kind", .type = ConfigType::string,
                  .doc = "code host plugin: github, local; default: the [tracker] plugin"}},

    {"agent", {.name = "provider", .type = ConfigType::string, .default_value = "\"claude-code\"",
               .doc = "agent provider plugin for plan, build, fix and heal: claude-code, codex, command, replay"}},
    {"agent", {.name = "models", .type = ConfigType::string_map, .default_value = "{}",
               .doc = "model per stage: { plan, build, review, heal }; a stage left out uses the provider's default"}},
    {"agent", {.name = "pass_env", .type = ConfigType::string_array, .default_value = "[]",
               .doc = "host environment variables passed to agents besides the workspace env (an allowlist)",
               .trust = Trust::trusted_only}},

    {"workspace", {.name = "root", .type = ConfigType::path, .default_value = "\".fanout/worktrees\"",
                   .doc = "where worktrees are made, relative to the repo root"}},
    {"workspace", {.name = "base", .type = ConfigType::string, .default_value = "\"\"",
                   .doc = "branch each workspace starts from; empty: the repo's default branch"}},
    {"workspace", {.name = "base_remote", .type = ConfigType::boolean, .default_value = "false",
                   .doc = "start from origin/<base> after a fetch"}},
    {"workspace", {.name = "copy", .type = ConfigType::path_array, .default_value = "[]",
                   .doc = "gitignored files copied from the main checkout, e.g. \".env\""}},
    {"workspace", {.name = "reuse", .type = ConfigType::path_array, .default_value = "[]",
                   .doc = "dependency dirs copied from the main checkout when key_files match, e.g. \"node_modules\""}},
    {"workspace", {.name = "key_files", .type = ConfigType::path_array, .default_value = "[]",
                   .doc = "lockfiles whose contents decide whether reuse dirs can be copied"}},
    {"workspace", {.name = "install", .type = ConfigType::string_array, .default_value = "[]",
                   .doc = "shell commands run before setup, only when a reuse dir could not be reused, e.g. \"npm ci\"",
                   .trust = Trust::trusted_only}},
    {"workspace", {.name = "setup", .type = ConfigType::string_array, .default_value = "[]",
                   .doc = "shell commands run in each new workspace with its env, after install, e.g. \"go mod download\"",
                   .trust = Trust::trusted_only}},
    {"workspace", {.name = "env_file", .type = ConfigType::path, .default_value = "\".env.fanout\"",
                   .doc = "file written in each worktree with PORT, DATABASE_URL and the other workspace variables"}},

    {"ports", {.name = "base", .type = ConfigType::positive_integer, .default_value = "4000",
               .doc = "first port fanout may lease"}},
    {"ports", {.name = "span", .type = ConfigType::positive_integer, .default_value = "1000",
               .doc = "how many ports from base fanout may lease"}},
    {"ports", {.name = "per_workspace", .type = ConfigType::positive_integer, .default_value = "10",
               .doc = "consecutive ports per workspace; PORT is the first"}},

    {"database", {.name = "brancher", .type = ConfigType::string, .default_value = "\"\"",
                  .doc = "database brancher plugin: sqlite, postgres, neon; empty: no database branch"}},
    {"database", {.name = "url_env", .type = ConfigType::string, .default_value = "\"DATABASE_URL\"",
                  .doc = "environment variable that carries the branch's connection URL"}},

    {"review", {.name = "plugin", .type = ConfigType::string,
                .doc = "reviewer plugin: agent-review, command-review, scope-review, diff-rules, or an installed one (required)"}},
    {"review", {.name = "name", .type = ConfigType::string,
                .doc = "name shown in status and reports; default: the plugin name"}},

    {"notify", {.name = "plugin", .type = ConfigType::string,
                .doc = "notifier plugin: webhook, desktop, or an installed one (required)"}},
    {"notify", {.name = "name", .type = ConfigType::string,
                .doc = "name in logs and in the delivery records; default: the plugin name"}},
    {"notify", {.name = "events", .type = ConfigType::string_array,
                .default_value = "[\"plan_approval\", \"needs_human\", \"over_budget\", \"failed\", \"pr_ready\", \"fleet_done\"]",
                .doc = "events this notifier gets (see docs/dashboard.md#notifications)"}},
    {"notify", {.name = "retries", .type = ConfigType::integer, .default_value = "3",
                .doc = "retries after a failed delivery, each after twice the previous delay; 0: none"}},
    {"notify", {.name = "retry_delay", .type = ConfigType::duration, .default_value = "\"2s\"",
                .doc = "wait before the first retry"}},

    {"write_back", {.name = "states", .type = ConfigType::string_map, .default_value = "{}",
                    .doc = "tracker state per run phase: { in_progress, in_review, needs_human, failed, done }; a phase "
                           "left out moves nothing"}},
    {"write_back", {.name = "labels", .type = ConfigType::string_map, .default_value = "{}",
                    .doc = "label per run phase (same phases); entering a phase adds its label and removes the other "
                           "phases' labels"}},
    {"write_back", {.name = "status_comment", .type = ConfigType::boolean, .default_value = "false",
                    .doc = "keep one status comment per issue, edited in place, instead of a comment per event"}},
    {"runner", {.name = "kind", .type = ConfigType::string, .default_value = "\"local\"",
                .doc = "\"local\" (this machine) or a runner plugin that runs each agent session elsewhere",
                .trust = Trust::trusted_only}},
    {"runner", {.name = "remote", .type = ConfigType::string, .default_value = "\"origin\"",
                .doc = "git remote a remote session clones the branch from and pushes its commits to",
                .trust = Trust::trusted_only}},

    {"run", {.name = "parallel", .type = ConfigType::positive_integer, .default_value = "4",
             .doc = "issues worked on at once"}},
    {"run", {.name = "fix_rounds", .type = ConfigType::integer, .default_value = "2",
             .doc = "fix rounds after reviewers request changes, before an issue needs a human"}},
    {"run", {.name = "timeout", .type = ConfigType::duration, .default_value = "\"2h\"",
             .doc = "time limit for one issue, all stages together; 0: none"}},
    {"run", {.name = "plan_timeout", .type = ConfigType::duration, .default_value = "\"15m\"",
             .doc = "time limit for the plan stage; 0: none"}},
    {"run", {.name = "build_timeout", .type = ConfigType::duration, .default_value = "\"45m\"",
             .doc = "time limit for the build stage; 0: none"}},
    {"run", {.name = "review_timeout", .type = ConfigType::duration, .default_value = "\"20m\"",
             .doc = "time limit for each reviewer; 0: none"}},
    {"run", {.name = "fix_timeout", .type = ConfigType::duration, .default_value = "\"30m\"",
             .doc = "time limit for each fix round; 0: none"}},
    {"run", {.name = "approve_plan", .type = ConfigType::boolean, .default_value = "false",
             .doc = "stop after the plan until `fanout approve ISSUE`"}},
    {"run", {.name = "max_cost_usd", .type = ConfigType::number, .default_value = "0",
             .doc = "cost limit per issue in USD; 0: none"}},
    {"run", {.name = "max_tokens", .type = ConfigType::integer, .default_value = "0",
             .doc = "token limit per issue; 0: none"}},
    {"run", {.name = "fleet_max_cost_usd", .type = ConfigType::number, .default_value = "0",
             .doc = "cost limit for all issues of one run in USD; 0: none"}},
    {"run", {.name = "fleet_max_tokens", .type = ConfigType::integer, .default_value = "0",
             .doc = "token limit for all issues of one run; 0: none"}},

    {"watch", {.name = "interval", .type = ConfigType::duration, .default_value = "\"60s\"",
               .doc = "time between two looks at every open pull request"}},
    {"watch", {.name = "ci_rounds", .type = ConfigType::integer, .default_value = "2",
               .doc = "rounds of failing checks handed to the builder, per run, before it needs a human; 0: none"}},
    {"watch", {.name = "comment_rounds", .type = ConfigType::integer, .default_value = "3",
               .doc = "rounds of review comments handed to the builder, per run, before it needs a human; 0: none"}},
    {"watch", {.name = "update_rounds", .type = ConfigType::integer, .default_value = "2",
               .doc = "updates of a conflicting branch, per run, before it needs a human; 0: none"}},
    {"watch", {.name = "update", .type = ConfigType::string, .default_value = "\"rebase\"",
               .doc = "how a conflicting branch is updated in its worktree: rebase (then a push with lease) or merge"}},
    {"watch", {.name = "bots", .type = ConfigType::boolean, .default_value = "false",
               .doc = "also hand comments from bots (GitHub apps, \"[bot]\" accounts) to the builder"}},
    {"watch", {.name = "label", .type = ConfigType::string, .default_value = "\"\"",
               .doc = "start a run for every open issue with this label and no run yet; empty: no intake"}},
    {"watch", {.name = "clean", .type = ConfigType::boolean, .default_value = "false",
               .doc = "clean the workspace, database branch and ports of a run whose pull request was merged or closed"}},
    {"watch", {.name = "log_bytes", .type = ConfigType::positive_integer, .default_value = "16000",
               .doc = "bytes of the end of each failing check's log handed to the builder"}},

    {"heal", {.name = "rules", .type = ConfigType::path_array, .default_value = "[\"CLAUDE.md\", \"AGENTS.md\", \".claude/commands\"]",
              .doc = "agent rule files and dirs that heal may propose changes to"}},
    {"heal", {.name = "recent_runs", .type = ConfigType::positive_integer, .default_value = "20",
              .doc = "how many recent runs' findings heal reads"}},

    {"plugins", {.name = "dirs", .type = ConfigType::path_array, .default_value = "[]",
                 .doc = "directories searched for plugins before the default ones, relative to the file that names them",
                 .trust = Trust::trusted_only}},

    {"trust", {.name = "repos", .type = ConfigType::string_array, .default_value = "[]",
               .doc = "repo roots whose fanout.toml may set trusted keys"}},
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
