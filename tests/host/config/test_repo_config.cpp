#include "tests/host/config/config_helpers.hpp"

#include <catch2/catch.hpp>

using fanout::test::ConfigRepo;
using namespace std::chrono_literals;

TEST_CASE("repo config: no files gives the key table's defaults", "[config]") {
  ConfigRepo repo;
  const auto result = repo.load();
  REQUIRE(result.errors.empty());
  const auto& c = result.config;
  CHECK(c.tracker.plugin == "local");
  CHECK(c.codehost.plugin == "local");
  CHECK(c.agent.provider == "claude-code");
  CHECK(c.agent.models.build.empty());
  CHECK(c.workspace.root == repo.root() / ".fanout" / "worktrees");
  CHECK(c.workspace.env_file == ".env.fanout");
  CHECK(c.workspace.base.empty());
  CHECK_FALSE(c.workspace.base_remote);
  CHECK(c.ports.base == 4000);
  CHECK(c.ports.span == 1000);
  CHECK(c.ports.per_workspace == 10);
  CHECK(c.database.brancher.plugin.empty());
  CHECK(c.database.url_env == "DATABASE_URL");
  CHECK(c.reviews.empty());
  CHECK(c.run.parallel == 4);
  CHECK(c.run.fix_rounds == 2);
  CHECK(c.run.timeout == 2h);
  CHECK(c.run.build_timeout == 45min);
  CHECK(c.run.max_cost_usd == 0);
  CHECK(c.heal.rules == std::vector<std::string>{"CLAUDE.md", "AGENTS.md", ".claude/commands"});
  CHECK(c.plugins.dirs.empty());
  CHECK_FALSE(c.trust.trusted);
}

TEST_CASE("repo config: the design's example reads into the typed config", "[config]") {
  ConfigRepo repo;
  repo.repo_toml(R"([tracker]
kind = "github"
repo = "owner/name"

[agent]
provider = "claude-code"
models = { plan = "opus", build = "sonnet", review = "haiku" }

[workspace]
root = ".fanout/worktrees"
base = "main"
reuse = ["node_modules"]

[ports]
base = 4000
span = 1000

[database]
brancher = "sqlite"
path = "data/app.db"

[[review]]
plugin = "agent-review"
provider = "claude-code"
prompt = "review-pr"

[[review]]
plugin = "agent-review"
provider = "codex"
prompt = "adversarial"

[[review]]
plugin = "command-review"
name = "tests"

[run]
parallel = 5
fix_rounds = 2
timeout = "45m"
)");
  const auto result = repo.load();
  REQUIRE(result.errors.empty());
  const auto& c = result.config;
  CHECK(c.tracker.plugin == "github");
  REQUIRE(c.tracker.entries.size() == 1);
  CHECK(c.tracker.entries[0].key == "repo");
  CHECK(c.tracker.entries[0].value == "owner/name");
  CHECK(c.tracker.entries[0].value_position.line == 3);
  CHECK(c.tracker.entries[0].value_position.column == 8);
  CHECK(c.tracker.position.line == 2);
  SECTION("the code host defaults to the tracker plugin and its keys") {
    CHECK(c.codehost.plugin == "github");
    CHECK(c.codehost.entries.size() == 1);
    CHECK(c.codehost.section == "[tracker]");
  }
  CHECK(c.agent.models.plan == "opus");
  CHECK(c.agent.models.build == "sonnet");
  CHECK(c.agent.models.review == "haiku");
  CHECK(c.agent.models.heal.empty());
  CHECK(c.workspace.base == "main");
  CHECK(c.workspace.reuse == std::vector<std::string>{"node_modules"});
  CHECK(c.database.brancher.plugin == "sqlite");
  REQUIRE(c.database.brancher.entries.size() == 1);
  CHECK(c.database.brancher.entries[0].key == "path");
  REQUIRE(c.reviews.size() == 3);
  CHECK(c.reviews[0].name == "agent-review");
  CHECK(c.reviews[1].name == "agent-review-2");
  CHECK(c.reviews[2].name == "tests");
  CHECK(c.reviews[1].table.entries.size() == 2);
  CHECK(c.reviews[1].table.section == "[[review]]");
  CHECK(c.run.parallel == 5);
  CHECK(c.run.timeout == 45min);
}

