#include "pg_connection.hpp"

#include <libpq-fe.h>

#include <algorithm>

namespace fanout::postgres {
namespace {

// libpq messages end with a newline and may run over several lines; the first one is the reason.
std::string first_line(const char* text) {
  std::string line = text ? text : "";
  if (auto end = line.find('\n'); end != std::string::npos) line.resize(end);
  while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
  return line;
}

bool contains(const std::string& text, const char* needle) { return text.find(needle) != std::string::npos; }

} // namespace

void PgConnection::Close::operator()(pg_conn* conn) const noexcept { PQfinish(conn); }

sdk::Result<PgConnection> PgConnection::open(const std::string& url, const std::string& dbname,
                                             std::chrono::milliseconds connect_timeout, const std::string& server) {
  const std::string timeout = std::to_string(std::max<long long>(1, (connect_timeout.count() + 999) / 1000));
  // Only the first "dbname" is expanded as a connection string; later keywords override it.
  const char* keywords[] = {"dbname", "dbname", "connect_timeout", "application_name", nullptr};
  const char* values[] = {url.c_str(), dbname.c_str(), timeout.c_str(), "fanout", nullptr};
  PgConnection connection(PQconnectdbParams(keywords, values, 1));
  if (!connection.m_conn) return sdk::fail(sdk::FailureKind::error, "out of memory connecting to postgres");
  if (PQstatus(connection.m_conn.get()) == CONNECTION_OK) {
    // libpq prints NOTICEs ("database ... does not exist, skipping") to stderr by default.
    PQsetNoticeProcessor(connection.m_conn.get(), [](void*, const char*) {}, nullptr);
    return connection;
  }

  const std::string reason = first_line(PQerrorMessage(connection.m_conn.get()));
  const bool auth = contains(reason, "authentication failed") || contains(reason, "no password supplied") ||
                    contains(reason, "password is required");
  return sdk::fail(auth ? sdk::FailureKind::auth : sdk::FailureKind::error,
                   "cannot connect to postgres server \"" + server + "\" (database \"" + dbname + "\"): " + reason);
}

PgOutcome PgConnection::exec(const std::string& sql, const std::vector<std::string>& params) {
  std::vector<const char*> values;
  for (const auto& p : params) values.push_back(p.c_str());
  PGresult* result = PQexecParams(m_conn.get(), sql.c_str(), int(values.size()), nullptr, values.data(), nullptr,
                                  nullptr, 0);
  PgOutcome out;
  const auto status = PQresultStatus(result);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
    out.ok = true;
    for (int row = 0; row < PQntuples(result); ++row) out.column.emplace_back(PQgetvalue(result, row, 0));
  } else {
    const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
    const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
    const char* detail = PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL);
    out.sqlstate = state ? state : "";
    out.message = primary ? primary : first_line(PQerrorMessage(m_conn.get()));
    out.detail = detail ? detail : "";
  }
  PQclear(result);
  return out;
}

std::string PgConnection::identifier(const std::string& name) {
  char* escaped = PQescapeIdentifier(m_conn.get(), name.c_str(), name.size());
  std::string out = escaped ? escaped : "";
  PQfreemem(escaped);
  return out;
}

int PgConnection::server_version() const { return PQserverVersion(m_conn.get()); }

} // namespace fanout::postgres
