#include "host/state/process_ledger.hpp"

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

FANOUT_STATE_MIGRATION(processes_v1, "processes", 1, R"sql(
CREATE TABLE processes (
  pgid INTEGER NOT NULL,
  start_time INTEGER NOT NULL,
  issue TEXT NOT NULL DEFAULT '',
  command TEXT NOT NULL DEFAULT '',
  owner_pid INTEGER NOT NULL,
  owner_start INTEGER NOT NULL,
  PRIMARY KEY (pgid, start_time)
);
)sql")

namespace fanout::state {
namespace fs = std::filesystem;
namespace {

thread_local std::string t_issue;

/// Fields of /proc/<pid>/stat after the command name: [0] state, [2] pgrp, [19] starttime.
std::optional<std::vector<std::string>> stat_fields(std::int64_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!in || !std::getline(in, line)) return std::nullopt;
  const size_t close = line.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream rest(line.substr(close + 1));
  std::vector<std::string> fields;
  for (std::string field; rest >> field;) fields.push_back(field);
  if (fields.size() < 20) return std::nullopt;
  return fields;
}

/// Whether some live (non-zombie) process is in group `pgid`.
bool group_has_members(std::int64_t pgid) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    auto fields = stat_fields(std::stoll(name));
    if (fields && (*fields)[2] == std::to_string(pgid) && (*fields)[0] != "Z") return true;
  }
  return false;
}

/// Whether group `pgid`, whose leader started at `start`, is still ours and still runs. The
/// kernel does not give a pid to a new process while a group of that id exists, so when the
/// leader is gone but members of group `pgid` remain, they are the ones we started.
bool still_ours(std::int64_t pgid, std::uint64_t start) {
  if (auto leader = stat_fields(pgid)) {
    if (std::stoull((*leader)[19]) != start) return false; // the pid was reused
    if ((*leader)[0] != "Z") return true;
  }
  return group_has_members(pgid);
}

std::string joined(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& arg : argv) out += (out.empty() ? "" : " ") + arg;
  if (out.size() > 200) out = out.substr(0, 197) + "...";
  return out;
}

} // namespace

std::optional<std::uint64_t> process_start_time(std::int64_t pid) {
  if (pid <= 0) return std::nullopt;
  auto fields = stat_fields(pid);
  if (!fields) return std::nullopt;
  return std::stoull((*fields)[19]);
}

bool same_process(std::int64_t pid, std::uint64_t start_time) {
  auto fields = stat_fields(pid);
  return fields && (*fields)[0] != "Z" && std::stoull((*fields)[19]) == start_time;
}

ProcessLedger::ProcessLedger(const fs::path& db_path)
    : m_db(db_path), m_owner(::getpid()), m_owner_start(process_start_time(::getpid()).value_or(0)),
      m_previous(services::set_spawn_observer(this)) {}

ProcessLedger::~ProcessLedger() { services::set_spawn_observer(m_previous); }

ProcessLedger::IssueTag::IssueTag(std::string issue) : m_previous(std::exchange(t_issue, std::move(issue))) {}
ProcessLedger::IssueTag::~IssueTag() { t_issue = std::move(m_previous); }

void ProcessLedger::started(int pgid, const std::vector<std::string>& argv) noexcept {
  try {
    const auto start = process_start_time(pgid);
    if (!start) return; // already gone: nothing to end later
    std::lock_guard lock(m_mutex);
    m_db.execute("INSERT OR REPLACE INTO processes (pgid, start_time, issue, command, owner_pid, owner_start) "
                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                 {std::int64_t(pgid), std::int64_t(*start), t_issue, joined(argv), m_owner, std::int64_t(m_owner_start)});
  } catch (...) { // a ledger that cannot write must not stop the run
  }
}

void ProcessLedger::ended(int pgid) noexcept {
  try {
    std::lock_guard lock(m_mutex);
    m_db.execute("DELETE FROM processes WHERE pgid = ?1 AND owner_pid = ?2", {std::int64_t(pgid), m_owner});
  } catch (...) {
  }
}

std::vector<Orphan> find_orphans(StateDb& db) {
  std::vector<Orphan> orphans;
  for (const auto& row : db.query("SELECT pgid, start_time, issue, command, owner_pid, owner_start FROM processes")) {
    const std::int64_t owner = as_int(row[4]);
    if (same_process(owner, static_cast<std::uint64_t>(as_int(row[5])))) continue; // its fanout still runs
    const std::int64_t pgid = as_int(row[0]);
    if (!still_ours(pgid, static_cast<std::uint64_t>(as_int(row[1])))) {
      db.execute("DELETE FROM processes WHERE pgid = ?1 AND start_time = ?2", {pgid, row[1]});
      continue;
    }
    orphans.push_back({pgid, as_string(row[2]), as_string(row[3]), owner});
  }
  return orphans;
}

std::vector<Orphan> end_orphans(StateDb& db, std::chrono::milliseconds grace) {
  auto orphans = find_orphans(db);
  for (const auto& orphan : orphans) ::kill(-static_cast<pid_t>(orphan.pgid), SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + grace;
  const auto any_left = [&] {
    for (const auto& orphan : orphans)
      if (group_has_members(orphan.pgid)) return true;
    return false;
  };
  while (any_left() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  for (const auto& orphan : orphans) {
    if (group_has_members(orphan.pgid)) ::kill(-static_cast<pid_t>(orphan.pgid), SIGKILL);
    db.execute("DELETE FROM processes WHERE pgid = ?1 AND owner_pid = ?2", {orphan.pgid, orphan.owner});
  }
  return orphans;
}

std::string describe(const Orphan& orphan) {
  std::string what = orphan.issue.empty() ? orphan.command : "issue \"" + orphan.issue + "\": " + orphan.command;
  return "process group " + std::to_string(orphan.pgid) + " (" + what + "), left by fanout process " +
         std::to_string(orphan.owner);
}

} // namespace fanout::state
