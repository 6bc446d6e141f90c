#include "host/watch/watch_store.hpp"

#include "host/state/clock.hpp"

#include <sstream>

FANOUT_STATE_MIGRATION(watch_v1, "watch", 1, R"sql(
CREATE TABLE watch_runs (
  issue TEXT PRIMARY KEY,
  ci_rounds INTEGER NOT NULL DEFAULT 0,
  comment_rounds INTEGER NOT NULL DEFAULT 0,
  update_rounds INTEGER NOT NULL DEFAULT 0,
  ci_head TEXT NOT NULL DEFAULT '',
  update_head TEXT NOT NULL DEFAULT '',
  ci TEXT NOT NULL DEFAULT '',
  unanswered INTEGER NOT NULL DEFAULT 0,
  mergeable TEXT NOT NULL DEFAULT '',
  gave_up TEXT NOT NULL DEFAULT '',
  checked_at INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE watch_answers (
  issue TEXT NOT NULL,
  comment_id TEXT NOT NULL,
  reply_id TEXT NOT NULL DEFAULT '',
  answered_at INTEGER NOT NULL,
  PRIMARY KEY (issue, comment_id)
);
)sql")

namespace fanout::watch {
namespace {

constexpr const char* k_columns = "issue, ci_rounds, comment_rounds, update_rounds, ci_head, update_head, ci, "
                                  "unanswered, mergeable, gave_up, checked_at";

WatchRecord to_record(const state::Row& row) {
  WatchRecord record;
  record.issue = state::as_string(row[0]);
  record.ci_rounds = static_cast<int>(state::as_int(row[1]));
  record.comment_rounds = static_cast<int>(state::as_int(row[2]));
  record.update_rounds = static_cast<int>(state::as_int(row[3]));
  record.ci_head = state::as_string(row[4]);
  record.update_head = state::as_string(row[5]);
  record.ci = state::as_string(row[6]);
  record.unanswered = static_cast<int>(state::as_int(row[7]));
  record.mergeable = state::as_string(row[8]);
  record.gave_up = state::as_string(row[9]);
  record.checked_at = state::as_int(row[10]);
  return record;
}

} // namespace

bool WatchRecord::stopped(const std::string& part) const {
  std::istringstream words(gave_up);
  for (std::string word; words >> word;)
    if (word == part) return true;
  return false;
}

WatchStore::WatchStore(const std::filesystem::path& db_path) : m_db(db_path) {}

WatchRecord WatchStore::get(const std::string& issue) {
  const auto rows = m_db.query(std::string("SELECT ") + k_columns + " FROM watch_runs WHERE issue = ?1", {issue});
  if (rows.empty()) {
    WatchRecord record;
    record.issue = issue;
    return record;
  }
  return to_record(rows[0]);
}

std::map<std::string, WatchRecord> WatchStore::all(const std::filesystem::path& db_path) {
  std::map<std::string, WatchRecord> out;
  if (!std::filesystem::exists(db_path)) return out;
  state::StateDb db(db_path);
  for (const auto& row : db.query(std::string("SELECT ") + k_columns + " FROM watch_runs")) {
    auto record = to_record(row);
    out[record.issue] = record;
  }
  return out;
}

void WatchStore::put(const WatchRecord& record) {
  m_db.execute(std::string("INSERT OR REPLACE INTO watch_runs (") + k_columns +
                   ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
               {record.issue, std::int64_t(record.ci_rounds), std::int64_t(record.comment_rounds),
                std::int64_t(record.update_rounds), record.ci_head, record.update_head, record.ci,
                std::int64_t(record.unanswered), record.mergeable, record.gave_up, state::now_seconds()});
}

std::set<std::string> WatchStore::answered(const std::string& issue) {
  std::set<std::string> ids;
  for (const auto& row : m_db.query("SELECT comment_id FROM watch_answers WHERE issue = ?1", {issue}))
    ids.insert(state::as_string(row[0]));
  return ids;
}

void WatchStore::answer(const std::string& issue, const std::string& comment_id, const std::string& reply_id) {
  m_db.execute("INSERT INTO watch_answers (issue, comment_id, reply_id, answered_at) VALUES (?1, ?2, ?3, ?4) "
               "ON CONFLICT(issue, comment_id) DO UPDATE SET reply_id = ?3",
               {issue, comment_id, reply_id, state::now_seconds()});
}

std::array<std::string, 3> status_columns(const WatchRecord* record) {
  if (!record) return {"-", "-", "-"};
  return {record->ci.empty() ? "-" : record->ci, std::to_string(record->unanswered),
          record->mergeable.empty() ? "-" : record->mergeable};
}

nlohmann::json status_json(const WatchRecord* record) {
  if (!record) return nullptr;
  return {{"ci", record->ci},
          {"unanswered", record->unanswered},
          {"mergeable", record->mergeable},
          {"ci_rounds", record->ci_rounds},
          {"comment_rounds", record->comment_rounds},
          {"update_rounds", record->update_rounds},
          {"gave_up", record->gave_up},
          {"checked_at", record->checked_at}};
}

} // namespace fanout::watch
