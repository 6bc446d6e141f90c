#include "recording.hpp"

#include <cstdio>
#include <fstream>

namespace replay {

using nlohmann::json;
using namespace fanout::sdk;

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

AgentEvent event_from_json(const json& line) {
  static const std::pair<const char*, AgentEvent::Type> types[] = {
      {"text", AgentEvent::Type::text},   {"tool_use", AgentEvent::Type::tool_use},
      {"tool_result", AgentEvent::Type::tool_result}, {"usage", AgentEvent::Type::usage},
      {"error", AgentEvent::Type::error}, {"other", AgentEvent::Type::other}};
  AgentEvent event;
  std::string type = line.value("type", std::string("other"));
  for (const auto& [name, value] : types)
    if (type == name) event.type = value;
  event.text = line.value("text", std::string());
  event.tool = line.value("tool", std::string());
  event.detail = line.value("detail", std::string());
  event.raw = line.value("raw", std::string());
  if (auto usage = line.find("usage"); usage != line.end() && usage->is_object()) {
    event.usage.input = usage->value("input", 0LL);
    event.usage.output = usage->value("output", 0LL);
    event.usage.cache_read = usage->value("cache_read", 0LL);
    event.usage.cache_write = usage->value("cache_write", 0LL);
  }
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
  result.text = line.value("text", std::string());
  result.session_id = line.value("session_id", std::string());
  if (auto tokens = line.find("tokens"); tokens != line.end() && tokens->is_object()) {
    result.usage.input = tokens->value("input", 0LL);
    result.usage.output = tokens->value("output", 0LL);
    result.usage.cache_read = tokens->value("cache_read", 0LL);
    result.usage.cache_write = tokens->value("cache_write", 0LL);
  }
  if (auto cost = line.find("cost_usd"); cost != line.end() && cost->is_number()) result.cost_usd = cost->get<double>();
  result.turns = line.value("turns", 0);
  result.duration = std::chrono::milliseconds(line.value("duration_ms", 0LL));
  return result;
}

} // namespace replay
