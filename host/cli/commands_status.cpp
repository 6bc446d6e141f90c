// fanout status / logs: read what runs recorded (state store, transcripts), from any process.

#include "host/cli/commands.hpp"

#include "host/pipeline/codec.hpp"
#include "host/pipeline/run_store.hpp"
#include "host/services/secrets.hpp"
#include "host/state/run_lock.hpp"
#include "host/state/state_db.hpp"
#include "host/util/error.hpp"
#include "host/util/suggest.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>


#include <algorithm>
#include <fstream>
#include <iostream>
#include <thread>

namespace fanout::cli {
namespace {

namespace fs = std::filesystem;
using pipeline::RunState;

std::vector<pipeline::RunRecord> load_runs(Context& context, std::vector<std::vector<pipeline::ReviewOutcome>>& reviews) {
  const fs::path db = state::StateDb::path_for(context.repo_root());
  if (!fs::exists(db)) return {};
  pipeline::RunStore store(db);
  auto runs = store.all();
  for (const auto& run : runs) reviews.push_back(store.latest_reviews(run.issue));
  return runs;
}

/// Recorded as running, but no process holds its run lock (its fanout died).
bool stale(const fs::path& repo_root, const pipeline::RunRecord& run) {
  return run.state == RunState::running && !state::RunLock::holder(repo_root, run.issue);
}

nlohmann::json status_json(const fs::path& repo_root, const pipeline::RunRecord& run,
                           const std::vector<pipeline::ReviewOutcome>& outcomes) {
  nlohmann::json reviews = nlohmann::json::array();
  for (const auto& outcome : outcomes) {
    auto json = pipeline::to_json(outcome);
    reviews.push_back({{"reviewer", json["reviewer"]},
                       {"verdict", json["verdict"]},
                       {"findings", json["findings"]},
                       {"failure", json["failure"]}});
  }
  return {{"issue", run.issue},
          {"title", run.fetched ? run.fetched->title : ""},
          {"stage", run.stage},
          {"state", std::string(to_string(run.state))},
          {"stale", stale(repo_root, run)},
          {"pr", run.pr_url.empty() ? nlohmann::json(nullptr) : nlohmann::json(run.pr_url)},
          {"tokens", run.tokens},
          {"cost_usd", run.cost_usd},
          {"error", run.error},
          {"reviews", reviews}};
}

std::string verdicts(const std::vector<pipeline::ReviewOutcome>& outcomes) {
  std::string out;
  for (const auto& outcome : outcomes) {
    if (!out.empty()) out += " ";
    out += outcome.reviewer + ":";
    out += outcome.review ? std::string(sdk::to_string(outcome.review->verdict)) : "failed";
    if (outcome.review && !outcome.review->findings.empty()) out += fmt::format("({})", outcome.review->findings.size());
  }
  return out.empty() ? "-" : out;
}

// ---- logs

/// Transcripts in the order a run writes them: plan, build, fix rounds, then reviewers.
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

/// One transcript line as a human reads it.
std::string render(const std::string& stage, const std::string& line) {
  auto json = nlohmann::json::parse(line, nullptr, false);
  if (json.is_discarded() || !json.is_object()) return fmt::format("[{}] {}", stage, line);
  const std::string type = json.value("type", "");
  auto text = [&](const char* key) { return json.contains(key) && json[key].is_string() ? json[key].get<std::string>() : ""; };
  if (type == "start" || type == "session")
    return fmt::format("[{}] --- session{}{}", stage, text("model").empty() ? "" : " model=" + text("model"),
                       text("resume").empty() ? "" : " resume=" + text("resume"));
  if (type == "text") return fmt::format("[{}] {}", stage, text("text"));
  if (type == "tool_use") return fmt::format("[{}] tool {} {}", stage, text("tool"), text("detail"));
  if (type == "tool_result") return fmt::format("[{}] result: {}", stage, text("text"));
  if (type == "error") return fmt::format("[{}] error: {}", stage, text("text"));
  if (type == "usage") return "";
  if (type == "result") {
    const bool ok = json.value("ok", false);
    const auto& tokens = json.contains("tokens") ? json["tokens"] : json.value("usage", nlohmann::json::object());
    return fmt::format("[{}] --- {} ({} tokens out){}", stage, ok ? "success" : text("kind"),
                       tokens.is_object() ? tokens.value("output", 0) : 0, text("text").empty() ? "" : ": " + text("text"));
  }
  if (type == "failure") return fmt::format("[{}] --- could not start: {}", stage, text("message"));
  return fmt::format("[{}] {}", stage, line);
}

/// Prints the complete lines of `file` after `offset`; returns the new offset.
std::streamoff print_new(const fs::path& file, std::streamoff offset) {
  std::ifstream in(file, std::ios::binary);
  in.seekg(offset);
  std::string line;
  const std::string stage = file.stem().string();
  while (std::getline(in, line)) {
    if (in.eof()) break; // an unterminated line is still being written
    offset = in.tellg();
    // Transcripts are redacted when written; a secret registered since (or by this
    // process alone) is redacted again here.
    const auto shown = services::SecretRegistry::global().redact(render(stage, line));
    if (!shown.empty()) std::cout << shown << "\n";
  }
  std::cout.flush();
  return offset;
}

bool run_is_live(const fs::path& repo_root, const std::string& issue) {
  return state::RunLock::holder(repo_root, issue).has_value();
}

} // namespace

void add_status_commands(CLI::App& app, Context& context) {
  auto json = std::make_shared<bool>(false);
  auto* status = app.add_subcommand("status", "Every run: stage, state, pull request, tokens, cost, verdicts");
  status->add_flag("--json", *json, "Print a JSON array");
  status->callback([&context, json] {
    std::vector<std::vector<pipeline::ReviewOutcome>> reviews;
    const auto runs = load_runs(context, reviews);
    if (*json) {
      nlohmann::json out = nlohmann::json::array();
      for (size_t i = 0; i < runs.size(); ++i) out.push_back(status_json(context.repo_root(), runs[i], reviews[i]));
      std::cout << services::SecretRegistry::global().redact(out.dump(2)) << "\n";
      return;
    }
    if (runs.empty()) {
      std::cout << "no runs yet (start one with: fanout run ISSUE)\n";
      return;
    }
    // Issue keys and PR URLs vary in length (a Jira key, a file:// URL): size those columns.
    size_t issue_width = 10, pr_width = 30;
    for (const auto& run : runs) {
      issue_width = std::max(issue_width, run.issue.size());
      pr_width = std::max(pr_width, run.pr_url.size());
    }
    const auto row = [&](const std::string& issue, const std::string& stage, const std::string& state,
                         const std::string& tokens, const std::string& cost, const std::string& pr,
                         const std::string& reviews) {
      return fmt::format("{:<{}} {:<12} {:<12} {:>8} {:>8}  {:<{}} {}\n", issue, issue_width, stage, state, tokens, cost,
                         pr, pr_width, reviews);
    };
    const auto& secrets = services::SecretRegistry::global();
    std::cout << row("ISSUE", "STAGE", "STATE", "TOKENS", "COST", "PR", "REVIEWS");
    for (size_t i = 0; i < runs.size(); ++i) {
      const auto& run = runs[i];
      std::string state(to_string(run.state));
      if (stale(context.repo_root(), run)) state += "?";
      std::cout << secrets.redact(row(run.issue, run.stage, state, std::to_string(run.tokens),
                                      fmt::format("${:.2f}", run.cost_usd), run.pr_url.empty() ? "-" : run.pr_url,
                                      verdicts(reviews[i])));
      if (!run.error.empty() && run.state != RunState::done)
        std::cout << std::string(issue_width + 1, ' ') << secrets.redact(run.error) << "\n";
    }
    for (const auto& run : runs)
      if (stale(context.repo_root(), run)) {
        std::cout << "\n\"running?\": the process driving it is gone; continue with: fanout resume\n";
        break;
      }
  });

  struct LogOptions {
    std::string issue;
    std::string stage;
    bool follow = false;
  };
  auto log_options = std::make_shared<LogOptions>();
  auto* logs = app.add_subcommand("logs", "Print an issue's agent transcripts");
  logs->add_option("issue", log_options->issue, "Issue key")->required();
  logs->add_option("--stage", log_options->stage, "Only this transcript (plan, build, fix-1, review-<name>)");
  logs->add_flag("-f,--follow", log_options->follow, "Keep printing until the run ends");
  logs->callback([&context, log_options] {
    std::string safe = log_options->issue;
    std::replace(safe.begin(), safe.end(), '/', '_');
    const fs::path dir = context.repo_root() / ".fanout" / "runs" / safe;
    auto selected = [&] {
      auto files = transcripts(dir);
      if (log_options->stage.empty()) return files;
      std::vector<std::string> names;
      for (const auto& file : files) {
        if (file.stem() == log_options->stage) return std::vector<fs::path>{file};
        names.push_back(file.stem().string());
      }
      if (!log_options->follow)
        throw UserError("no transcript \"" + log_options->stage + "\" for issue \"" + log_options->issue + "\"" +
                        util::did_you_mean(log_options->stage, names));
      return std::vector<fs::path>{};
    };
    if (!fs::exists(dir) && !log_options->follow)
      throw UserError("no transcripts for issue \"" + log_options->issue + "\" (has it run?)");
    std::map<fs::path, std::streamoff> offsets;
    while (true) {
      const bool live = log_options->follow && run_is_live(context.repo_root(), log_options->issue);
      for (const auto& file : selected()) offsets[file] = print_new(file, offsets[file]);
      if (!live) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  });
}

} // namespace fanout::cli