TEST_CASE("repo config: [agent.<provider>] tables are kept as plugin tables", "[config]") {
  ConfigRepo repo;
  repo.user_toml("[agent.codex]\ncommand = \"/opt/codex\"\nextra_args = [\"--x\"]\n");
  repo.repo_toml("[agent]\nprovider = \"codex\"\n\n[agent.codex]\nextra_args = [\"--y\"]\n");
  const auto result = repo.load();
  REQUIRE(result.errors.empty());
  const auto& providers = result.config.agent.providers;
  REQUIRE(providers.count("codex") == 1);
  const auto& codex = providers.at("codex");
  CHECK(codex.plugin == "codex");
  CHECK(codex.section == "[agent.codex]");
  REQUIRE(codex.entries.size() == 2);
  CHECK(codex.entries[0].key == "command");
  CHECK_FALSE(codex.entries[0].from_repo);
  CHECK(codex.entries[1].value == nlohmann::json::array({"--y"}));
  CHECK(codex.entries[1].from_repo);
}

TEST_CASE("repo config: the repo file wins over the user config, key by key", "[config]") {
  ConfigRepo repo;
  repo.user_toml("[run]\nparallel = 8\nfix_rounds = 5\n\n[ports]\nbase = 5000\n");
  repo.repo_toml("[run]\nparallel = 3\n");
  const auto result = repo.load();
  REQUIRE(result.errors.empty());
  CHECK(result.config.run.parallel == 3);
  CHECK(result.config.run.fix_rounds == 5);
  CHECK(result.config.ports.base == 5000);
}

TEST_CASE("repo config: a repo table selecting another plugin replaces the user's table", "[config]") {
  ConfigRepo repo;
  repo.user_toml("[tracker]\nkind = \"github\"\nrepo = \"me/default\"\n");
  SECTION("another plugin: the user's github keys are dropped") {
    repo.repo_toml("[tracker]\nkind = \"linear\"\nteam = \"ENG\"\n");
    const auto result = repo.load();
    REQUIRE(result.errors.empty());
    CHECK(result.config.tracker.plugin == "linear");
    REQUIRE(result.config.tracker.entries.size() == 1);
    CHECK(result.config.tracker.entries[0].key == "team");
  }
  SECTION("the same plugin: keys merge") {
    repo.repo_toml("[tracker]\nrepo = \"me/this\"\n");
    const auto result = repo.load();
    REQUIRE(result.errors.empty());
    CHECK(result.config.tracker.plugin == "github");
    REQUIRE(result.config.tracker.entries.size() == 1);
    CHECK(result.config.tracker.entries[0].value == "me/this");
  }
}

TEST_CASE("repo config: [[review]] in the repo replaces the user's reviewers", "[config]") {
  ConfigRepo repo;
  repo.user_toml("[[review]]\nplugin = \"diff-rules\"\n\n[[review]]\nplugin = \"scope-review\"\n");
  SECTION("repo without reviewers keeps the user's") {
    const auto result = repo.load();
    REQUIRE(result.errors.empty());
    CHECK(result.config.reviews.size() == 2);
  }
  SECTION("repo reviewers replace them") {
    repo.repo_toml("[[review]]\nplugin = \"command-review\"\n");
    const auto result = repo.load();
    REQUIRE(result.errors.empty());
    REQUIRE(result.config.reviews.size() == 1);
    CHECK(result.config.reviews[0].name == "command-review");
  }
}

TEST_CASE("repo config: an explicit [codehost] has its own plugin and keys", "[config]") {
  ConfigRepo repo;
  repo.repo_toml("[tracker]\nkind = \"linear\"\nteam = \"ENG\"\n\n[codehost]\nkind = \"github\"\nrepo = \"o/n\"\n");
  const auto result = repo.load();
  REQUIRE(result.errors.empty());
  CHECK(result.config.codehost.plugin == "github");
  CHECK(result.config.codehost.section == "[codehost]");
  REQUIRE(result.config.codehost.entries.size() == 1);
  CHECK(result.config.codehost.entries[0].key == "repo");
}

TEST_CASE("repo config: plugin dirs resolve against the file that names them", "[config]") {
  ConfigRepo repo;
  repo.user_toml("[plugins]\ndirs = [\"mine\"]\n");
  const auto result = repo.load();
  REQUIRE(result.errors.empty());
  REQUIRE(result.config.plugins.dirs.size() == 1);
  CHECK(result.config.plugins.dirs[0] == repo.user_config().parent_path() / "mine");
}
