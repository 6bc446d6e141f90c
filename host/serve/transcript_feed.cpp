#include "host/serve/transcript_feed.hpp"

#include "host/pipeline/run_status.hpp"
#include "host/serve/views.hpp"

#include <fstream>

namespace fanout::serve {

namespace fs = std::filesystem;
using nlohmann::json;

TranscriptFeed::TranscriptFeed(fs::path dir) : m_dir(std::move(dir)) {}

json transcript_entry(const std::string& line) {
  auto parsed = json::parse(line, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) return {{"type", "text"}, {"text", line}};
  json entry{{"type", parsed.value("type", "")}};
  for (const char* key : {"ts", "text", "tool", "detail", "model", "prompt", "kind", "message", "resume_session_id"})
    if (parsed.contains(key) && parsed[key].is_string()) entry[key] = parsed[key];
  if (parsed.contains("ok") && parsed["ok"].is_boolean()) entry["ok"] = parsed["ok"];
  const json* tokens = parsed.contains("tokens") ? &parsed["tokens"] : parsed.contains("usage") ? &parsed["usage"] : nullptr;
  if (tokens && tokens->is_object()) entry["tokens"] = *tokens;
  return entry;
}

json TranscriptFeed::poll(size_t max_bytes) {
  json out = json::array();
  for (const auto& file : pipeline::transcripts(m_dir)) {
    const std::string name = file.filename().string();
    std::streamoff& offset = m_offsets[name];
    std::error_code ec;
    const auto size = fs::file_size(file, ec);
    if (ec || static_cast<std::streamoff>(size) <= offset) continue;
    std::ifstream in(file, std::ios::binary);
    in.seekg(offset);
    json entries = json::array();
    std::string line;
    size_t taken = 0;
    while (taken < max_bytes && std::getline(in, line)) {
      if (in.eof()) break; // no newline yet: the writer is in the middle of this line
      offset = in.tellg();
      taken += line.size() + 1;
      auto entry = transcript_entry(line);
      if (entry["type"] != "usage") entries.push_back(std::move(entry));
    }
    if (!entries.empty()) out.push_back({{"transcript", file.stem().string()}, {"entries", std::move(entries)}});
  }
  return redacted(std::move(out));
}

} // namespace fanout::serve
