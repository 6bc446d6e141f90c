// The one rule for paths: a path key from a repo the user does not trust resolves inside it.
#include "tests/host/config/config_helpers.hpp"

#include "host/config/plugin_table.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>

using fanout::sdk::ConfigKey;
using fanout::sdk::ConfigType;
using fanout::test::ConfigRepo;
using Errors = std::vector<std::string>;
namespace fs = std::filesystem;

namespace {

std::string how_to_trust(const ConfigRepo& repo) {
  return "; fanout.toml may name paths outside it only in a trusted repo: run \"fanout config trust\" (adds \"" +
         repo.root().string() + "\" to [trust] repos in " + repo.user_config().string() + ") or set it there instead";
}

std::string outside(const ConfigRepo& repo, const std::string& value, const fs::path& target, bool by_symlink = false) {
  return "\"" + value + "\" resolves to \"" + target.string() + "\"" + (by_symlink ? " through a symlink in the repo" : "") +
         ", outside the repository" + how_to_trust(repo);
}

std::string home() {
  const char* value = std::getenv("HOME");
  return fs::weakly_canonical(value ? value : "/").string();
}

} // namespace

TEST_CASE("path rule: an untrusted repo's path keys may not leave the repo", "[config][trust][paths]") {
  ConfigRepo repo;
  const fs::path parent = repo.root().parent_path();
  repo.repo_toml("[workspace]\n"
                 "root = \"~\"\n"
                 "env_file = \"../../../../x\"\n"
                 "copy = [\".env\", \"/etc/passwd\"]\n"
                 "\n[heal]\nrules = [\"../other/CLAUDE.md\"]\n");
  const auto result = repo.load();
  std::vector<std::string> errors;
  for (const auto& e : result.errors) errors.push_back(e.str());
  CHECK(errors == Errors{
                      "fanout.toml:2:8: [workspace] root: " + outside(repo, "~", home()),
                      "fanout.toml:3:12: [workspace] env_file: " +
                          outside(repo, "../../../../x", (repo.root() / "../../../../x").lexically_normal()),
                      "fanout.toml:4:8: [workspace] copy: " + outside(repo, "/etc/passwd", "/etc/passwd"),
                      "fanout.toml:7:9: [heal] rules: " + outside(repo, "../other/CLAUDE.md", parent / "other" / "CLAUDE.md"),
                  });
  // Refused values never reach the config: the defaults stand.
  CHECK(result.config.workspace.root == repo.root() / ".fanout" / "worktrees");
  CHECK(result.config.workspace.env_file == ".env.fanout");
  CHECK(result.config.workspace.copy.empty());
}

TEST_CASE("path rule: paths inside the repo are fine, written any way", "[config][trust][paths]") {
  ConfigRepo repo;
  repo.repo_toml("[workspace]\nroot = \"../repo/wt\"\nenv_file = \"config/.env.local\"\ncopy = [\".env\", \"" +
                 (repo.root() / "secrets.json").string() + "\"]\nreuse = [\"node_modules\"]\n");
  const auto result = repo.load();
  CHECK(result.errors.empty());
  CHECK(result.config.workspace.root == repo.root() / "wt");
}

TEST_CASE("path rule: a symlink the repo commits does not take a path key out", "[config][trust][paths]") {
  ConfigRepo repo;
  const fs::path outside_dir = repo.root().parent_path() / "elsewhere";
  fs::create_directories(outside_dir);
  fs::create_directories(repo.root() / ".fanout");
  fs::create_directory_symlink(outside_dir, repo.root() / "linked");
  SECTION("a key naming it") {
    repo.repo_toml("[workspace]\nroot = \"linked/wt\"\n");
    CHECK(repo.errors() == Errors{"fanout.toml:2:8: [workspace] root: " +
                                  outside(repo, "linked/wt", outside_dir / "wt", true)});
  }
  SECTION("a default, with no fanout.toml at all: .fanout/worktrees -> elsewhere") {
    fs::create_directory_symlink(outside_dir, repo.root() / ".fanout" / "worktrees");
    CHECK(repo.errors() == Errors{"fanout.toml: [workspace] root: the default " +
                                  outside(repo, ".fanout/worktrees", outside_dir, true)});
  }
}

