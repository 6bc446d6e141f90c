#pragma once
// TranscriptWriter: one agent session as JSON lines at .fanout/runs/<issue>/<stage>.jsonl.
// Line shapes (docs/agents.md, "Transcripts"): a "start" line, one line per event with its
// raw provider line, and a final "result" line. Every string is redacted first.

#include "host/services/secrets.hpp"

#include <fanout/sdk/agent_provider.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <string_view>

namespace fanout::agent {

/// Thread-safe; each line is flushed as written, so `fanout logs` can follow it live.
class TranscriptWriter {
public:
  /// Opens `path` for appending, creating its directories. Failure error with the path.
  static sdk::Result<std::unique_ptr<TranscriptWriter>> open(const std::filesystem::path& path,
                                                              const services::SecretRegistry& secrets);

  /// <repo>/.fanout/runs/<issue>/<stage>.jsonl
  static std::filesystem::path path_for(const std::filesystem::path& repo_root, std::string_view issue,
                                        std::string_view stage);

  /// {"ts", "type":"start", "provider", "model", "permission", "workdir", "prompt", "resume_session_id"?}
  void start(std::string_view provider, const sdk::SessionRequest& request);
  /// {"ts", "type":<event type>, "text"?, "tool"?, "detail"?, "usage"?, "raw"?}; "raw" is the
  /// provider's line (the first event of each line carries it).
  void event(const sdk::AgentEvent& event);
  /// {"ts", "type":"result", ...result_to_json()}
  void result(const sdk::SessionResult& result);

  const std::filesystem::path& path() const { return m_path; }

private:
  TranscriptWriter(std::filesystem::path path, std::ofstream file, const services::SecretRegistry& secrets);
  void write(nlohmann::json line);

  std::filesystem::path m_path;
  std::ofstream m_file;
  const services::SecretRegistry& m_secrets;
  std::mutex m_mutex;
};

/// "read_only", "edit", "full".
std::string_view to_string(sdk::Permission permission) noexcept;

/// Now as "2026-03-01T12:34:56.789Z".
std::string utc_timestamp();

/// Replaces registered secrets in every string of `value`, recursively.
void redact_json(nlohmann::json& value, const services::SecretRegistry& secrets);

} // namespace fanout::agent
