#include "host/state/state_db.hpp"

#include "host/util/error.hpp"
#include "host/util/private_mode.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <mutex>

namespace fanout::state {
namespace {

std::mutex& migrations_mutex() {
  static std::mutex mutex;
  return mutex;
}

std::vector<Migration>& migrations() {
  static std::vector<Migration> list;
  return list;
}

class Statement {
public:
  Statement(sqlite3* db, const std::string& sql) : m_db(db) {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &m_stmt, nullptr) != SQLITE_OK)
      throw UserError(std::string("state store: ") + sqlite3_errmsg(db) + " in \"" + sql + "\"");
  }
  ~Statement() { sqlite3_finalize(m_stmt); }

  void bind(const std::vector<Value>& params) {
    for (size_t i = 0; i < params.size(); ++i) {
      const int index = static_cast<int>(i + 1);
      std::visit(
          [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::nullptr_t>) sqlite3_bind_null(m_stmt, index);
            else if constexpr (std::is_same_v<T, std::int64_t>) sqlite3_bind_int64(m_stmt, index, v);
            else if constexpr (std::is_same_v<T, double>) sqlite3_bind_double(m_stmt, index, v);
            else sqlite3_bind_text(m_stmt, index, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
          },
          params[i]);
    }
  }

  /// Steps to completion, collecting rows.
  std::vector<Row> run() {
    std::vector<Row> rows;
    while (true) {
      const int rc = sqlite3_step(m_stmt);
      if (rc == SQLITE_DONE) return rows;
      if (rc != SQLITE_ROW) throw UserError(std::string("state store: ") + sqlite3_errmsg(m_db));
      Row row;
      const int columns = sqlite3_column_count(m_stmt);
      for (int c = 0; c < columns; ++c) {
        switch (sqlite3_column_type(m_stmt, c)) {
        case SQLITE_NULL: row.emplace_back(nullptr); break;
        case SQLITE_INTEGER: row.emplace_back(static_cast<std::int64_t>(sqlite3_column_int64(m_stmt, c))); break;
        case SQLITE_FLOAT: row.emplace_back(sqlite3_column_double(m_stmt, c)); break;
        default: {
          const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, c));
          row.emplace_back(std::string(text ? text : "", static_cast<size_t>(sqlite3_column_bytes(m_stmt, c))));
        }
        }
      }
      rows.push_back(std::move(row));
    }
  }

private:
  sqlite3* m_db;
  sqlite3_stmt* m_stmt = nullptr;
};

} // namespace

void StateDb::register_migration(Migration migration) {
  std::lock_guard lock(migrations_mutex());
  migrations().push_back(std::move(migration));
}

std::filesystem::path StateDb::path_for(const std::filesystem::path& repo_root) {
  return repo_root / ".fanout" / "state.db";
}

StateDb::StateDb(const std::filesystem::path& path) : m_path(path) {
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  if (path.parent_path().filename() == ".fanout") util::private_dir(path.parent_path());
  // On a full disk the first open of a WAL store cannot grow its -shm file, and nothing
  // would run, not even the `clean` that frees space. Then the store is opened again in
  // exclusive locking mode, where SQLite keeps the WAL index in memory (other fanout
  // processes wait for this one, which is rare and short: it is out of space).
  for (int attempt = 0;; ++attempt) {
    try {
      open_connection(path, attempt > 0);
      return;
    } catch (const UserError&) {
      if (attempt > 0 || !m_disk_full) throw;
    }
  }
}

void StateDb::open_connection(const std::filesystem::path& path, bool exclusive) {
  m_disk_full = false;
  if (sqlite3_open_v2(path.c_str(), &m_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      nullptr) != SQLITE_OK) {
    const std::string message = m_db ? sqlite3_errmsg(m_db) : "out of memory";
    sqlite3_close(m_db);
    m_db = nullptr;
    throw UserError("cannot open the state store \"" + path.string() + "\": " + message);
  }
  sqlite3_busy_timeout(m_db, 30000);
  // 0600 before WAL mode makes the -wal and -shm files, which take the database file's mode.
  // chmod, never open(): closing any descriptor of the file would drop this process's
  // SQLite locks on it.
  for (const char* suffix : {"", "-wal", "-shm"}) ::chmod((path.string() + suffix).c_str(), 0600);
  try {
    if (exclusive) execute("PRAGMA locking_mode=EXCLUSIVE");
    enable_wal();
    execute("PRAGMA synchronous=NORMAL");
    execute("PRAGMA foreign_keys=ON");
    migrate();
  } catch (const UserError&) {
    // A store that is not a database or is damaged: say how to get going again instead of
    // SQLite's words alone. Moving it aside loses run history, never worktrees or branches.
    const int code = sqlite3_errcode(m_db) & 0xff;
    const std::string reason = sqlite3_errmsg(m_db);
    sqlite3_close(m_db);
    m_db = nullptr;
    m_disk_full = code == SQLITE_FULL || code == SQLITE_IOERR;
    if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT) {
      const std::string shown = path.string();
      throw UserError("the state store \"" + shown + "\" is damaged (" + reason + "): move it aside with \"mv " +
                      shown + " " + shown + ".damaged\" and run the command again; fanout starts a new store, your "
                      "worktrees and branches stay, their records and run history are lost (\"fanout doctor\" then "
                      "lists what is left without a record, with its fix)");
    }
    throw;
  } catch (...) {
    sqlite3_close(m_db);
    m_db = nullptr;
    throw;
  }
}

