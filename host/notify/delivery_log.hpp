#pragma once
// DeliveryLog: the `notifications` table of the state store. A notification is claimed
// here before it is sent, so a restarted `fanout run` / `resume` (or a second process)
// never sends the same event to the same notifier twice.

#include "host/state/state_db.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace fanout::notify {

/// One row: what became of one event at one notifier.
struct Delivery {
  std::string id;       ///< the event's identity (run_events.hpp: event_id)
  std::string notifier; ///< the [[notify]] name
  std::string event;    ///< "plan_approval", "fleet_done", ...
  std::string issue;    ///< "" for fleet_done
  std::string status;   ///< "sending", "sent" or "failed" (after its retries)
  int attempts = 0;
  std::string error;    ///< the last failure, redacted; "" when sent
};

/// One per thread (it owns a StateDb connection), like every store.
class DeliveryLog {
public:
  explicit DeliveryLog(const std::filesystem::path& db_path);

  /// Records (id, notifier) as "sending" and returns true, or returns false when it was
  /// recorded before, whatever became of it: at most one delivery per event and notifier.
  bool claim(const std::string& id, const std::string& notifier, const std::string& event, const std::string& issue);

  /// Records how the claimed delivery ended: `sent`, or failed after `attempts` with `error`.
  void finish(const std::string& id, const std::string& notifier, bool sent, int attempts, const std::string& error);

  /// Every row, oldest first (for tests and `fanout status` one day).
  std::vector<Delivery> all();

private:
  state::StateDb m_db;
};

} // namespace fanout::notify
