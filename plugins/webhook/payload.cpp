#include "payload.hpp"

#include <nlohmann/json.hpp>

namespace webhook {
namespace {

/// At most `limit` bytes, cut at a UTF-8 character boundary, with "…" when cut.
std::string clip(std::string text, size_t limit) {
  if (text.size() <= limit) return text;
  size_t end = limit - 3; // room for "…" (3 bytes)
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  text.resize(end);
  return text + "\u2026";
}

} // namespace

std::optional<Format> parse_format(std::string_view name) {
  if (name == "json") return Format::json;
  if (name == "slack") return Format::slack;
  if (name == "discord") return Format::discord;
  return std::nullopt;
}

std::string payload(const fanout::sdk::Notification& n, Format format) {
  const std::string message = n.title + "\n" + n.text;
  switch (format) {
  case Format::slack: return nlohmann::json{{"text", clip(message, 39000)}}.dump();
  case Format::discord: return nlohmann::json{{"content", clip(message, 2000)}}.dump();
  case Format::json: break;
  }
  nlohmann::json runs = nlohmann::json::array();
  for (const auto& run : n.runs) runs.push_back({{"issue", run.issue}, {"state", run.state}, {"pr_url", run.pr_url}});
  return nlohmann::json{{"event", std::string(fanout::sdk::to_string(n.event))},
                        {"title", n.title},
                        {"text", n.text},
                        {"repo", n.repo},
                        {"issue", n.issue},
                        {"issue_title", n.issue_title},
                        {"issue_url", n.issue_url},
                        {"state", n.state},
                        {"stage", n.stage},
                        {"reason", n.reason},
                        {"pr_url", n.pr_url},
                        {"action", n.action},
                        {"runs", runs}}
      .dump();
}

} // namespace webhook
