#include "unified_diff.hpp"

#include <charconv>

namespace diff_rules {
namespace {

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

/// Parses "N" or "N,M" at the start of `text`; M defaults to 1.
bool parse_range(std::string_view text, int& start, int& count) {
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, start);
  if (ec != std::errc()) return false;
  count = 1;
  if (p != end && *p == ',') {
    auto [q, ec2] = std::from_chars(p + 1, end, count);
    if (ec2 != std::errc()) return false;
    (void)q;
  }
  return true;
}

/// "+++ b/src/a.cpp" -> "src/a.cpp"; "+++ \"b/with space\"" -> "with space"; "" for /dev/null.
std::string new_path(std::string_view header) {
  std::string_view path = header.substr(4);
  if (const auto tab = path.find('\t'); tab != std::string_view::npos) path = path.substr(0, tab);
  std::string out(path);
  if (out.size() >= 2 && out.front() == '"' && out.back() == '"') out = out.substr(1, out.size() - 2);
  if (out == "/dev/null") return "";
  if (starts_with(out, "b/")) out = out.substr(2);
  return out;
}

} // namespace

std::vector<AddedLine> added_lines(std::string_view diff) {
  std::vector<AddedLine> out;
  std::string file;
  int new_line = 0, old_left = 0, new_left = 0;
  size_t pos = 0;
  while (pos < diff.size()) {
    size_t end = diff.find('\n', pos);
    if (end == std::string_view::npos) end = diff.size();
    std::string_view line = diff.substr(pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

    if (old_left > 0 || new_left > 0) { // inside a hunk
      const char tag = line.empty() ? ' ' : line.front();
      if (tag == '+') {
        if (!file.empty()) out.push_back({file, new_line, std::string(line.substr(1))});
        ++new_line;
        --new_left;
        continue;
      }
      if (tag == '-') {
        --old_left;
        continue;
      }
      if (tag == ' ') {
        ++new_line;
        --old_left;
        --new_left;
        continue;
      }
      if (tag == '\\') continue; // "\ No newline at end of file"
      old_left = new_left = 0;   // malformed: the hunk ended early; read this line as a header
    }
    if (starts_with(line, "+++ ")) {
      file = new_path(line);
    } else if (starts_with(line, "diff --git ")) {
      file.clear();
    } else if (starts_with(line, "@@ -")) {
      // "@@ -a,b +c,d @@ context"
      const auto plus = line.find(" +");
      int old_start = 0, new_start = 0;
      if (plus == std::string_view::npos) continue;
      const auto space = line.find(' ', plus + 2);
      if (!parse_range(line.substr(4, plus - 4), old_start, old_left) ||
          !parse_range(line.substr(plus + 2, space == std::string_view::npos ? std::string_view::npos : space - plus - 2),
                       new_start, new_left)) {
        old_left = new_left = 0;
        continue;
      }
      new_line = new_start;
    }
  }
  return out;
}

} // namespace diff_rules
