#pragma once
// A recording: what the replay provider plays back (format in docs/agents.md, "Recordings").
//   <dir>/<name>/events.jsonl   a fanout transcript (the file `fanout` writes per session)
//   <dir>/<name>/files/         optional: a tree copied over the workdir
//   <dir>/<name>/changes.patch  optional: `git diff --binary` output, applied with git apply
//   <dir>/<name>/commit.txt     optional: commit message; the changes are committed with it

#include <fanout/sdk/agent_provider.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace replay {

/// Names tried, in order, for a session: `key` when configured; "<FANOUT_ISSUE>/<FANOUT_STAGE>"
/// and "<FANOUT_STAGE>" from the session's env; "prompt-<16 hex digits of the prompt's FNV-1a
/// hash>"; "default".
std::vector<std::string> candidate_names(const std::string& key, const fanout::sdk::SessionRequest& request);

/// The first candidate directory that holds an events.jsonl. Failure not_found:
/// no recording in "<dir>" for this session (tried "a", "b")
fanout::sdk::Result<std::filesystem::path> find_recording(const std::filesystem::path& dir,
                                                          const std::vector<std::string>& names);

/// 16 lower-case hex digits of the FNV-1a 64-bit hash of `text`.
std::string prompt_hash(const std::string& text);

/// The transcript's lines as JSON objects; lines that are not objects are skipped.
fanout::sdk::Result<std::vector<nlohmann::json>> read_transcript(const std::filesystem::path& file);

/// The AgentEvent a transcript event line stands for (raw included).
fanout::sdk::AgentEvent event_from_json(const nlohmann::json& line);

/// The SessionResult a transcript "result" line stands for.
fanout::sdk::SessionResult result_from_json(const nlohmann::json& line);

} // namespace replay
