// [database] url_env: the name of the variable that carries a workspace's database URL, in
// env() (every process started there) and in the env file.
#include "host/workspace/naming.hpp"
#include "host/workspace/workspace_manager.hpp"
#include "tests/host/workspace/workspace_helpers.hpp"

#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <cstdlib>

using namespace fanout;
using namespace fanout::workspace;
using namespace fanout::test;
namespace fs = std::filesystem;

namespace {

/// A SQLite database at `path` with one table.
void make_sqlite_db(const fs::path& path) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  const int rc = sqlite3_exec(db, "CREATE TABLE items(id INTEGER PRIMARY KEY); INSERT INTO items VALUES (1);", nullptr,
                              nullptr, nullptr);
  sqlite3_close(db);
  REQUIRE(rc == SQLITE_OK);
}

} // namespace

TEST_CASE("workspace env: [database] url_env names the variable that gets the branch's URL", "[workspace]") {
  TempRepo repo;
  FakeBrancher brancher;
  auto settings = repo.settings();
  settings.url_env = "APP_DB";
  auto manager = with_brancher(settings, brancher);
  auto ws = manager.up(issue("7"), sdk::CancelToken{});
  REQUIRE(ws.ok());
  const std::string url = brancher.branches.at(database_branch("7"));

  const auto env = *manager.env("7");
  CHECK(env.at("APP_DB") == url);
  CHECK(env.count("DATABASE_URL") == 0);
  const std::string file = read_file(ws->record.path / ".env.fanout");
  CHECK(file.find("\nAPP_DB=" + url + "\n") != std::string::npos);
  CHECK(file.find("DATABASE_URL") == std::string::npos);
}

TEST_CASE("fanout up: [database] url_env from fanout.toml reaches the env file and fanout exec", "[workspace][cli]") {
  TempRepo repo;
  make_sqlite_db(repo.root() / "app.db");
  write_cli_config(repo, "\n[database]\nbrancher = \"sqlite\"\npath = \"app.db\"\nurl_env = \"APP_DB\"\n");
  ::unsetenv("DATABASE_URL"); // so that exec shows only what the workspace sets
  const auto up = fanout_cli(repo, "-q up 7");
  INFO(up.out);
  REQUIRE(up.rc == 0);
  const std::string url =
      "sqlite://" + (repo.root() / ".fanout/databases" / ("app." + database_branch("7") + ".db")).string();

  const std::string file = read_file(repo.root() / ".fanout/worktrees/7/.env.fanout");
  CHECK(file.find("\nAPP_DB=" + url + "\n") != std::string::npos);
  CHECK(file.find("DATABASE_URL") == std::string::npos);
  const auto exec = fanout_cli(repo, "exec 7 -- sh -c 'echo \"$APP_DB|${DATABASE_URL-unset}\"'");
  CHECK(exec.rc == 0);
  CHECK(exec.out == url + "|unset\n");
}