TEST_CASE("path rule: fanout's own folders under .fanout may not be symlinks out of an untrusted repo",
          "[config][trust][paths]") {
  ConfigRepo repo;
  const fs::path outside_dir = repo.root().parent_path() / "elsewhere";
  fs::create_directories(outside_dir);
  fs::create_directories(repo.root() / ".fanout");
  const std::string fix = "; fanout keeps its state, logs and transcripts only inside the repository: "
                          "remove that symlink, or run \"fanout config trust\" if you made it";
  SECTION("setup logs: .fanout/workspaces -> elsewhere") {
    fs::create_directory_symlink(outside_dir, repo.root() / ".fanout" / "workspaces");
    CHECK(repo.errors() == Errors{"fanout.toml: fanout's own files: \".fanout/workspaces\" resolves to \"" +
                                  outside_dir.string() + "\" through a symlink in the repo, outside the repository" + fix});
  }
  SECTION("transcripts: .fanout/runs -> elsewhere") {
    fs::create_directory_symlink(outside_dir, repo.root() / ".fanout" / "runs");
    CHECK(repo.errors() == Errors{"fanout.toml: fanout's own files: \".fanout/runs\" resolves to \"" +
                                  outside_dir.string() + "\" through a symlink in the repo, outside the repository" + fix});
  }
  SECTION("a trusted repo may link them anywhere") {
    fs::create_directory_symlink(outside_dir, repo.root() / ".fanout" / "runs");
    repo.user_toml("[trust]\nrepos = [\"" + repo.root().string() + "\"]\n");
    CHECK(repo.errors().empty());
  }
}

TEST_CASE("path rule: the user config and a trusted repo may name paths anywhere", "[config][trust][paths]") {
  ConfigRepo repo;
  SECTION("user config") { repo.user_toml("[workspace]\nroot = \"/var/tmp/fanout-worktrees\"\n"); }
  SECTION("trusted repo") {
    repo.user_toml("[trust]\nrepos = [\"" + repo.root().string() + "\"]\n");
    repo.repo_toml("[workspace]\nroot = \"/var/tmp/fanout-worktrees\"\n");
  }
  const auto result = repo.load();
  CHECK(result.errors.empty());
  CHECK(result.config.workspace.root == "/var/tmp/fanout-worktrees");
}

TEST_CASE("path rule: plugin path keys are checked like host keys", "[config][trust][paths]") {
  constexpr ConfigKey keys[] = {
      {.name = "prompt", .type = ConfigType::path, .default_value = "\"review-pr\"",
       .doc = "prompt name or file"},
      {.name = "dirs", .type = ConfigType::path_array, .default_value = "[]", .doc = "dirs"},
  };
  ConfigRepo repo;
  repo.repo_toml("[[review]]\nplugin = \"agent-review\"\nprompt = \"/etc/hostname\"\ndirs = [\"ok\", \"../no\"]\n");
  const auto config = repo.load().config;
  fanout::config::Diagnostics errors;
  const auto json = fanout::config::validate_plugin_table(config.reviews.at(0).table, keys, config.trust, errors);
  Errors messages;
  for (const auto& e : errors) messages.push_back(e.str());
  CHECK(messages == Errors{
                        "fanout.toml:3:10: [[review]] prompt: " + outside(repo, "/etc/hostname", "/etc/hostname"),
                        "fanout.toml:4:8: [[review]] dirs: " +
                            outside(repo, "../no", repo.root().parent_path() / "no"),
                    });
  CHECK(json["prompt"] == "review-pr"); // the refused value never reaches the plugin
}

TEST_CASE("budgets: negative and NaN limits are errors, not \"no limit\"", "[config][run]") {
  ConfigRepo repo;
  repo.repo_toml("[run]\nmax_cost_usd = -1.5\nmax_tokens = -10\nfleet_max_cost_usd = nan\nfleet_max_tokens = 0\n");
  CHECK(repo.errors() == Errors{
                             "fanout.toml:2:16: [run] max_cost_usd: expected 0 (no limit) or a positive limit, got -1.5",
                             "fanout.toml:3:14: [run] max_tokens: expected 0 (no limit) or a positive limit, got -10",
                             "fanout.toml:4:22: [run] fleet_max_cost_usd: expected a number, got nan",
                         });
}
