#pragma once
// PostgresServer: a real PostgreSQL server for tests, started in a temp dir on a free
// loopback port (initdb + pg_ctl), as the unprivileged `postgres` user when the tests run
// as root (the server refuses root). Stopped and removed on destruction.

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

struct pg_conn;

namespace fanout::test {

class PostgresServer {
public:
  /// The server shared by every test of this executable, started on first use. Throws
  /// std::runtime_error saying what is missing or what failed (with the server log's tail)
  /// so that tests fail loudly instead of skipping when PostgreSQL is not installed.
  static PostgresServer& shared();

  PostgresServer();
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  int port() const { return m_port; }
  /// The superuser ("postgres") password; TCP connections require it (scram-sha-256).
  const std::string& password() const { return m_password; }
  /// "postgresql://postgres:<password>@127.0.0.1:<port>/<database>"
  std::string url(const std::string& database) const;

  /// A connection as the superuser to `database`, open until destroyed (for keeping a
  /// template busy). Every statement failure throws std::runtime_error with the server's message.
  class Session {
  public:
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;
    void exec(const std::string& sql);
    /// The first column of every row.
    std::vector<std::string> column(const std::string& sql);

  private:
    friend class PostgresServer;
    explicit Session(pg_conn* conn) : m_conn(conn) {}
    pg_conn* m_conn;
  };
  std::unique_ptr<Session> connect(const std::string& database) const;

  /// One statement on `database` over a short-lived connection.
  void exec(const std::string& database, const std::string& sql) const { connect(database)->exec(sql); }
  std::vector<std::string> column(const std::string& database, const std::string& sql) const {
    return connect(database)->column(sql);
  }

private:
  std::filesystem::path m_dir;
  std::filesystem::path m_bin;
  std::string m_password;
  int m_port = 0;
  bool m_started = false;
};

} // namespace fanout::test
