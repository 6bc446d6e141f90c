#pragma once
// Header-only: what an agent CLI reported as a session's running totals, kept per session id
// in the plugin's data dir. Some CLIs report totals for the whole conversation when it is
// resumed (claude's total_cost_usd, codex's turn.completed usage); a provider subtracts the
// totals recorded when the session last ended, so every SessionResult holds only its own
// increment, across fanout processes too.

#include "fanout/sdk/agent_provider.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <system_error>

namespace fanout::sdk {

/// Running totals of one session as the CLI reported them.
struct SessionTotals {
  Usage usage;
  double cost_usd = 0;
};

/// The file that holds the totals of `session_id` under `dir`, or "" when the id is not a
/// plain name (letters, digits, '-', '_', '.'; not starting with '.'): an id read back from
/// an agent's output never names a path.
inline std::filesystem::path session_totals_file(const std::filesystem::path& dir, const std::string& session_id) {
  if (session_id.empty() || session_id.size() > 200 || session_id.front() == '.') return {};
  for (char c : session_id)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') return {};
  return dir / "sessions" / (session_id + ".json");
}

/// The totals recorded for `session_id`, or nullopt when none were (or the file is unreadable).
inline std::optional<SessionTotals> load_session_totals(const std::filesystem::path& dir,
                                                        const std::string& session_id) {
  auto file = session_totals_file(dir, session_id);
  if (file.empty()) return std::nullopt;
  std::ifstream in(file);
  if (!in) return std::nullopt;
  auto json = nlohmann::json::parse(in, nullptr, false);
  if (!json.is_object()) return std::nullopt;
  SessionTotals totals;
  totals.usage.input = json.value("input", std::int64_t(0));
  totals.usage.output = json.value("output", std::int64_t(0));
  totals.usage.cache_read = json.value("cache_read", std::int64_t(0));
  totals.usage.cache_write = json.value("cache_write", std::int64_t(0));
  totals.cost_usd = json.value("cost_usd", 0.0);
  return totals;
}

/// Records `totals` for `session_id` (atomically: a temp file renamed over the old one).
/// Best effort: a failure to write only means a later resume over-counts.
inline void save_session_totals(const std::filesystem::path& dir, const std::string& session_id,
                                const SessionTotals& totals) {
  auto file = session_totals_file(dir, session_id);
  if (file.empty()) return;
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  nlohmann::json json = {{"input", totals.usage.input},           {"output", totals.usage.output},
                         {"cache_read", totals.usage.cache_read}, {"cache_write", totals.usage.cache_write},
                         {"cost_usd", totals.cost_usd}};
  auto temp = file;
  temp += ".tmp";
  {
    std::ofstream out(temp, std::ios::trunc);
    out << json.dump();
    if (!out) return;
  }
  std::filesystem::rename(temp, file, ec);
}

/// `now - before`, never below zero (a CLI that restarted its count reports less).
inline Usage usage_increment(const Usage& now, const Usage& before) {
  auto minus = [](std::int64_t a, std::int64_t b) { return std::max<std::int64_t>(0, a - b); };
  return {minus(now.input, before.input), minus(now.output, before.output), minus(now.cache_read, before.cache_read),
          minus(now.cache_write, before.cache_write)};
}

} // namespace fanout::sdk
