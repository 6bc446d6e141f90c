#include "host/serve/views.hpp"

#include "host/agent/transcript.hpp"
#include "host/git/changes.hpp"
#include "host/pipeline/codec.hpp"
#include "host/pipeline/run_status.hpp"
#include "host/services/process_runner.hpp"
#include "host/services/secrets.hpp"
#include "host/state/clock.hpp"
#include "host/state/state_db.hpp"
#include "host/workspace/port_leases.hpp"
#include "host/workspace/store.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace fanout::serve {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

/// Seconds from the first recorded stage start to now (running) or to the last update.
std::int64_t elapsed(const pipeline::RunRecord& run, const std::vector<pipeline::StageRecord>& stages) {
  if (stages.empty()) return 0;
  std::int64_t first = stages.front().started_at;
  for (const auto& stage : stages) first = std::min(first, stage.started_at);
  const bool live = run.state == pipeline::RunState::running && !pipeline::stale(run);
  return std::max<std::int64_t>(0, (live ? state::now_seconds() : run.updated_at) - first);
}

std::string read_capped(const fs::path& file, size_t max_bytes) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return "";
  std::string text(max_bytes, '\0');
  in.read(text.data(), static_cast<std::streamsize>(max_bytes));
  text.resize(static_cast<size_t>(in.gcount()));
  return text;
}

json row_json(const pipeline::RunStatus& status, pipeline::RunStore& store) {
  auto row = pipeline::status_json(status);
  const auto stages = store.stages(status.run.issue);
  row["elapsed_s"] = elapsed(status.run, stages);
  row["updated_at"] = status.run.updated_at;
  row["round"] = status.run.round;
  return row;
}

} // namespace

json redacted(json value) {
  agent::redact_json(value, services::SecretRegistry::global());
  return value;
}

json fleet_json(const fs::path& repo_root, const Budget& budget) {
  json runs = json::array();
  std::int64_t tokens = 0;
  double cost = 0;
  json states = json::object();
  const auto statuses = pipeline::load_statuses(repo_root);
  if (!statuses.empty()) {
    pipeline::RunStore store(state::StateDb::path_for(repo_root));
    for (const auto& status : statuses) {
      runs.push_back(row_json(status, store));
      tokens += status.run.tokens;
      cost += status.run.cost_usd;
      const std::string state(pipeline::to_string(status.run.state));
      states[state] = states.value(state, 0) + 1;
    }
  }
  return redacted({{"runs", runs},
                   {"totals", {{"runs", runs.size()}, {"tokens", tokens}, {"cost_usd", cost}, {"states", states}}},
                   {"budget",
                    {{"max_tokens", budget.max_tokens},
                     {"max_cost_usd", budget.max_cost_usd},
                     {"fleet_max_tokens", budget.fleet_max_tokens},
                     {"fleet_max_cost_usd", budget.fleet_max_cost_usd}}}});
}

std::optional<json> run_json(const fs::path& repo_root, const std::string& issue) {
  const fs::path db = state::StateDb::path_for(repo_root);
  if (!fs::exists(db)) return std::nullopt;
  pipeline::RunStore store(db);
  auto run = store.get(issue);
  if (!run) return std::nullopt;
  const pipeline::RunStatus status{*run, store.latest_reviews(issue)};
  json out;
  out["run"] = row_json(status, store);
  out["run"]["branch"] = run->branch;
  out["run"]["pid"] = run->pid;
  out["issue"] = run->fetched ? pipeline::to_json(*run->fetched) : json(nullptr);

  const fs::path dir = pipeline::run_dir(pipeline::runs_dir(repo_root), issue);
  const fs::path plan = dir / "plan.md";
  out["plan"] = fs::exists(plan) ? json(read_capped(plan, 256u << 10)) : json(nullptr);

  json workspace = nullptr;
  workspace::WorkspaceStore workspaces(repo_root);
  if (auto record = workspaces.find(issue)) {
    json ports = json::array();
    if (auto lease = workspace::find_lease(workspaces.db(), issue))
      for (int port : lease->ports()) ports.push_back(port);
    workspace = {{"path", record->path.string()},
                 {"branch", record->branch},
                 {"base", record->base},
                 {"ports", ports},
                 {"database_url", services::mask_url_password(record->db_url)},
                 {"database_branch", record->db_branch},
                 {"state", workspace::to_string(record->state)}};
  }
  out["workspace"] = workspace;

  json stages = json::array();
  for (const auto& stage : store.stages(issue))
    stages.push_back({{"stage", stage.stage},
                      {"round", stage.round},
                      {"started_at", stage.started_at},
                      {"completed_at", stage.completed_at == 0 ? json(nullptr) : json(stage.completed_at)}});
  out["stages"] = stages;

  json rounds = json::array();
  for (int round = 0; round <= std::max(run->round, 0) + 1; ++round) {
    auto outcomes = store.reviews(issue, round);
    if (outcomes.empty()) continue;
    json reviews = json::array();
    for (const auto& outcome : outcomes) reviews.push_back(pipeline::to_json(outcome));
    rounds.push_back({{"round", round}, {"reviews", reviews}});
  }
  out["rounds"] = rounds;

  json names = json::array();
  for (const auto& file : pipeline::transcripts(dir)) names.push_back(file.stem().string());
  out["transcripts"] = names;
  return redacted(std::move(out));
}

std::string run_diff(const fs::path& repo_root, const std::string& issue, size_t max_bytes) {
  if (!fs::exists(state::StateDb::path_for(repo_root))) return "(no workspace: nothing to diff)";
  workspace::WorkspaceStore workspaces(repo_root);
  auto record = workspaces.find(issue);
  if (!record || !fs::exists(record->path)) return "(no workspace: nothing to diff)";
  services::LocalProcessRunner runner;
  auto diff = git::diff(runner, record->path, record->base, sdk::CancelToken{});
  if (!diff.ok()) return "(cannot diff: " + services::SecretRegistry::global().redact(diff.failure().message) + ")";
  std::string text = std::move(*diff);
  if (text.size() > max_bytes) text = text.substr(0, max_bytes) + "\n(diff cut at " + std::to_string(max_bytes) + " bytes)\n";
  return services::SecretRegistry::global().redact(text.empty() ? "(no changes yet)" : text);
}

} // namespace fanout::serve