StateDb::~StateDb() {
  if (m_db) sqlite3_close(m_db);
}

std::vector<Row> StateDb::query(const std::string& sql, const std::vector<Value>& params) {
  Statement statement(m_db, sql);
  statement.bind(params);
  return statement.run();
}

int StateDb::execute(const std::string& sql, const std::vector<Value>& params) {
  query(sql, params);
  return sqlite3_changes(m_db);
}

void StateDb::transaction(const std::function<void()>& body) {
  execute("BEGIN IMMEDIATE");
  try {
    body();
  } catch (...) {
    sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
  execute("COMMIT");
}

std::int64_t StateDb::last_insert_rowid() const { return sqlite3_last_insert_rowid(m_db); }

void StateDb::enable_wal() {
  // Switching a new file to WAL needs an exclusive lock, and SQLite answers SQLITE_BUSY at
  // once (without its busy handler) when another process or thread is opening the same new
  // file. Wait for that other opener like the busy handler would, up to the same 30 s.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (true) {
    const int rc = sqlite3_exec(m_db, "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr);
    if (rc == SQLITE_OK) return;
    if ((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED)
      throw UserError("state store \"" + m_path.string() + "\": " + sqlite3_errmsg(m_db));
    if (std::chrono::steady_clock::now() > deadline)
      throw UserError("state store \"" + m_path.string() + "\" stayed locked for 30 s by another fanout process");
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

void StateDb::migrate() {
  std::vector<Migration> pending;
  {
    std::lock_guard lock(migrations_mutex());
    pending = migrations();
  }
  std::sort(pending.begin(), pending.end(), [](const Migration& a, const Migration& b) {
    return a.component != b.component ? a.component < b.component : a.version < b.version;
  });
  execute("CREATE TABLE IF NOT EXISTS schema_versions (component TEXT PRIMARY KEY, version INTEGER NOT NULL)");
  for (const auto& migration : pending) {
    transaction([&] {
      const auto rows = query("SELECT version FROM schema_versions WHERE component = ?1", {migration.component});
      const std::int64_t current = rows.empty() ? 0 : as_int(rows[0][0]);
      if (migration.version <= current) return;
      if (sqlite3_exec(m_db, migration.sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK)
        throw UserError("state store \"" + m_path.string() + "\": migration " + migration.component + " v" +
                        std::to_string(migration.version) + " failed: " + sqlite3_errmsg(m_db));
      execute("INSERT INTO schema_versions(component, version) VALUES(?1, ?2) "
              "ON CONFLICT(component) DO UPDATE SET version = excluded.version",
              {migration.component, std::int64_t{migration.version}});
    });
  }
}

std::string as_string(const Value& value) {
  if (const auto* s = std::get_if<std::string>(&value)) return *s;
  if (const auto* i = std::get_if<std::int64_t>(&value)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&value)) return std::to_string(*d);
  return {};
}

std::int64_t as_int(const Value& value) {
  if (const auto* i = std::get_if<std::int64_t>(&value)) return *i;
  if (const auto* d = std::get_if<double>(&value)) return static_cast<std::int64_t>(*d);
  if (const auto* s = std::get_if<std::string>(&value)) return std::stoll(*s);
  return 0;
}

double as_double(const Value& value) {
  if (const auto* d = std::get_if<double>(&value)) return *d;
  if (const auto* i = std::get_if<std::int64_t>(&value)) return static_cast<double>(*i);
  return 0;
}

bool is_null(const Value& value) { return std::holds_alternative<std::nullptr_t>(value); }

} // namespace fanout::state
