#include "host/pipeline/run_status.hpp"

#include "host/pipeline/codec.hpp"
#include "host/state/state_db.hpp"
#include "host/workspace/store.hpp"

#include <fmt/format.h>

#include <unistd.h>

#include <algorithm>

namespace fanout::pipeline {

namespace fs = std::filesystem;

std::vector<RunStatus> load_statuses(const fs::path& repo_root) {
  const fs::path db = state::StateDb::path_for(repo_root);
  if (!fs::exists(db)) return {};
  RunStore store(db);
  std::vector<RunStatus> out;
  for (auto& run : store.all()) {
    auto reviews = store.latest_reviews(run.issue);
    out.push_back({std::move(run), std::move(reviews)});
  }
  return out;
}

bool stale(const RunRecord& run) {
  return run.state == RunState::running && run.pid != ::getpid() && !workspace::process_alive(run.pid);
}

nlohmann::json status_json(const RunStatus& status) {
  const auto& run = status.run;
  nlohmann::json reviews = nlohmann::json::array();
  for (const auto& outcome : status.reviews) {
    auto json = to_json(outcome);
    reviews.push_back({{"reviewer", json["reviewer"]},
                       {"verdict", json["verdict"]},
                       {"findings", json["findings"]},
                       {"failure", json["failure"]}});
  }
  return {{"issue", run.issue},
          {"title", run.fetched ? run.fetched->title : ""},
          {"stage", run.stage},
          {"state", std::string(to_string(run.state))},
          {"stale", stale(run)},
          {"pr", run.pr_url.empty() ? nlohmann::json(nullptr) : nlohmann::json(run.pr_url)},
          {"tokens", run.tokens},
          {"cost_usd", run.cost_usd},
          {"error", run.error},
          {"reviews", reviews}};
}

std::string verdicts(const std::vector<ReviewOutcome>& outcomes) {
  std::string out;
  for (const auto& outcome : outcomes) {
    if (!out.empty()) out += " ";
    out += outcome.reviewer + ":";
    out += outcome.review ? std::string(sdk::to_string(outcome.review->verdict)) : "failed";
    if (outcome.review && !outcome.review->findings.empty()) out += fmt::format("({})", outcome.review->findings.size());
  }
  return out.empty() ? "-" : out;
}

fs::path run_dir(const fs::path& runs_dir, const std::string& issue) {
  std::string safe = issue;
  for (char& c : safe)
    if (c == '/' || c == '\\' || c == '\0') c = '_';
  if (safe == "." || safe == "..") safe = "_" + safe;
  return runs_dir / safe;
}

fs::path runs_dir(const fs::path& repo_root) { return repo_root / ".fanout" / "runs"; }

std::vector<fs::path> transcripts(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (entry.path().extension() == ".jsonl") files.push_back(entry.path());
  auto rank = [](const fs::path& file) {
    const std::string stem = file.stem().string();
    if (stem == "plan") return 0;
    if (stem == "build") return 1;
    if (stem.rfind("fix-", 0) == 0) return 2;
    return 3;
  };
  std::sort(files.begin(), files.end(), [&](const fs::path& a, const fs::path& b) {
    return rank(a) != rank(b) ? rank(a) < rank(b) : a.filename() < b.filename();
  });
  return files;
}

} // namespace fanout::pipeline
