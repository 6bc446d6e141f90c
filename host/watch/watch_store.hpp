#pragma once
// WatchStore: what `fanout watch` remembers per run in the state store (tables `watch_runs`
// and `watch_answers`), so that a watch started again after Ctrl-C or kill -9 continues
// where the last one stopped: the rounds each part has used against its bound, the head
// commit whose failing checks or conflict it already handed to the builder, and every
// review comment it answered (never answered twice). `fanout status` reads it too.
//
// One WatchStore per thread (it owns a StateDb connection).

#include "host/state/state_db.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>

namespace fanout::watch {

/// One row of `watch_runs`.
struct WatchRecord {
  std::string issue;
  int ci_rounds = 0;       ///< CI rounds handed to the builder so far
  int comment_rounds = 0;  ///< comment rounds
  int update_rounds = 0;   ///< branch updates
  std::string ci_head;     ///< the head whose failing checks were last handed to the builder
  std::string update_head; ///< the head last updated because it conflicted
  std::string ci;          ///< "success", "failure", "pending", "none", "unsupported"; "" before the first look
  int unanswered = 0;      ///< people's comments not answered yet
  std::string mergeable;   ///< sdk::to_string(Mergeable), or "" before the first look
  std::string gave_up;     ///< the parts a bound stopped, space-separated ("ci comments")
  std::int64_t checked_at = 0; ///< unix seconds of the last look

  bool stopped(const std::string& part) const;
};

class WatchStore {
public:
  explicit WatchStore(const std::filesystem::path& db_path);

  /// The run's row (a default one, not written, when watch never looked at it).
  WatchRecord get(const std::string& issue);
  /// Every row, by issue; empty when the store does not exist yet (it is not created).
  static std::map<std::string, WatchRecord> all(const std::filesystem::path& db_path);
  /// Writes every column of `record`.
  void put(const WatchRecord& record);

  /// The ids of the comments on `issue`'s pull request that fanout answered.
  std::set<std::string> answered(const std::string& issue);
  /// Records that fanout answered `comment_id` (with its reply `reply_id`, "" when unknown).
  void answer(const std::string& issue, const std::string& comment_id, const std::string& reply_id);

private:
  state::StateDb m_db;
};

/// `fanout status`'s CI, COMMENTS and MERGE columns: "failure", "2", "conflicting"; "-" for
/// what watch has not looked at (null: never).
std::array<std::string, 3> status_columns(const WatchRecord* record);

/// `status --json`'s "watch": {ci, unanswered, mergeable, ci_rounds, comment_rounds,
/// update_rounds, gave_up, checked_at}, or null when watch never looked at the run.
nlohmann::json status_json(const WatchRecord* record);

} // namespace fanout::watch
