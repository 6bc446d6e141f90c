// The postgres database brancher: each workspace gets CREATE DATABASE ... TEMPLATE <main>
// on the configured server. See docs/databases.md.

#include "postgres_brancher.hpp"

#include <fanout/sdk/plugin.hpp>

namespace {

struct PostgresPlugin {
  static constexpr const char* name = "postgres";
  static constexpr const char* version = "1.0.0";
  static constexpr const char* description = "branches a PostgreSQL database with CREATE DATABASE ... TEMPLATE";
  static constexpr fanout::sdk::Kind kinds[] = {fanout::sdk::Kind::database_brancher};
  static constexpr fanout::sdk::ConfigKey config_keys[] = {
      {.name = "url", .type = fanout::sdk::ConfigType::string,
       .doc = "server connection URL without a password (postgresql://user@host:port/app); overrides server_url_env",
       .trust = fanout::sdk::Trust::trusted_only},
      {.name = "server_url_env", .type = fanout::sdk::ConfigType::string, .default_value = "\"DATABASE_URL\"",
       .doc = "environment variable holding the server's connection URL, used when url is not set (not [database] " "url_env, which names the variable that gets each branch's URL)",
       .trust = fanout::sdk::Trust::trusted_only},
      {.name = "database", .type = fanout::sdk::ConfigType::string,
       .doc = "the database to branch (the template); default: the database in the URL"},
      {.name = "maintenance_database", .type = fanout::sdk::ConfigType::string, .default_value = "\"postgres\"",
       .doc = "the database the brancher connects to for CREATE/DROP DATABASE"},
      {.name = "connect_timeout", .type = fanout::sdk::ConfigType::duration, .default_value = "\"10s\"",
       .doc = "how long to wait for a connection"},
  };

  static std::unique_ptr<fanout::sdk::DatabaseBrancher> make_database_brancher(fanout::sdk::Host& host) {
    return std::make_unique<fanout::postgres::PostgresBrancher>(host, fanout::postgres::read_settings(host.config()));
  }
};

} // namespace

FANOUT_PLUGIN(PostgresPlugin)
