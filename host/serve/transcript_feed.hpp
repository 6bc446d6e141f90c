#pragma once
// TranscriptFeed: follows the transcripts of one run (.fanout/runs/<issue>/*.jsonl) as
// another process writes them, and hands out each new complete line once, shaped for the
// run page. Not thread-safe: one per event stream.

#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <string>

namespace fanout::serve {

class TranscriptFeed {
public:
  explicit TranscriptFeed(std::filesystem::path dir);

  /// The lines written since the last call (all of them on the first), as
  /// [{transcript: "build", entries: [{type, ts, text?, tool?, detail?, ok?, kind?, tokens?}]}],
  /// redacted. An unterminated last line waits for its newline. Empty when nothing is new.
  nlohmann::json poll(size_t max_bytes = 512u << 10);

private:
  std::filesystem::path m_dir;
  std::map<std::string, std::streamoff> m_offsets; ///< by file name
};

/// One transcript line shaped for the page: its type, time and readable fields, without
/// the provider's raw line. A line that is not JSON becomes {type: "text", text: line}.
nlohmann::json transcript_entry(const std::string& line);

} // namespace fanout::serve
