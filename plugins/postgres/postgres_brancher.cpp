#include "postgres_brancher.hpp"

#include "pg_connection.hpp"
#include "pg_names.hpp"

#include "support/branch_name.hpp"

namespace fanout::postgres {
namespace {

using sdk::FailureKind;

std::string q(const std::string& value) { return "\"" + value + "\""; }

sdk::Failure cancelled() { return sdk::fail(FailureKind::cancelled, "postgres branch operation cancelled"); }

sdk::Failure statement_failure(const std::string& what, const std::string& server, const PgOutcome& outcome) {
  const auto kind = outcome.sqlstate == "42501" ? FailureKind::auth : FailureKind::error;
  std::string message = what + " on postgres server " + q(server) + ": " + outcome.message;
  if (!outcome.detail.empty()) message += " (" + outcome.detail + ")";
  return sdk::fail(kind, message);
}

} // namespace

struct PostgresBrancher::Target {
  ServerUrl server;
  std::string main;
  std::string prefix;
};

PostgresSettings read_settings(const nlohmann::json& config) {
  PostgresSettings settings;
  settings.url = config.value("url", std::string());
  settings.server_url_env = config.value("server_url_env", settings.server_url_env);
  settings.database = config.value("database", std::string());
  settings.maintenance_database = config.value("maintenance_database", settings.maintenance_database);
  if (config.contains("connect_timeout"))
    settings.connect_timeout = std::chrono::milliseconds(config["connect_timeout"].get<long long>());
  return settings;
}

sdk::Result<PostgresBrancher::Target> PostgresBrancher::target() const {
  std::string url = m_settings.url;
  if (url.empty()) {
    auto secret = m_host.secret(m_settings.server_url_env);
    if (!secret.ok())
      return sdk::fail(FailureKind::auth, "the postgres brancher needs the server's connection URL: " +
                                              secret.failure().message + " (set it, or [database] url)");
    url = std::move(secret).value();
  }
  auto server = parse_server_url(url);
  if (!server.ok()) return std::move(server).failure();
  Target target{std::move(server).value(), m_settings.database, {}};
  if (target.main.empty()) target.main = target.server.database;
  if (target.main.empty())
    return sdk::fail(FailureKind::invalid_input,
                     "the postgres connection URL names no database: set [database] database to the database to branch");
  if (target.main == m_settings.maintenance_database)
    return sdk::fail(FailureKind::invalid_input,
                     "cannot branch " + q(target.main) + ": it is also the maintenance database the brancher connects "
                     "to (set [database] maintenance_database to another one)");
  target.prefix = branch_prefix(target.main);
  return target;
}

bool PostgresBrancher::reachable_remotely() const {
  auto t = target();
  return !t.ok() || !t->server.local;
}

sdk::Result<PgConnection> PostgresBrancher::connect(const Target& target, const sdk::CancelToken& cancel) const {
  if (cancel.cancelled()) return cancelled();
  return PgConnection::open(target.server.url, m_settings.maintenance_database, m_settings.connect_timeout,
                            target.server.server);
}

sdk::Result<sdk::DatabaseBranch> PostgresBrancher::create(const std::string& name, const sdk::CancelToken& cancel) {
  if (auto ok = support::check_branch_name(name); !ok.ok()) return std::move(ok).failure();
  auto t = target();
  if (!t.ok()) return std::move(t).failure();
  auto conn = connect(*t, cancel);
  if (!conn.ok()) return std::move(conn).failure();

  const std::string datname = database_name(t->prefix, name);
  const sdk::DatabaseBranch branch{name, with_database(t->server.url, datname)};
  auto exists = conn->exec("SELECT 1 FROM pg_database WHERE datname = $1", {datname});
  if (!exists.ok) return statement_failure("cannot look up database " + q(datname), t->server.server, exists);
  if (!exists.column.empty()) return branch;
  if (cancel.cancelled()) return cancelled();

  m_host.log(sdk::LogLevel::debug, "creating database " + q(datname) + " from template " + q(t->main));
  auto made = conn->exec("CREATE DATABASE " + conn->identifier(datname) + " TEMPLATE " + conn->identifier(t->main));
  // A concurrent create of the same name won: 42P04 when it had committed, 23505 (on
  // pg_database's name index) when both were in flight.
  if (made.ok || made.sqlstate == "42P04" || made.sqlstate == "23505") return branch;
  if (made.sqlstate == "55006")
    return sdk::fail(FailureKind::error,
                     "cannot branch postgres database " + q(t->main) + ": other sessions are connected to it (" +
                         made.detail + "); postgres copies a template only while nothing is connected to it: stop "
                         "the app and other clients of " + q(t->main) + ", or set [database] database to a separate "
                         "template database that nothing connects to");
  if (made.sqlstate == "3D000")
    return sdk::fail(FailureKind::not_found, "cannot branch postgres database " + q(t->main) +
                                                 ": it does not exist on postgres server " + q(t->server.server));
  if (made.sqlstate == "42501")
    return sdk::fail(FailureKind::auth, "cannot branch postgres database " + q(t->main) + ": role " +
                                            q(t->server.user) + " may not create databases on postgres server " +
                                            q(t->server.server) + " (grant it CREATEDB)");
  return statement_failure("cannot create database " + q(datname), t->server.server, made);
}

sdk::Result<void> PostgresBrancher::remove(const std::string& name, const sdk::CancelToken& cancel) {
  if (auto ok = support::check_branch_name(name); !ok.ok()) return ok;
  auto t = target();
  if (!t.ok()) return std::move(t).failure();
  auto conn = connect(*t, cancel);
  if (!conn.ok()) return std::move(conn).failure();
  const std::string datname = database_name(t->prefix, name);
  // FORCE (PostgreSQL 13+) ends the workspace app's sessions instead of failing on them.
  const std::string force = conn->server_version() >= 130000 ? " WITH (FORCE)" : "";
  auto dropped = conn->exec("DROP DATABASE IF EXISTS " + conn->identifier(datname) + force);
  if (!dropped.ok) return statement_failure("cannot drop database " + q(datname), t->server.server, dropped);
  return {};
}

sdk::Result<std::vector<sdk::DatabaseBranch>> PostgresBrancher::list(const sdk::CancelToken& cancel) {
  auto t = target();
  if (!t.ok()) return std::move(t).failure();
  auto conn = connect(*t, cancel);
  if (!conn.ok()) return std::move(conn).failure();
  auto rows = conn->exec("SELECT datname FROM pg_database WHERE starts_with(datname::text, $1) ORDER BY datname",
                         {t->prefix});
  if (!rows.ok) return statement_failure("cannot list databases", t->server.server, rows);
  std::vector<sdk::DatabaseBranch> branches;
  for (const auto& datname : rows.column)
    if (auto name = branch_of(t->prefix, datname)) branches.push_back({*name, with_database(t->server.url, datname)});
  return branches;
}

} // namespace fanout::postgres
