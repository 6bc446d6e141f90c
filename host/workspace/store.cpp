#include "host/workspace/store.hpp"

#include "host/util/error.hpp"

#include <signal.h>

#include <cerrno>

FANOUT_STATE_MIGRATION(workspaces_v1, "workspaces", 1,
                       "CREATE TABLE workspaces ("
                       "  key TEXT PRIMARY KEY,"
                       "  title TEXT NOT NULL,"
                       "  branch TEXT NOT NULL UNIQUE,"
                       "  path TEXT NOT NULL,"
                       "  base TEXT NOT NULL,"
                       "  brancher TEXT NOT NULL,"
                       "  db_branch TEXT NOT NULL,"
                       "  db_url TEXT NOT NULL,"
                       "  state TEXT NOT NULL,"
                       "  error TEXT NOT NULL,"
                       "  created_at INTEGER NOT NULL,"
                       "  pid INTEGER NOT NULL)")
// The commit the branch was created at (Record::start_commit); rows written before it
// existed get "", which clean --merged reads from the branch's reflog instead.
FANOUT_STATE_MIGRATION(workspaces_v2, "workspaces", 2,
                       "ALTER TABLE workspaces ADD COLUMN start_commit TEXT NOT NULL DEFAULT ''")

namespace fanout::workspace {
namespace {

constexpr const char* k_columns =
    "key, title, branch, path, base, brancher, db_branch, db_url, state, error, created_at, pid, start_commit";

Record from_row(const state::Row& row) {
  Record r;
  r.key = state::as_string(row[0]);
  r.title = state::as_string(row[1]);
  r.branch = state::as_string(row[2]);
  r.path = state::as_string(row[3]);
  r.base = state::as_string(row[4]);
  r.brancher = state::as_string(row[5]);
  r.db_branch = state::as_string(row[6]);
  r.db_url = state::as_string(row[7]);
  r.state = state_from_string(state::as_string(row[8]));
  r.error = state::as_string(row[9]);
  r.created_at = state::as_int(row[10]);
  r.pid = state::as_int(row[11]);
  r.start_commit = state::as_string(row[12]);
  return r;
}

} // namespace

const char* to_string(State state) noexcept {
  switch (state) {
  case State::creating: return "creating";
  case State::ready: return "ready";
  case State::failed: return "failed";
  case State::removing: return "removing";
  }
  return "failed";
}

State state_from_string(const std::string& text) {
  if (text == "creating") return State::creating;
  if (text == "ready") return State::ready;
  if (text == "removing") return State::removing;
  return State::failed;
}

bool process_alive(std::int64_t pid) {
  if (pid <= 0) return false;
  return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

WorkspaceStore::WorkspaceStore(const std::filesystem::path& repo_root)
    : m_db(state::StateDb::path_for(repo_root)) {}

std::optional<Record> WorkspaceStore::find(const std::string& key) {
  const auto rows = m_db.query(std::string("SELECT ") + k_columns + " FROM workspaces WHERE key = ?1", {key});
  if (rows.empty()) return std::nullopt;
  return from_row(rows[0]);
}

std::vector<Record> WorkspaceStore::all() {
  std::vector<Record> out;
  for (const auto& row : m_db.query(std::string("SELECT ") + k_columns + " FROM workspaces ORDER BY created_at, key"))
    out.push_back(from_row(row));
  return out;
}

std::optional<std::string> WorkspaceStore::branch_owner(const std::string& branch) {
  const auto rows = m_db.query("SELECT key FROM workspaces WHERE branch = ?1", {branch});
  if (rows.empty()) return std::nullopt;
  return state::as_string(rows[0][0]);
}

void WorkspaceStore::save(const Record& r) {
  m_db.execute(std::string("INSERT OR REPLACE INTO workspaces (") + k_columns +
                   ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
               {r.key, r.title, r.branch, r.path.string(), r.base, r.brancher, r.db_branch, r.db_url,
                std::string(to_string(r.state)), r.error, r.created_at, r.pid, r.start_commit});
}

void WorkspaceStore::set_state(const std::string& key, State state, const std::string& error) {
  m_db.execute("UPDATE workspaces SET state = ?2, error = ?3 WHERE key = ?1",
               {key, std::string(to_string(state)), error});
}

void WorkspaceStore::remove(const std::string& key) {
  m_db.execute("DELETE FROM workspaces WHERE key = ?1", {key});
}

} // namespace fanout::workspace
