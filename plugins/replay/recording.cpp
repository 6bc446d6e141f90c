#include "recording.hpp"

#include "support/json_access.hpp"

#include <cstdio>
#include <fstream>

namespace replay {

using nlohmann::json;
using namespace fanout::sdk;
using fanout::support::int_at;
using fanout::support::string_at;

std::string prompt_hash(const std::string& text) {
  std::uint64_t hash = 1469598103934665603ull;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(hash));
  return out;
}

std::vector<std::string> candidate_names(const std::string& key, const SessionRequest& request) {
  std::vector<std::string> names;
  if (!key.empty()) names.push_back(key);
  auto env = [&](const char* name) {
    auto it = request.env.find(name);
    return it == request.env.end() ? std::string() : it->second;
  };
  std::string issue = env("FANOUT_ISSUE"), stage = env("FANOUT_STAGE");
  if (!issue.empty() && !stage.empty()) names.push_back(issue + "/" + stage);
  if (!stage.empty()) names.push_back(stage);
  names.push_back("prompt-" + prompt_hash(request.prompt));
  names.push_back("default");
  return names;
}

Result<std::filesystem::path> find_recording(const std::filesystem::path& dir, const std::vector<std::string>& names) {
  std::error_code ec;
  std::string tried;
  for (const auto& name : names) {
    if (std::filesystem::is_regular_file(dir / name / "events.jsonl", ec)) return dir / name;
    tried += (tried.empty() ? "\"" : ", \"") + name + "\"";
  }
  return fail(FailureKind::not_found, "no recording in \"" + dir.string() + "\" for this session (tried " + tried + ")");
}

Result<std::vector<json>> read_transcript(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) return fail(FailureKind::not_found, "cannot read \"" + file.string() + "\"");
  std::vector<json> lines;
  for (std::string line; std::getline(in, line);) {
    json value = json::parse(line, nullptr, false);
    if (value.is_object()) lines.push_back(std::move(value));
  }
  return lines;
}

namespace {

/// {input, output, cache_read, cache_write}; a missing or non-numeric count is 0.
Usage usage_from(const json& counts) {
  return {int_at(counts, "input"), int_at(counts, "output"), int_at(counts, "cache_read"),
          int_at(counts, "cache_write")};
}

} // namespace

AgentEvent event_from_json(const json& line) {
  static const std::pair<const char*, AgentEvent::Type> types[] = {
      {"text", AgentEvent::Type::text},   {"tool_use", AgentEvent::Type::tool_use},
      {"tool_result", AgentEvent::Type::tool_result}, {"usage", AgentEvent::Type::usage},
      {"error", AgentEvent::Type::error}, {"other", AgentEvent::Type::other}};
  AgentEvent event;
  std::string type = line.value("type", std::string("other"));
  for (const auto& [name, value] : types)
    if (type == name) event.type = value;
  event.text = string_at(line, "text");
  event.tool = string_at(line, "tool");
  event.detail = string_at(line, "detail");
  event.raw = string_at(line, "raw");
  if (auto usage = line.find("usage"); usage != line.end()) event.usage = usage_from(*usage);
  return event;
}

SessionResult result_from_json(const json& line) {
  static const std::pair<const char*, SessionOutcome> kinds[] = {
      {"error", SessionOutcome::error},         {"timeout", SessionOutcome::timeout},
      {"max_turns", SessionOutcome::max_turns}, {"budget", SessionOutcome::budget},
      {"auth", SessionOutcome::auth},           {"rate_limited", SessionOutcome::rate_limited},
      {"crashed", SessionOutcome::crashed},     {"no_result", SessionOutcome::no_result},
      {"cancelled", SessionOutcome::cancelled}};
  SessionResult result;
  result.outcome = line.value("ok", false) ? SessionOutcome::success : SessionOutcome::error;
  if (!line.value("ok", false) && line.contains("kind") && line["kind"].is_string())
    for (const auto& [name, value] : kinds)
      if (line["kind"] == name) result.outcome = value;
  result.text = string_at(line, "text");
  result.session_id = string_at(line, "session_id");
  if (auto tokens = line.find("tokens"); tokens != line.end()) result.usage = usage_from(*tokens);
  if (auto cost = line.find("cost_usd"); cost != line.end() && cost->is_number()) result.cost_usd = cost->get<double>();
  result.turns = line.value("turns", 0);
  result.duration = std::chrono::milliseconds(line.value("duration_ms", 0LL));
  return result;
}

} // namespace replay
