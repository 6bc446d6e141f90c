#pragma once
// PgConnection: one libpq connection, with statement results as plain values.

#include <fanout/sdk/result.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

struct pg_conn;

namespace fanout::postgres {

/// The outcome of one statement: the first column of every row, or the server's error.
struct PgOutcome {
  bool ok = false;
  std::vector<std::string> column;
  std::string sqlstate; ///< "55006", ... ("" for client-side errors)
  std::string message;  ///< the server's primary message
  std::string detail;   ///< the server's DETAIL, "" when none
};

/// Not thread-safe; each call of the brancher opens its own.
class PgConnection {
public:
  /// Connects to database `dbname` of the server that `url` (a postgresql:// URL) names.
  /// Failures say which server and database, with libpq's reason; wrong credentials are
  /// FailureKind::auth.
  static sdk::Result<PgConnection> open(const std::string& url, const std::string& dbname,
                                        std::chrono::milliseconds connect_timeout, const std::string& server);

  /// Runs `sql` with text parameters $1, $2, ...
  PgOutcome exec(const std::string& sql, const std::vector<std::string>& params = {});

  /// `name` quoted as an SQL identifier ("my db" -> "\"my db\"").
  std::string identifier(const std::string& name);

  /// The server version as PQserverVersion gives it (150004 for 15.4).
  int server_version() const;

private:
  struct Close {
    void operator()(pg_conn* conn) const noexcept;
  };
  explicit PgConnection(pg_conn* conn) : m_conn(conn) {}
  std::unique_ptr<pg_conn, Close> m_conn;
};

} // namespace fanout::postgres
