#include "tests/host/config/config_helpers.hpp"

#include "host/config/init.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>

using fanout::config::detect;
using fanout::config::github_repo_from_url;
using fanout::test::ConfigRepo;

namespace {

void git(const ConfigRepo& repo, const std::string& args) {
  const std::string command = "git -C '" + repo.root().string() + "' " + args + " >/dev/null 2>&1";
  REQUIRE(std::system(command.c_str()) == 0);
}

} // namespace

TEST_CASE("init: github remote URLs in every form", "[config][init]") {
  using opt = std::optional<std::string>;
  CHECK(github_repo_from_url("https://github.com/owner/name.git") == opt("owner/name"));
  CHECK(github_repo_from_url("https://github.com/owner/name") == opt("owner/name"));
  CHECK(github_repo_from_url("https://github.com/owner/name/") == opt("owner/name"));
  CHECK(github_repo_from_url("git@github.com:owner/name.git") == opt("owner/name"));
  CHECK(github_repo_from_url("ssh://git@github.com/owner/name.git") == opt("owner/name"));
  CHECK(github_repo_from_url("git://github.com/owner/name.git") == opt("owner/name"));
  CHECK(github_repo_from_url("https://user:token@github.com/owner/name.git") == opt("owner/name"));
  CHECK_FALSE(github_repo_from_url("https://gitlab.com/owner/name.git"));
  CHECK_FALSE(github_repo_from_url("https://github.com/owner"));
  CHECK_FALSE(github_repo_from_url("https://github.com/a/b/c"));
  CHECK_FALSE(github_repo_from_url("/srv/git/name.git"));
}

TEST_CASE("init: detects the remote, lockfiles and an SQLite file", "[config][init]") {
  ConfigRepo repo;
  git(repo, "init -q");
  git(repo, "remote add origin git@github.com:acme/shop.git");
  repo.write("package-lock.json", "{}");
  repo.write("poetry.lock", "");
  repo.write("go.sum", "");
  repo.write("data/app.db", "");
  repo.write("node_modules/x/cache.sqlite", "");
  repo.write(".fanout/worktrees/1/data/app.db", "");
  const auto d = detect(repo.root());
  CHECK(d.github_repo == std::optional<std::string>("acme/shop"));
  CHECK(d.lockfiles == std::vector<std::string>{"package-lock.json", "poetry.lock", "go.sum"});
  CHECK(d.install == std::vector<std::string>{"npm ci --prefer-offline", "poetry install --no-interaction"});
  CHECK(d.setup == std::vector<std::string>{"go mod download"}); // nothing to reuse: always runs
  CHECK(d.reuse == std::vector<std::string>{"node_modules", ".venv"});
  CHECK(d.sqlite_path == std::optional<std::string>("data/app.db"));

  SECTION("the written file loads, and only install and setup need trust") {
    repo.repo_toml(fanout::config::render_init_toml(d));
    const auto result = repo.load();
    REQUIRE(result.errors.size() == 2);
    CHECK(result.errors[0].where == "[workspace] install");
    CHECK(result.errors[1].where == "[workspace] setup");
    CHECK(result.config.tracker.plugin == "github");
    CHECK(result.config.tracker.entries.at(0).value == "acme/shop");
    CHECK(result.config.workspace.reuse == d.reuse);
    CHECK(result.config.workspace.key_files == d.lockfiles);
    CHECK(result.config.database.brancher.plugin == "sqlite");
    CHECK(result.config.database.brancher.entries.at(0).value == "data/app.db");
    REQUIRE(result.config.reviews.size() == 1);
    CHECK(result.config.reviews[0].table.plugin == "diff-rules");
  }
}

TEST_CASE("init: an empty directory gives the local tracker and no setup", "[config][init]") {
  ConfigRepo repo;
  const auto d = detect(repo.root());
  CHECK_FALSE(d.github_repo);
  CHECK(d.lockfiles.empty());
  CHECK_FALSE(d.sqlite_path);
  repo.repo_toml(fanout::config::render_init_toml(d));
  const auto result = repo.load();
  CHECK(result.errors.empty());
  CHECK(result.config.tracker.plugin == "local");
  CHECK(result.config.database.brancher.plugin.empty());
}
