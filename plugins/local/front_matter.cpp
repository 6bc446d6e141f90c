#include "front_matter.hpp"

#include <optional>
#include <sstream>

namespace fanout::local {
namespace {

using sdk::FailureKind;

std::string trim(const std::string& text) {
  const auto begin = text.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return "";
  const auto end = text.find_last_not_of(" \t\r");
  return text.substr(begin, end - begin + 1);
}

std::string unquote(const std::string& text) {
  if (text.size() >= 2 && (text.front() == '"' || text.front() == '\'') && text.back() == text.front())
    return text.substr(1, text.size() - 2);
  return text;
}

/// "[a, b]", "a, b", "[]" or "" -> labels; nullopt when brackets do not match.
std::optional<std::vector<std::string>> parse_labels(const std::string& value) {
  std::string inner = value;
  const bool opens = !inner.empty() && inner.front() == '[';
  const bool closes = !inner.empty() && inner.back() == ']';
  if (opens != closes) return std::nullopt;
  if (opens) inner = inner.substr(1, inner.size() - 2);
  std::vector<std::string> labels;
  std::string current;
  char quote = 0;
  for (char c : inner + ",") {
    if (quote) {
      if (c == quote) quote = 0;
      else current += c;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == ',') {
      if (auto label = trim(current); !label.empty()) labels.push_back(label);
      current.clear();
    } else {
      current += c;
    }
  }
  if (quote) return std::nullopt;
  return labels;
}

sdk::Failure error_at(const std::string& shown, size_t line, const std::string& message) {
  return sdk::fail(FailureKind::invalid_input, shown + ":" + std::to_string(line) + ": front matter: " + message);
}

} // namespace

sdk::Result<IssueFile> parse_issue(const std::string& text, const std::string& shown) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  if (lines.empty() || trim(lines[0]) != "---")
    return error_at(shown, 1, "expected \"---\" on the first line, got \"" + (lines.empty() ? "" : lines[0]) + "\"");

  IssueFile issue;
  bool has_title = false;
  size_t i = 1;
  for (; i < lines.size() && trim(lines[i]) != "---"; ++i) {
    const std::string& line = lines[i];
    issue.header.push_back(line);
    const std::string content = trim(line);
    if (content.empty() || content[0] == '#') continue;
    const auto colon = line.find(':');
    if (colon == std::string::npos || trim(line.substr(0, colon)).empty())
      return error_at(shown, i + 1, "expected \"key: value\", got \"" + line + "\"");
    const std::string key = trim(line.substr(0, colon));
    const std::string value = trim(line.substr(colon + 1));
    if (key == "title") {
      issue.title = unquote(value);
      has_title = !issue.title.empty();
    } else if (key == "state") {
      issue.state = unquote(value);
    } else if (key == "labels") {
      auto labels = parse_labels(value);
      if (!labels) return error_at(shown, i + 1, "labels: expected a list like [a, b], got \"" + value + "\"");
      issue.labels = std::move(*labels);
    }
  }
  if (i >= lines.size()) return error_at(shown, lines.size(), "no closing \"---\"");
  if (!has_title) return error_at(shown, 1, "missing \"title\"");

  size_t body_start = i + 1;
  while (body_start < lines.size() && trim(lines[body_start]).empty()) ++body_start;
  for (size_t j = body_start; j < lines.size(); ++j) issue.body += lines[j] + "\n";
  return issue;
}

std::string FrontMatterFile::field(const std::string& key) const {
  for (const auto& [name, value] : fields)
    if (name == key) return value;
  return "";
}

sdk::Result<FrontMatterFile> parse_front_matter(const std::string& text, const std::string& shown) {
  FrontMatterFile file;
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  size_t body_start = 0;
  if (!lines.empty() && trim(lines[0]) == "---") {
    size_t i = 1;
    for (; i < lines.size() && trim(lines[i]) != "---"; ++i) {
      const std::string content = trim(lines[i]);
      if (content.empty() || content[0] == '#') continue;
      const auto colon = lines[i].find(':');
      if (colon == std::string::npos || trim(lines[i].substr(0, colon)).empty())
        return error_at(shown, i + 1, "expected \"key: value\", got \"" + lines[i] + "\"");
      file.fields.emplace_back(trim(lines[i].substr(0, colon)), unquote(trim(lines[i].substr(colon + 1))));
    }
    if (i >= lines.size()) return error_at(shown, lines.size(), "no closing \"---\"");
    body_start = i + 1;
  }
  while (body_start < lines.size() && trim(lines[body_start]).empty()) ++body_start;
  for (size_t j = body_start; j < lines.size(); ++j) file.body += lines[j] + "\n";
  return file;
}

void set_header(IssueFile& issue, const std::string& key, const std::string& value) {
  const std::string line = key + ": " + value;
  for (auto& existing : issue.header) {
    const auto colon = existing.find(':');
    if (colon != std::string::npos && trim(existing.substr(0, colon)) == key) {
      existing = line;
      return;
    }
  }
  issue.header.push_back(line);
}

std::string format_labels(const std::vector<std::string>& labels) {
  std::string out = "[";
  for (size_t i = 0; i < labels.size(); ++i) {
    const bool quote = labels[i].find_first_of(",[]\"'") != std::string::npos;
    out += (i ? ", " : "") + (quote ? "\"" + labels[i] + "\"" : labels[i]);
  }
  return out + "]";
}

std::string render_issue(const IssueFile& issue) {
  std::string out = "---\n";
  for (const auto& line : issue.header) out += line + "\n";
  out += "---\n";
  if (!issue.body.empty()) out += "\n" + issue.body;
  return out;
}

} // namespace fanout::local
