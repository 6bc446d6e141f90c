#pragma once
// What `fanout watch` did for a run, one line per step, appended to the run's folder as
// `<stage>.jsonl` ({"ts", "type": "note", "text"}) beside the builder's transcripts
// (`<stage>-<round>.jsonl`), so `fanout logs ISSUE --stage ci|comments|update` shows both.

#include <filesystem>
#include <string>

namespace fanout::watch {

/// Appends one note to <runs_dir>/<issue>/<stage>.jsonl (private modes, secrets redacted).
/// Never throws: a note that cannot be written is lost, the watch goes on.
void note(const std::filesystem::path& runs_dir, const std::string& issue, const std::string& stage,
          const std::string& text);

} // namespace fanout::watch
