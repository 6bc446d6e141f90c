#include "tests/support/brancher_harness.hpp"
#include "tests/support/postgres_server.hpp"
#include "tests/support/tracker_harness.hpp"

#include <catch2/catch.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace fanout;
using namespace fanout::test;
using namespace fanout::test::branchers;

namespace {

const sdk::CancelToken k_no_cancel;

std::string server_name() { return "127.0.0.1:" + std::to_string(PostgresServer::shared().port()); }

sdk::Failure create_failure(const nlohmann::json& config) {
  auto brancher = load_brancher("postgres", config, "/nonexistent-repo");
  auto made = brancher->create("issue-9", k_no_cancel);
  REQUIRE_FALSE(made.ok());
  return made.failure();
}

// A loopback port with nothing listening (bound, never listened on, so nobody else takes it).
class DeadPort {
public:
  DeadPort() {
    m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    ::bind(m_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&addr), &len);
    m_port = ntohs(addr.sin_port);
  }
  ~DeadPort() { ::close(m_fd); }
  int port() const { return m_port; }

private:
  int m_fd = -1;
  int m_port = 0;
};

} // namespace

TEST_CASE("postgres brancher: a template that does not exist is not_found", "[postgres]") {
  auto& server = PostgresServer::shared();
  auto failure = create_failure({{"url", server.url("postgres")}, {"database", "nope"}, {"connect_timeout", 10000},
                                 {"maintenance_database", "postgres"}});
  CHECK(failure.kind == sdk::FailureKind::not_found);
  CHECK(failure.message == "cannot branch postgres database \"nope\": it does not exist on postgres server \"" +
                               server_name() + "\"");
}

TEST_CASE("postgres brancher: a wrong password is an auth failure naming the server", "[postgres]") {
  const std::string url = "postgresql://postgres:wrong@" + server_name() + "/app";
  auto failure = create_failure({{"url", url}, {"maintenance_database", "postgres"}, {"connect_timeout", 10000}});
  CHECK(failure.kind == sdk::FailureKind::auth);
  CHECK(failure.message == "cannot connect to postgres server \"" + server_name() +
                               "\" (database \"postgres\"): connection to server at \"127.0.0.1\", port " +
                               std::to_string(PostgresServer::shared().port()) +
                               " failed: FATAL:  password authentication failed for user \"postgres\"");
  CHECK(failure.message.find("wrong") == std::string::npos);
}

TEST_CASE("postgres brancher: a server that is not running is an error naming it", "[postgres]") {
  DeadPort dead;
  const std::string where = "127.0.0.1:" + std::to_string(dead.port());
  auto failure = create_failure({{"url", "postgresql://postgres:pw@" + where + "/app"},
                                 {"maintenance_database", "postgres"}, {"connect_timeout", 10000}});
  CHECK(failure.kind == sdk::FailureKind::error);
  CHECK(failure.message == "cannot connect to postgres server \"" + where +
                               "\" (database \"postgres\"): connection to server at \"127.0.0.1\", port " +
                               std::to_string(dead.port()) + " failed: Connection refused");
}

TEST_CASE("postgres brancher: a role without CREATEDB is told to get it", "[postgres]") {
  auto& server = PostgresServer::shared();
  server.exec("postgres", "DO $$ BEGIN CREATE ROLE plain LOGIN PASSWORD 'plainpw'; EXCEPTION WHEN duplicate_object "
                          "THEN NULL; END $$");
  server.exec("postgres", "CREATE DATABASE plainapp_db OWNER plain");
  const std::string url = "postgresql://plain:plainpw@" + server_name() + "/plainapp_db";
  auto failure = create_failure({{"url", url}, {"maintenance_database", "postgres"}, {"connect_timeout", 10000}});
  CHECK(failure.kind == sdk::FailureKind::auth);
  CHECK(failure.message == "cannot branch postgres database \"plainapp_db\": role \"plain\" may not create databases "
                           "on postgres server \"" + server_name() + "\" (grant it CREATEDB)");
}

TEST_CASE("postgres brancher: malformed configuration is refused with what to fix", "[postgres]") {
  SECTION("not a postgresql url") {
    auto failure = create_failure({{"url", "mysql://localhost/app"}, {"maintenance_database", "postgres"}});
    CHECK(failure.kind == sdk::FailureKind::invalid_input);
    CHECK(failure.message == "the postgres connection URL must start with \"postgresql://\" or \"postgres://\"");
  }
  SECTION("no database anywhere") {
    auto failure = create_failure({{"url", "postgresql://u@localhost:5432"}, {"maintenance_database", "postgres"}});
    CHECK(failure.message ==
          "the postgres connection URL names no database: set [database] database to the database to branch");
  }
  SECTION("the template is the maintenance database") {
    auto failure = create_failure({{"url", "postgresql://u@localhost/postgres"}, {"maintenance_database", "postgres"}});
    CHECK(failure.message == "cannot branch \"postgres\": it is also the maintenance database the brancher connects "
                             "to (set [database] maintenance_database to another one)");
  }
  SECTION("an invalid branch name") {
    auto brancher = load_brancher("postgres", {{"url", "postgresql://u@localhost/app"}}, "/nonexistent-repo");
    auto made = brancher->create("Bad Name", k_no_cancel);
    REQUIRE_FALSE(made.ok());
    CHECK(made.failure().message ==
          "invalid branch name \"Bad Name\": expected 1-48 characters of a-z, 0-9, '_' and '-'");
  }
}

TEST_CASE("postgres brancher: the declared config keys validate and their defaults work", "[postgres]") {
  auto& server = PostgresServer::shared();
  server.exec("postgres", "CREATE DATABASE defaults_app");
  std::string error;
  auto validated = trackers::validated_config("postgres", {{"url", server.url("defaults_app")}}, error);
  REQUIRE(error.empty());
  CHECK(validated == nlohmann::json{{"url", server.url("defaults_app")}, {"server_url_env", "DATABASE_URL"},
                                    {"maintenance_database", "postgres"}, {"connect_timeout", 10000}});
  auto made = load_brancher("postgres", validated, "/nonexistent-repo")->create("defaults", k_no_cancel);
  REQUIRE(made.ok());
  CHECK(made->url == server.url("defaults_app_fanout_defaults"));
}
