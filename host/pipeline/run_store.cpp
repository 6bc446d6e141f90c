#include "host/pipeline/run_store.hpp"

#include "host/pipeline/codec.hpp"
#include "host/services/secrets.hpp"
#include "host/state/clock.hpp"

#include <unistd.h>

FANOUT_STATE_MIGRATION(runs_v1, "runs", 1, R"sql(
CREATE TABLE runs (
  issue TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  stage TEXT NOT NULL DEFAULT '',
  round INTEGER NOT NULL DEFAULT 0,
  issue_json TEXT,
  branch TEXT NOT NULL DEFAULT '',
  worktree TEXT NOT NULL DEFAULT '',
  pr_id TEXT NOT NULL DEFAULT '',
  pr_url TEXT NOT NULL DEFAULT '',
  build_session TEXT NOT NULL DEFAULT '',
  build_base TEXT NOT NULL DEFAULT '',
  tokens INTEGER NOT NULL DEFAULT 0,
  cost_usd REAL NOT NULL DEFAULT 0,
  error TEXT NOT NULL DEFAULT '',
  pid INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE stages (
  issue TEXT NOT NULL,
  stage TEXT NOT NULL,
  round INTEGER NOT NULL,
  started_at INTEGER NOT NULL,
  completed_at INTEGER,
  PRIMARY KEY (issue, stage, round)
);
CREATE TABLE reviews (
  issue TEXT NOT NULL,
  round INTEGER NOT NULL,
  reviewer TEXT NOT NULL,
  outcome_json TEXT NOT NULL,
  PRIMARY KEY (issue, round, reviewer)
);
)sql")

namespace fanout::pipeline {
namespace {

constexpr const char* k_columns = "issue, state, stage, round, issue_json, branch, worktree, pr_id, pr_url, "
                                  "build_session, build_base, tokens, cost_usd, error, pid, updated_at, created_at";

RunRecord to_record(const state::Row& row) {
  RunRecord record;
  record.issue = state::as_string(row[0]);
  record.state = parse_run_state(state::as_string(row[1])).value_or(RunState::failed);
  record.stage = state::as_string(row[2]);
  record.round = static_cast<int>(state::as_int(row[3]));
  if (!state::is_null(row[4])) {
    auto json = nlohmann::json::parse(state::as_string(row[4]), nullptr, false);
    if (!json.is_discarded()) record.fetched = issue_from_json(json);
  }
  record.branch = state::as_string(row[5]);
  record.worktree = state::as_string(row[6]);
  record.pr_id = state::as_string(row[7]);
  record.pr_url = state::as_string(row[8]);
  record.build_session = state::as_string(row[9]);
  record.build_base = state::as_string(row[10]);
  record.tokens = state::as_int(row[11]);
  record.cost_usd = state::as_double(row[12]);
  record.error = state::as_string(row[13]);
  record.pid = state::as_int(row[14]);
  record.updated_at = state::as_int(row[15]);
  record.created_at = state::as_int(row[16]);
  return record;
}

/// Text as stored: the state store is read by `status`, `logs` and other processes, so no
/// registered secret is written to it (docs/security.md).
std::string clean(std::string_view text) { return services::SecretRegistry::global().redact(text); }

} // namespace

RunStore::RunStore(const std::filesystem::path& db_path) : m_db(db_path), m_state_dir(db_path.parent_path()) {}

void RunStore::begin(const std::string& issue) {
  const std::int64_t t = state::now_seconds();
  m_db.execute("INSERT INTO runs (issue, state, pid, created_at, updated_at) VALUES (?1, 'running', ?3, ?2, ?2) "
               "ON CONFLICT(issue) DO UPDATE SET state = 'running', error = '', pid = ?3, updated_at = ?2",
               {issue, t, std::int64_t(::getpid())});
}

std::optional<RunRecord> RunStore::get(const std::string& issue) {
  const auto rows = m_db.query(std::string("SELECT ") + k_columns + " FROM runs WHERE issue = ?1", {issue});
  if (rows.empty()) return std::nullopt;
  return to_record(rows[0]);
}

std::vector<RunRecord> RunStore::all() {
  std::vector<RunRecord> records;
  for (const auto& row : m_db.query(std::string("SELECT ") + k_columns + " FROM runs ORDER BY created_at, rowid"))
    records.push_back(to_record(row));
  return records;
}

void RunStore::enter_stage(const std::string& issue, std::string_view stage, int round) {
  const std::int64_t t = state::now_seconds();
  m_db.execute("INSERT INTO stages (issue, stage, round, started_at) VALUES (?1, ?2, ?3, ?4) "
               "ON CONFLICT(issue, stage, round) DO UPDATE SET started_at = ?4",
               {issue, std::string(stage), std::int64_t(round), t});
  m_db.execute("UPDATE runs SET stage = ?2, round = ?3, updated_at = ?4 WHERE issue = ?1",
               {issue, std::string(stage), std::int64_t(round), t});
}

void RunStore::complete_stage(const std::string& issue, std::string_view stage, int round) {
  const std::int64_t t = state::now_seconds();
  m_db.execute("INSERT INTO stages (issue, stage, round, started_at, completed_at) VALUES (?1, ?2, ?3, ?4, ?4) "
               "ON CONFLICT(issue, stage, round) DO UPDATE SET completed_at = ?4",
               {issue, std::string(stage), std::int64_t(round), t});
}

bool RunStore::done(const std::string& issue, std::string_view stage, int round) {
  return !m_db
              .query("SELECT 1 FROM stages WHERE issue = ?1 AND stage = ?2 AND round = ?3 AND completed_at IS NOT NULL",
                     {issue, std::string(stage), std::int64_t(round)})
              .empty();
}

PlanApproval RunStore::approve_plan(const std::string& issue) {
  PlanApproval out;
  m_db.transaction([&] {
    out.run = get(issue);
    if (!out.run || !out.run->waits_for_plan_approval()) return;
    complete_stage(issue, stage::approve_plan);
    out.approved = true;
  });
  return out;
}

void RunStore::reset_validation(const std::string& issue) {
  m_db.transaction([&] {
    m_db.execute("DELETE FROM stages WHERE issue = ?1 AND stage IN ('validate', 'fix', 'report')", {issue});
    m_db.execute("DELETE FROM reviews WHERE issue = ?1", {issue});
  });
}

std::vector<StageRecord> RunStore::stages(const std::string& issue) {
  std::vector<StageRecord> out;
  for (const auto& row : m_db.query("SELECT stage, round, started_at, completed_at FROM stages WHERE issue = ?1 "
                                    "ORDER BY started_at, rowid",
                                    {issue}))
    out.push_back({state::as_string(row[0]), static_cast<int>(state::as_int(row[1])), state::as_int(row[2]),
                   state::is_null(row[3]) ? 0 : state::as_int(row[3])});
  return out;
}

void RunStore::touch(const std::string& issue, const std::string& column, state::Value value) {
  m_db.execute("UPDATE runs SET " + column + " = ?2, updated_at = ?3 WHERE issue = ?1",
               {issue, std::move(value), state::now_seconds()});
}

void RunStore::set_state(const std::string& issue, RunState state, const std::string& error) {
  m_db.execute("UPDATE runs SET state = ?2, error = ?3, updated_at = ?4 WHERE issue = ?1",
               {issue, std::string(to_string(state)), clean(error), state::now_seconds()});
}

void RunStore::set_issue(const std::string& issue, const sdk::Issue& fetched) {
  touch(issue, "issue_json", clean(to_json(fetched).dump()));
}

void RunStore::set_workspace(const std::string& issue, const std::string& branch, const std::string& worktree) {
  touch(issue, "branch", branch);
  touch(issue, "worktree", worktree);
}

void RunStore::set_pr(const std::string& issue, const std::string& id, const std::string& url) {
  touch(issue, "pr_id", id);
  touch(issue, "pr_url", url);
}

void RunStore::set_build_session(const std::string& issue, const std::string& session_id) {
  touch(issue, "build_session", session_id);
}

void RunStore::set_build_base(const std::string& issue, const std::string& sha) { touch(issue, "build_base", sha); }

void RunStore::add_usage(const std::string& issue, std::int64_t tokens, double cost_usd) {
  m_db.execute(
      "UPDATE runs SET tokens = tokens + ?2, cost_usd = cost_usd + ?3, updated_at = ?4 WHERE issue = ?1",
      {issue, tokens, cost_usd, state::now_seconds()});
}

void RunStore::save_reviews(const std::string& issue, int round, const std::vector<ReviewOutcome>& outcomes) {
  m_db.transaction([&] {
    m_db.execute("DELETE FROM reviews WHERE issue = ?1 AND round = ?2", {issue, std::int64_t(round)});
    for (const auto& outcome : outcomes)
      m_db.execute("INSERT INTO reviews (issue, round, reviewer, outcome_json) VALUES (?1, ?2, ?3, ?4)",
                   {issue, std::int64_t(round), outcome.reviewer, clean(to_json(outcome).dump())});
  });
}

std::vector<ReviewOutcome> RunStore::reviews(const std::string& issue, int round) {
  std::vector<ReviewOutcome> outcomes;
  for (const auto& row : m_db.query("SELECT outcome_json FROM reviews WHERE issue = ?1 AND round = ?2 ORDER BY rowid",
                                    {issue, std::int64_t(round)})) {
    auto json = nlohmann::json::parse(state::as_string(row[0]), nullptr, false);
    if (!json.is_discarded()) outcomes.push_back(outcome_from_json(json));
  }
  return outcomes;
}

std::vector<ReviewOutcome> RunStore::latest_reviews(const std::string& issue) {
  const auto rows = m_db.query("SELECT MAX(round) FROM reviews WHERE issue = ?1", {issue});
  if (rows.empty() || state::is_null(rows[0][0])) return {};
  return reviews(issue, static_cast<int>(state::as_int(rows[0][0])));
}

} // namespace fanout::pipeline
