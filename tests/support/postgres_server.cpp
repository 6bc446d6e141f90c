#include "tests/support/postgres_server.hpp"

#include "tests/support/free_port.hpp"
#include "tests/support/shell.hpp"

#include <libpq-fe.h>

#include <pwd.h>
#include <unistd.h>

#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

namespace fanout::test {
namespace {

namespace fs = std::filesystem;

const char* k_server_user = "postgres";

bool running_as_root() { return ::geteuid() == 0; }

// Runs `command` through the shell (as the server user when root), returns exit status and output.
std::pair<int, std::string> run(const std::string& command) {
  // From "/": the server user may not be allowed into the test's working directory.
  const auto ran = sh((running_as_root() ? std::string("runuser -u ") + k_server_user + " -- " : "") + command, "/");
  return {ran.rc, ran.out};
}

fs::path find_bin_dir() {
  const fs::path preferred = "/usr/lib/postgresql/15/bin";
  if (fs::exists(preferred / "initdb")) return preferred;
  std::error_code ec;
  fs::path best;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec))
    if (fs::exists(entry.path() / "bin/initdb") && entry.path() > best) best = entry.path() / "bin";
  if (best.empty())
    throw std::runtime_error("postgresql server binaries (initdb, pg_ctl) not found in /usr/lib/postgresql/*/bin: "
                             "install the \"postgresql\" package (scripts/setup.sh does); the postgres brancher's "
                             "tests need a real server");
  return best;
}

std::string random_hex(size_t n) {
  std::random_device rd;
  std::string out;
  for (size_t i = 0; i < n; ++i) out += "0123456789abcdef"[rd() % 16];
  return out;
}

std::string tail(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  return text.size() > 2000 ? text.substr(text.size() - 2000) : text;
}

} // namespace

PostgresServer& PostgresServer::shared() {
  static PostgresServer server;
  return server;
}

PostgresServer::PostgresServer() : m_bin(find_bin_dir()), m_password(random_hex(24)) {
  std::string pattern = (fs::temp_directory_path() / "fanout-pg-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed for " + pattern);
  m_dir = pattern;
  if (running_as_root()) {
    if (!::getpwnam(k_server_user) &&
        std::system("useradd --system --user-group --no-create-home --shell /usr/sbin/nologin postgres") != 0)
      throw std::runtime_error("cannot create the unprivileged \"postgres\" user to run the test server as");
    const passwd* user = ::getpwnam(k_server_user);
    if (!user || ::chown(m_dir.c_str(), user->pw_uid, user->pw_gid) != 0)
      throw std::runtime_error("cannot hand " + m_dir.string() + " to the \"postgres\" user");
  }
  {
    std::ofstream(m_dir / "pwfile") << m_password << "\n";
  }
  if (running_as_root()) {
    const passwd* user = ::getpwnam(k_server_user);
    if (::chown((m_dir / "pwfile").c_str(), user->pw_uid, user->pw_gid) != 0)
      throw std::runtime_error("cannot hand the password file to the \"postgres\" user");
  }

  const std::string data = (m_dir / "data").string();
  auto [init_rc, init_out] = run(m_bin.string() + "/initdb -D " + data + " -U postgres --auth-local=trust " +
                                 "--auth-host=scram-sha-256 --pwfile=" + (m_dir / "pwfile").string() +
                                 " -E UTF8 --locale=C --no-sync");
  if (init_rc != 0) {
    std::error_code ec;
    fs::remove_all(m_dir, ec);
    throw std::runtime_error("initdb failed (exit " + std::to_string(init_rc) + "):\n" + init_out);
  }

  // A port can be taken between free_loopback_port() and the server's bind: try a few.
  std::string start_out;
  for (int attempt = 0; attempt < 5 && !m_started; ++attempt) {
    m_port = free_loopback_port();
    auto [rc, out] = run(m_bin.string() + "/pg_ctl -D " + data + " -l " + (m_dir / "server.log").string() +
                         " -w -t 60 -o \"-p " + std::to_string(m_port) + " -k " + m_dir.string() +
                         " -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
                         " -c synchronous_commit=off\" start");
    m_started = rc == 0;
    start_out = out;
  }
  if (!m_started) {
    const std::string log = tail(m_dir / "server.log");
    std::error_code ec;
    fs::remove_all(m_dir, ec);
    throw std::runtime_error("pg_ctl start failed:\n" + start_out + "\nserver log:\n" + log);
  }
}

PostgresServer::~PostgresServer() {
  if (m_started) run(m_bin.string() + "/pg_ctl -D " + (m_dir / "data").string() + " -m immediate -w stop");
  std::error_code ec;
  fs::remove_all(m_dir, ec);
}

std::string PostgresServer::url(const std::string& database) const {
  return "postgresql://postgres:" + m_password + "@127.0.0.1:" + std::to_string(m_port) + "/" + database;
}

std::unique_ptr<PostgresServer::Session> PostgresServer::connect(const std::string& database) const {
  pg_conn* conn = PQconnectdb(url(database).c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    const std::string why = PQerrorMessage(conn);
    PQfinish(conn);
    throw std::runtime_error("cannot connect to the test server's database \"" + database + "\": " + why);
  }
  return std::unique_ptr<Session>(new Session(conn));
}

PostgresServer::Session::~Session() { PQfinish(m_conn); }

void PostgresServer::Session::exec(const std::string& sql) { column(sql); }

std::vector<std::string> PostgresServer::Session::column(const std::string& sql) {
  PGresult* result = PQexec(m_conn, sql.c_str());
  const auto status = PQresultStatus(result);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    const std::string why = PQresultErrorMessage(result);
    PQclear(result);
    throw std::runtime_error(sql + ": " + why);
  }
  std::vector<std::string> out;
  for (int row = 0; row < PQntuples(result); ++row) out.emplace_back(PQgetvalue(result, row, 0));
  PQclear(result);
  return out;
}

} // namespace fanout::test
