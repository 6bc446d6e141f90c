#include "host/writeback/status_store.hpp"

#include "host/state/clock.hpp"

FANOUT_STATE_MIGRATION(write_back_v1, "write_back", 1, R"sql(
CREATE TABLE write_back (
  issue TEXT PRIMARY KEY,
  phase TEXT NOT NULL DEFAULT '',
  comment_id TEXT NOT NULL DEFAULT '',
  digest TEXT NOT NULL DEFAULT '',
  updated_at INTEGER NOT NULL
);
)sql")

namespace fanout::writeback {

StatusStore::StatusStore(const std::filesystem::path& db_path) : m_db(db_path) {}

IssueStatus StatusStore::get(const std::string& issue) {
  const auto rows = m_db.query("SELECT phase, comment_id, digest FROM write_back WHERE issue = ?1", {issue});
  if (rows.empty()) return {};
  return {state::as_string(rows[0][0]), state::as_string(rows[0][1]), state::as_string(rows[0][2])};
}

void StatusStore::set_phase(const std::string& issue, const std::string& phase) {
  m_db.execute("INSERT INTO write_back (issue, phase, updated_at) VALUES (?1, ?2, ?3) "
               "ON CONFLICT(issue) DO UPDATE SET phase = excluded.phase, updated_at = excluded.updated_at",
               {issue, phase, state::now_seconds()});
}

void StatusStore::set_comment(const std::string& issue, const std::string& comment_id,
                              const std::string& digest) {
  m_db.execute("INSERT INTO write_back (issue, comment_id, digest, updated_at) VALUES (?1, ?2, ?3, ?4) "
               "ON CONFLICT(issue) DO UPDATE SET comment_id = excluded.comment_id, digest = excluded.digest, "
               "updated_at = excluded.updated_at",
               {issue, comment_id, digest, state::now_seconds()});
}

} // namespace fanout::writeback
