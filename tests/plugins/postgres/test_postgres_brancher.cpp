#include "host/config/loader.hpp"
#include "host/plugins/table_config.hpp"
#include "tests/support/brancher_harness.hpp"
#include "tests/support/postgres_server.hpp"

#include <catch2/catch.hpp>
#include <libpq-fe.h>

#include <atomic>
#include <fstream>
#include <thread>
#include <vector>

using namespace fanout;
using namespace fanout::test;
using namespace fanout::test::branchers;

namespace {

const sdk::CancelToken k_no_cancel;

// A fresh main database per test case, with 25 rows, so tests never see each other's branches.
std::string make_main_db(const std::string& base = "app") {
  static std::atomic<int> counter{0};
  const std::string name = base + std::to_string(++counter);
  auto& server = PostgresServer::shared();
  server.exec("postgres", "CREATE DATABASE \"" + name + "\"");
  server.exec(name, "CREATE TABLE items(id int primary key, label text); "
                    "INSERT INTO items SELECT g, 'row ' || g FROM generate_series(1, 25) g");
  return name;
}

// Runs `sql` through exactly the URL the app would get.
std::string query(const std::string& url, const std::string& sql) {
  PGconn* conn = PQconnectdb(url.c_str());
  INFO(PQerrorMessage(conn));
  REQUIRE(PQstatus(conn) == CONNECTION_OK);
  PGresult* result = PQexec(conn, sql.c_str());
  INFO(PQresultErrorMessage(result));
  const bool ok = PQresultStatus(result) == PGRES_TUPLES_OK || PQresultStatus(result) == PGRES_COMMAND_OK;
  std::string value = ok && PQntuples(result) > 0 ? PQgetvalue(result, 0, 0) : "";
  PQclear(result);
  PQfinish(conn);
  REQUIRE(ok);
  return value;
}

nlohmann::json config_for(const std::string& main) {
  return {{"url", PostgresServer::shared().url(main)}, {"server_url_env", "DATABASE_URL"},
          {"maintenance_database", "postgres"}, {"connect_timeout", 10000}};
}

bool database_exists(const std::string& name) {
  return !PostgresServer::shared().column("postgres", "SELECT 1 FROM pg_database WHERE datname = '" + name + "'").empty();
}

} // namespace

TEST_CASE("postgres brancher: create copies the template and returns its url with the same credentials", "[postgres]") {
  const std::string main = make_main_db();
  auto brancher = load_brancher("postgres", config_for(main), "/nonexistent-repo");
  auto made = brancher->create("issue-1", k_no_cancel);
  REQUIRE(made.ok());
  CHECK(made->name == "issue-1");
  CHECK(made->url == PostgresServer::shared().url(main + "_fanout_issue-1"));
  CHECK(query(made->url, "SELECT count(*) FROM items") == "25");

  query(made->url, "DELETE FROM items");
  CHECK(query(PostgresServer::shared().url(main), "SELECT count(*) FROM items") == "25");
}

TEST_CASE("postgres brancher: create of an existing branch returns it unchanged", "[postgres]") {
  const std::string main = make_main_db();
  auto brancher = load_brancher("postgres", config_for(main), "/nonexistent-repo");
  auto first = brancher->create("issue-2", k_no_cancel);
  REQUIRE(first.ok());
  query(first->url, "INSERT INTO items VALUES (100, 'mine')");
  auto again = brancher->create("issue-2", k_no_cancel);
  REQUIRE(again.ok());
  CHECK(again->url == first->url);
  CHECK(query(again->url, "SELECT count(*) FROM items") == "26");
}

