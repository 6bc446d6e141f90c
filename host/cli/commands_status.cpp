// fanout status / logs: read what runs recorded (state store, transcripts), from any process.

#include "host/cli/commands.hpp"

#include "host/pipeline/run_status.hpp"
#include "host/services/secrets.hpp"
#include "host/state/state_db.hpp"
#include "host/util/error.hpp"
#include "host/util/suggest.hpp"
#include "host/watch/watch_store.hpp"
#include "host/workspace/store.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <iostream>
#include <thread>

namespace fanout::cli {
namespace {

namespace fs = std::filesystem;
using pipeline::RunState;

// ---- logs

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
  if (type == "note") return fmt::format("[{}] {} {}", stage, text("ts"), text("text")); // fanout watch's own steps
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

/// `--stage X` selects the transcript X and the rounds of X ("ci" -> ci.jsonl, ci-1.jsonl,
/// ci-2.jsonl): a watch stage's notes and its builder sessions together.
bool of_stage(const fs::path& file, const std::string& stage) {
  const std::string stem = file.stem().string();
  if (stem == stage) return true;
  if (stem.size() <= stage.size() + 1 || stem.compare(0, stage.size(), stage) != 0 || stem[stage.size()] != '-')
    return false;
  return stem.find_first_not_of("0123456789", stage.size() + 1) == std::string::npos;
}

bool run_is_live(const fs::path& db, const std::string& issue) {
  if (!fs::exists(db)) return false;
  auto run = pipeline::RunStore(db).get(issue);
  return run && run->state == RunState::running && workspace::process_alive(run->pid);
}

} // namespace

void add_status_commands(CLI::App& app, Context& context) {
  auto json = std::make_shared<bool>(false);
  auto* status = app.add_subcommand("status", "Every run: stage, state, pull request, tokens, cost, verdicts");
  status->add_flag("--json", *json, "Print a JSON array");
  status->callback([&context, json] {
    const auto statuses = pipeline::load_statuses(context.repo_root());
    const auto watched = watch::WatchStore::all(state::StateDb::path_for(context.repo_root()));
    auto watched_of = [&](const std::string& issue) -> const watch::WatchRecord* {
      auto found = watched.find(issue);
      return found == watched.end() ? nullptr : &found->second;
    };
    if (*json) {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& status : statuses) {
        auto row = pipeline::status_json(status);
        row["watch"] = watch::status_json(watched_of(status.run.issue));
        out.push_back(std::move(row));
      }
      std::cout << services::SecretRegistry::global().redact(out.dump(2)) << "\n";
      return;
    }
    if (statuses.empty()) {
      std::cout << "no runs yet (start one with: fanout run ISSUE)\n";
      return;
    }
    // Issue keys and PR URLs vary in length (a Jira key, a file:// URL): size those columns.
    size_t issue_width = 10, pr_width = 30;
    for (const auto& [run, reviews] : statuses) {
      issue_width = std::max(issue_width, run.issue.size());
      pr_width = std::max(pr_width, run.pr_url.size());
    }
    const auto row = [&](const std::string& issue, const std::string& stage, const std::string& state,
                         const std::string& tokens, const std::string& cost, const std::string& pr,
                         const std::array<std::string, 3>& watch, const std::string& reviews) {
      return fmt::format("{:<{}} {:<12} {:<12} {:>8} {:>8}  {:<{}} {:<11} {:>8} {:<11} {}\n", issue, issue_width, stage,
                         state, tokens, cost, pr, pr_width, watch[0], watch[1], watch[2], reviews);
    };
    const auto& secrets = services::SecretRegistry::global();
    std::cout << row("ISSUE", "STAGE", "STATE", "TOKENS", "COST", "PR", {"CI", "COMMENTS", "MERGE"}, "REVIEWS");
    for (const auto& [run, reviews] : statuses) {
      std::string state(to_string(run.state));
      if (pipeline::stale(run)) state += "?";
      std::cout << secrets.redact(row(run.issue, run.stage, state, std::to_string(run.tokens),
                                      fmt::format("${:.2f}", run.cost_usd), run.pr_url.empty() ? "-" : run.pr_url,
                                      watch::status_columns(watched_of(run.issue)), pipeline::verdicts(reviews)));
      if (!run.error.empty() && run.state != RunState::done)
        std::cout << std::string(issue_width + 1, ' ') << secrets.redact(run.error) << "\n";
    }
    for (const auto& status : statuses)
      if (pipeline::stale(status.run)) {
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
  logs->add_option("--stage", log_options->stage,
                   "Only this transcript (plan, build, fix-1, review-<name>), or a stage with its rounds (fix; "
                   "fanout watch's ci, comments, update)");
  logs->add_flag("-f,--follow", log_options->follow, "Keep printing until the run ends");
  logs->callback([&context, log_options] {
    const fs::path db = state::StateDb::path_for(context.repo_root());
    const fs::path dir = pipeline::run_dir(pipeline::runs_dir(context.repo_root()), log_options->issue);
    auto selected = [&] {
      auto files = pipeline::transcripts(dir);
      if (log_options->stage.empty()) return files;
      std::vector<std::string> names;
      std::vector<fs::path> chosen;
      for (const auto& file : files) {
        if (of_stage(file, log_options->stage)) chosen.push_back(file);
        names.push_back(file.stem().string());
      }
      if (!chosen.empty()) return chosen;
      if (!log_options->follow)
        throw UserError("no transcript \"" + log_options->stage + "\" for issue \"" + log_options->issue + "\"" +
                        util::did_you_mean(log_options->stage, names));
      return std::vector<fs::path>{};
    };
    if (!fs::exists(dir) && !log_options->follow)
      throw UserError("no transcripts for issue \"" + log_options->issue + "\" (has it run?)");
    std::map<fs::path, std::streamoff> offsets;
    while (true) {
      const bool live = log_options->follow && run_is_live(db, log_options->issue);
      for (const auto& file : selected()) offsets[file] = print_new(file, offsets[file]);
      if (!live) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  });
}

} // namespace fanout::cli
