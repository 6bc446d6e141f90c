#include "host/notify/delivery_log.hpp"

#include "host/state/clock.hpp"

FANOUT_STATE_MIGRATION(notifications_v1, "notifications", 1, R"sql(
CREATE TABLE notifications (
  id TEXT NOT NULL,
  notifier TEXT NOT NULL,
  event TEXT NOT NULL,
  issue TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  error TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (id, notifier)
);
)sql")

namespace fanout::notify {

DeliveryLog::DeliveryLog(const std::filesystem::path& db_path) : m_db(db_path) {}

bool DeliveryLog::claim(const std::string& id, const std::string& notifier, const std::string& event,
                        const std::string& issue) {
  const std::int64_t t = state::now_seconds();
  // One statement: two processes claiming the same row cannot both succeed.
  return m_db.execute("INSERT INTO notifications (id, notifier, event, issue, status, created_at, updated_at) "
                      "VALUES (?1, ?2, ?3, ?4, 'sending', ?5, ?5) ON CONFLICT(id, notifier) DO NOTHING",
                      {id, notifier, event, issue, t}) == 1;
}

void DeliveryLog::finish(const std::string& id, const std::string& notifier, bool sent, int attempts,
                         const std::string& error) {
  m_db.execute("UPDATE notifications SET status = ?3, attempts = ?4, error = ?5, updated_at = ?6 "
               "WHERE id = ?1 AND notifier = ?2",
               {id, notifier, std::string(sent ? "sent" : "failed"), std::int64_t(attempts), error,
                state::now_seconds()});
}

std::vector<Delivery> DeliveryLog::all() {
  std::vector<Delivery> out;
  for (const auto& row : m_db.query("SELECT id, notifier, event, issue, status, attempts, error FROM notifications "
                                    "ORDER BY created_at, rowid")) {
    out.push_back({state::as_string(row[0]), state::as_string(row[1]), state::as_string(row[2]),
                   state::as_string(row[3]), state::as_string(row[4]), static_cast<int>(state::as_int(row[5])),
                   state::as_string(row[6])});
  }
  return out;
}

} // namespace fanout::notify