TEST_CASE("postgres brancher: the server url comes from the variable named by server_url_env", "[postgres]") {
  const std::string main = make_main_db();
  const std::string admin = PostgresServer::shared().url(main);
  plugins::HostServices services;
  services.getenv = [admin](const char* name) -> const char* {
    static std::string value;
    value = admin;
    return std::string(name) == "APP_ADMIN_URL" ? value.c_str() : nullptr;
  };

  SECTION("set") {
    auto brancher = load_brancher("postgres", {{"server_url_env", "APP_ADMIN_URL"}}, "/nonexistent-repo", services);
    auto made = brancher->create("from-env", k_no_cancel);
    REQUIRE(made.ok());
    CHECK(made->url == PostgresServer::shared().url(main + "_fanout_from-env"));
  }
  SECTION("unset") {
    auto brancher = load_brancher("postgres", {{"server_url_env", "DATABASE_URL"}}, "/nonexistent-repo", services);
    auto made = brancher->create("from-env", k_no_cancel);
    REQUIRE_FALSE(made.ok());
    CHECK(made.failure().kind == sdk::FailureKind::auth);
    CHECK(made.failure().message == "the postgres brancher needs the server's connection URL: environment variable "
                                    "\"DATABASE_URL\" is not set (set it, or [database] url)");
    auto listed = brancher->list(k_no_cancel);
    REQUIRE_FALSE(listed.ok());
    CHECK(listed.failure().message == made.failure().message);
  }
}

TEST_CASE("postgres brancher: [database] server_url_env reaches the plugin, url_env stays the host's", "[postgres]") {
  const std::string main = make_main_db();
  const std::string admin = PostgresServer::shared().url(main);
  ScratchDir repo("fanout-pg-config");
  std::ofstream(repo.path() / "fanout.toml") << "[database]\nbrancher = \"postgres\"\nurl_env = \"APP_DB\"\n"
                                                "server_url_env = \"APP_ADMIN_URL\"\n";
  // server_url_env chooses which of the user's variables is read as a credential: trusted-only.
  std::ofstream(repo.path() / "user-config.toml") << "[trust]\nrepos = [\"" << repo.path().string() << "\"]\n";
  const auto loaded = config::load_or_throw({repo.path(), repo.path() / "user-config.toml"});
  CHECK(loaded.database.url_env == "APP_DB");
  const auto table = plugins::table_config(loaded, loaded.database.brancher, shared_registry());
  CHECK(table == nlohmann::json{{"server_url_env", "APP_ADMIN_URL"}, {"maintenance_database", "postgres"},
                                {"connect_timeout", 10000}});

  plugins::HostServices services;
  services.getenv = [admin](const char* name) -> const char* {
    static std::string value;
    value = admin;
    return std::string(name) == "APP_ADMIN_URL" ? value.c_str() : nullptr;
  };
  auto brancher = load_brancher("postgres", table, repo.path(), services);
  auto made = brancher->create("via-config", k_no_cancel);
  REQUIRE(made.ok());
  CHECK(made->url == PostgresServer::shared().url(main + "_fanout_via-config"));
}

TEST_CASE("postgres brancher: a template in use is a clear error saying what to do", "[postgres]") {
  const std::string main = make_main_db();
  auto app = PostgresServer::shared().connect(main); // the app, connected to its database
  auto brancher = load_brancher("postgres", config_for(main), "/nonexistent-repo");
  auto made = brancher->create("busy", k_no_cancel);
  REQUIRE_FALSE(made.ok());
  CHECK(made.failure().message ==
        "cannot branch postgres database \"" + main + "\": other sessions are connected to it (There is 1 other "
        "session using the database.); postgres copies a template only while nothing is connected to it: stop the app "
        "and other clients of \"" + main + "\", or set [database] database to a separate template database that "
        "nothing connects to");
  CHECK_FALSE(database_exists(main + "_fanout_busy"));

  app.reset();
  CHECK(brancher->create("busy", k_no_cancel).ok());
}

TEST_CASE("postgres brancher: remove drops the branch even while the app is connected", "[postgres]") {
  const std::string main = make_main_db();
  auto brancher = load_brancher("postgres", config_for(main), "/nonexistent-repo");
  REQUIRE(brancher->create("gone", k_no_cancel).ok());
  auto workspace_app = PostgresServer::shared().connect(main + "_fanout_gone");

  REQUIRE(brancher->remove("gone", k_no_cancel).ok());
  CHECK_FALSE(database_exists(main + "_fanout_gone"));
  CHECK(database_exists(main));
  SECTION("removing a branch that does not exist succeeds") { CHECK(brancher->remove("gone", k_no_cancel).ok()); }
}

