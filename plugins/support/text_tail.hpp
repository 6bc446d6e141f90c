#pragma once
// The end of a long text (a CI log) in whole lines, for the code hosts' check_log.

#include <cstddef>
#include <string>

namespace fanout::support {

/// The last `max_bytes` of `text`; when the cut falls inside a line, that partial line is
/// dropped too, so the tail starts at a line's beginning (and may be "" for one huge line).
inline std::string whole_lines_tail(const std::string& text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  const std::size_t cut = text.size() - max_bytes;
  if (text[cut - 1] == '\n') return text.substr(cut);
  const std::size_t next = text.find('\n', cut);
  return next == std::string::npos ? std::string() : text.substr(next + 1);
}

} // namespace fanout::support
