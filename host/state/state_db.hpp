#pragma once
// StateDb: fanout's crash-safe state store, `.fanout/state.db` (SQLite, WAL mode).
// Several fanout processes may open it at once; writes that must not interleave (port
// leases, workspace names) go through `transaction()`, which takes SQLite's write lock
// up front (BEGIN IMMEDIATE) and so serialises them across processes.

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace fanout::state {

/// A value bound to or read from a statement.
using Value = std::variant<std::nullptr_t, std::int64_t, double, std::string>;
using Row = std::vector<Value>;

/// One schema migration of one component: applied once, in order of `version`.
struct Migration {
  std::string component; ///< "workspaces", "runs": each component numbers its own versions
  int version;
  std::string sql;
};

/// An open state database. One per thread (SQLite connections are not shared here);
/// cheap to open. Throws UserError on errors that the user must fix (unwritable folder,
/// corrupt file) with the path in the message: the one part below the CLI whose failures
/// end the command by design (docs/architecture.md, "Errors", says why).
class StateDb {
public:
  /// Opens (creating) the database at `path`, in WAL mode, with a busy timeout, and
  /// applies every registered migration not yet applied.
  explicit StateDb(const std::filesystem::path& path);
  ~StateDb();
  StateDb(const StateDb&) = delete;
  StateDb& operator=(const StateDb&) = delete;

  /// Where the store of the repository at `repo_root` lives: <repo>/.fanout/state.db.
  static std::filesystem::path path_for(const std::filesystem::path& repo_root);

  /// Registers a migration for every StateDb opened afterwards in this process. Call at
  /// static-initialisation time or before the first open (see FANOUT_STATE_MIGRATION).
  static void register_migration(Migration migration);

  /// Runs one statement with positional parameters (?1, ?2 ...) and returns all rows.
  std::vector<Row> query(const std::string& sql, const std::vector<Value>& params = {});

  /// Runs one statement that returns no rows; returns the number of rows changed.
  int execute(const std::string& sql, const std::vector<Value>& params = {});

  /// Runs `body` inside BEGIN IMMEDIATE ... COMMIT; rolls back if it throws (and rethrows).
  /// Waits (up to the busy timeout, 30 s) for another process's write transaction.
  void transaction(const std::function<void()>& body);

  std::int64_t last_insert_rowid() const;

  sqlite3* handle() { return m_db; }

private:
  /// Opens, switches to WAL, migrates; `exclusive` keeps the WAL index in memory (a full disk).
  void open_connection(const std::filesystem::path& path, bool exclusive);
  void enable_wal();
  void migrate();
  sqlite3* m_db = nullptr;
  std::filesystem::path m_path;
  bool m_disk_full = false; ///< the last open failed for lack of space
};

/// Helpers to read typed values out of a Row.
std::string as_string(const Value& value);
std::int64_t as_int(const Value& value);
double as_double(const Value& value);
bool is_null(const Value& value);

} // namespace fanout::state

/// Registers a migration at static-initialisation time, from the file that owns the tables:
///   FANOUT_STATE_MIGRATION(workspaces_v1, "workspaces", 1, "CREATE TABLE ...");
#define FANOUT_STATE_MIGRATION(id, component, version, sql)                                        \
  namespace {                                                                                      \
  const bool fanout_migration_##id = [] {                                                          \
    ::fanout::state::StateDb::register_migration({component, version, sql});                       \
    return true;                                                                                   \
  }();                                                                                             \
  }
