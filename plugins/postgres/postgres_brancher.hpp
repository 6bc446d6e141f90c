#pragma once
// PostgresBrancher: a branch is `CREATE DATABASE "<main>_fanout_<name>" TEMPLATE "<main>"`
// on the configured server, reached with the admin URL's credentials.

#include "pg_connection.hpp"

#include <fanout/sdk/database_brancher.hpp>
#include <fanout/sdk/host.hpp>

#include <chrono>
#include <string>

namespace fanout::postgres {

/// Settings from the plugin's config table.
struct PostgresSettings {
  std::string url;           ///< `url`, when set; otherwise read from `server_url_env` on each call
  std::string server_url_env = "DATABASE_URL";
  std::string database;      ///< the template; "" means the URL's database
  std::string maintenance_database = "postgres";
  std::chrono::milliseconds connect_timeout{10000};
};

PostgresSettings read_settings(const nlohmann::json& config);

/// Thread-safe: every call opens its own connection to the maintenance database (never to
/// the template, which must stay idle for CREATE DATABASE ... TEMPLATE to work).
class PostgresBrancher final : public sdk::DatabaseBrancher {
public:
  PostgresBrancher(sdk::Host& host, PostgresSettings settings) : m_host(host), m_settings(std::move(settings)) {}

  sdk::Result<sdk::DatabaseBranch> create(const std::string& name, const sdk::CancelToken& cancel) override;
  sdk::Result<void> remove(const std::string& name, const sdk::CancelToken& cancel) override;
  sdk::Result<std::vector<sdk::DatabaseBranch>> list(const sdk::CancelToken& cancel) override;
  /// False for a server on this machine (a Unix socket, a loopback address); true otherwise,
  /// and when the URL is not known yet (its variable unset: create() then says so).
  bool reachable_remotely() const override;

private:
  struct Target;
  /// The server URL, the template's name and the branch prefix, from config and env.
  sdk::Result<Target> target() const;
  /// A connection to the maintenance database of `target`'s server, unless `cancel` fired.
  sdk::Result<PgConnection> connect(const Target& target, const sdk::CancelToken& cancel) const;

  sdk::Host& m_host;
  PostgresSettings m_settings;
};

} // namespace fanout::postgres
