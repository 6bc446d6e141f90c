#pragma once
// StatusStore: what fanout last wrote back to each tracker issue, in the state store
// (`write_back` table): the phase whose state and labels were set, the id of the one status
// comment and a digest of its text. A restarted fanout (or `fanout watch`) edits the same
// comment and skips writes that would change nothing.
//
// One StatusStore per thread (it owns a StateDb connection); several processes may share
// the database: each call is one statement.

#include "host/state/state_db.hpp"

#include <filesystem>
#include <string>

namespace fanout::writeback {

struct IssueStatus {
  std::string phase;      ///< the phase whose state and labels were written; "" when none yet
  std::string comment_id; ///< the status comment's id on the tracker; "" when none yet
  std::string digest;     ///< of the status comment's text as last written
};

class StatusStore {
public:
  explicit StatusStore(const std::filesystem::path& db_path);

  /// What was written for `issue`; empty fields when nothing was.
  IssueStatus get(const std::string& issue);
  void set_phase(const std::string& issue, const std::string& phase);
  void set_comment(const std::string& issue, const std::string& comment_id, const std::string& digest);

private:
  state::StateDb m_db;
};

} // namespace fanout::writeback
