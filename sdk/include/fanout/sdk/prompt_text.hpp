#pragma once
// Helpers for text that goes into an agent's prompt (issue bodies, comments).

#include <cstddef>
#include <cstdio>
#include <string>

namespace fanout::sdk {

/// Largest issue body a tracker should put into a prompt.
inline constexpr std::size_t k_prompt_body_limit = 64 * 1024;

/// "1.2 MB", "80.0 KB", "512 bytes": a size for humans (decimal units).
inline std::string human_size(std::size_t bytes) {
  char buffer[32];
  if (bytes >= 1000 * 1000) std::snprintf(buffer, sizeof buffer, "%.1f MB", static_cast<double>(bytes) / 1e6);
  else if (bytes >= 1000) std::snprintf(buffer, sizeof buffer, "%.1f KB", static_cast<double>(bytes) / 1e3);
  else std::snprintf(buffer, sizeof buffer, "%zu bytes", bytes);
  return buffer;
}

/// `text` unchanged when it fits in `limit` bytes; otherwise its first `limit` bytes (cut
/// back to a UTF-8 character boundary) followed by a line that says so:
/// "[body truncated by fanout: 1.2 MB, showing the first 64 KiB]".
inline std::string cap_for_prompt(std::string text, std::size_t limit = k_prompt_body_limit) {
  if (text.size() <= limit) return text;
  const std::size_t original = text.size();
  std::size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  text.resize(cut);
  const std::string shown = limit % 1024 == 0 ? std::to_string(limit / 1024) + " KiB" : human_size(limit);
  text += "\n\n[body truncated by fanout: " + human_size(original) + ", showing the first " + shown + "]";
  return text;
}

} // namespace fanout::sdk
