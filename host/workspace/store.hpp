#pragma once
// WorkspaceStore: the `workspaces` table of the state store (.fanout/state.db), one row per
// issue key. A row is written `creating` before anything is made on disk, so a process
// that dies half-way leaves a row that `doctor` finds and `up`/`clean` finish.

#include "host/state/state_db.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace fanout::workspace {

/// Life cycle of a workspace row.
enum class State { creating, ready, failed, removing };
const char* to_string(State state) noexcept;
State state_from_string(const std::string& text);

/// One workspace as recorded.
struct Record {
  std::string key;
  std::string title;
  std::string branch;
  std::filesystem::path path;
  std::string base;     ///< the revspec the branch started from ("main", "origin/main")
  std::string brancher; ///< database brancher plugin; "" when none
  std::string db_branch;
  std::string db_url;   ///< unmasked: print it through mask_url_password
  State state = State::creating;
  std::string error;    ///< why it failed (state failed)
  std::int64_t created_at = 0;
  std::int64_t pid = 0; ///< the process that last created or removed it
  /// The commit the branch was created at (40 hex), written before the branch is made; ""
  /// when unknown (rows from before this column). `clean --merged` takes a branch only
  /// once its tip has moved from here.
  std::string start_commit;
};

/// True when process `pid` exists (a zombie or another user's process counts).
bool process_alive(std::int64_t pid);

/// Reads and writes workspace rows. Not thread-safe: one per thread (it owns a connection).
class WorkspaceStore {
public:
  explicit WorkspaceStore(const std::filesystem::path& repo_root);

  state::StateDb& db() { return m_db; }

  std::optional<Record> find(const std::string& key);
  std::vector<Record> all();

  /// The key of the row that holds `branch`, if any.
  std::optional<std::string> branch_owner(const std::string& branch);

  /// Inserts or replaces the row of `record.key`.
  void save(const Record& record);

  void set_state(const std::string& key, State state, const std::string& error = "");
  void remove(const std::string& key);

private:
  state::StateDb m_db;
};

} // namespace fanout::workspace
