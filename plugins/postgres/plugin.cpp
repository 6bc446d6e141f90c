// The postgres database brancher: each workspace gets CREATE DATABASE ... TEMPLATE <main>
// on the configured server. See docs/databases.md.

#include "postgres_brancher.hpp"

#include <fanout/sdk/plugin.hpp>

namespace {

struct PostgresPlugin {
  static constexpr const char* name = "postgres";
  static constexpr const char* version = "1.0.0";
  static constexpr const char* description = "branches a PostgreSQL database with CREATE DATABASE ... TEMPLATE";
  static constexpr fanout::sdk::ConfigKey config_keys[] = {
      {"url", fanout::sdk::ConfigType::string, nullptr,
       "server connection URL without a password (postgresql://user@host:port/app); overrides server_url_env", true},
      {"server_url_env", fanout::sdk::ConfigType::string, "\"DATABASE_URL\"",
       "environment variable holding the server's connection URL, used when url is not set (not [database] "
       "url_env, which names the variable that gets each branch's URL)", true},
      {"database", fanout::sdk::ConfigType::string, nullptr,
       "the database to branch (the template); default: the database in the URL", false},
      {"maintenance_database", fanout::sdk::ConfigType::string, "\"postgres\"",
       "the database the brancher connects to for CREATE/DROP DATABASE", false},
      {"connect_timeout", fanout::sdk::ConfigType::duration, "\"10s\"", "how long to wait for a connection", false},
  };

  static std::unique_ptr<fanout::sdk::DatabaseBrancher> make_database_brancher(fanout::sdk::Host& host) {
    return std::make_unique<fanout::postgres::PostgresBrancher>(host, fanout::postgres::read_settings(host.config()));
  }
};

} // namespace

FANOUT_PLUGIN(PostgresPlugin)