TEST_CASE("postgres brancher: list returns the branches of this template only", "[postgres]") {
  const std::string main = make_main_db("lst");
  auto& server = PostgresServer::shared();
  auto brancher = load_brancher("postgres", config_for(main), "/nonexistent-repo");
  REQUIRE(brancher->create("b-two", k_no_cancel).ok());
  REQUIRE(brancher->create("a_one", k_no_cancel).ok());
  for (const std::string& other :
       std::vector<std::string>{main + "_fanout", main + "x_fanout_y", "other_fanout_z", main + "_fanout_Upper"})
    server.exec("postgres", "CREATE DATABASE \"" + other + "\"");

  auto listed = brancher->list(k_no_cancel);
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 2);
  CHECK((*listed)[0].name == "a_one");
  CHECK((*listed)[0].url == server.url(main + "_fanout_a_one"));
  CHECK((*listed)[1].name == "b-two");
}

TEST_CASE("postgres brancher: long names are shortened to 63 bytes, the same way every time", "[postgres]") {
  const std::string main = make_main_db("a_rather_long_application_database_name_");
  auto brancher = load_brancher("postgres", config_for(main), "/nonexistent-repo");
  const std::string branch(48, 'b');
  auto made = brancher->create(branch, k_no_cancel);
  REQUIRE(made.ok());
  auto listed = brancher->list(k_no_cancel);
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 1);
  const std::string datname = made->url.substr(made->url.rfind('/') + 1);
  CHECK(datname.size() == 63);
  CHECK(database_exists(datname));
  CHECK((*listed)[0].url == made->url);
  CHECK(datname.substr(datname.size() - (*listed)[0].name.size()) == (*listed)[0].name);

  SECTION("remove by the listed name") { REQUIRE(brancher->remove((*listed)[0].name, k_no_cancel).ok()); }
  SECTION("remove by the original name") { REQUIRE(brancher->remove(branch, k_no_cancel).ok()); }
  CHECK_FALSE(database_exists(datname));
}

TEST_CASE("postgres brancher: concurrent creates all succeed", "[postgres]") {
  const std::string main = make_main_db();
  auto brancher = load_brancher("postgres", config_for(main), "/nonexistent-repo");
  std::vector<std::string> failures(4);
  std::vector<std::thread> threads;
  const std::vector<std::string> names{"same", "same", "other-1", "other-2"};
  for (size_t i = 0; i < names.size(); ++i)
    threads.emplace_back([&, i] {
      auto made = brancher->create(names[i], k_no_cancel);
      if (!made.ok()) failures[i] = made.failure().message;
    });
  for (auto& t : threads) t.join();
  CHECK(failures == std::vector<std::string>(4));
  auto listed = brancher->list(k_no_cancel);
  REQUIRE(listed.ok());
  CHECK(listed->size() == 3);
}

TEST_CASE("postgres brancher: an untrusted repo may not choose which variable is read as the server url",
          "[postgres][trust]") {
  // Choosing the variable chooses which of the user's secrets is sent to a server: a repo that
  // names AWS_SECRET_ACCESS_KEY here must not get it, whatever the plugin then does with it.
  ScratchDir repo("fanout-pg-untrusted");
  std::ofstream(repo.path() / "fanout.toml") << "[database]\nbrancher = \"postgres\"\n"
                                                "server_url_env = \"AWS_SECRET_ACCESS_KEY\"\n";
  const auto loaded = config::load_or_throw({repo.path(), repo.path() / "no-user-config.toml"});
  CHECK_THROWS_WITH(plugins::table_config(loaded, loaded.database.brancher, shared_registry()),
                    Catch::StartsWith("fanout.toml:3:1: [database] server_url_env: runs commands or chooses binaries, "
                                      "paths or URLs that receive credentials, so fanout.toml may set it only in a "
                                      "trusted repo: run \"fanout config trust\""));
}
