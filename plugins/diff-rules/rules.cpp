#include "rules.hpp"

#include <cmath>
#include <map>
#include <regex>
#include <set>

namespace diff_rules {

using fanout::sdk::Finding;
using fanout::sdk::Severity;

namespace {

bool starts_with(const std::string& text, const char* prefix) { return text.rfind(prefix, 0) == 0; }

/// "<<<<<<< HEAD" or a marker alone on its line.
bool is_marker(const std::string& text, const char* marker) {
  return starts_with(text, marker) && (text.size() == 7 || text[7] == ' ');
}

struct SecretPattern {
  const char* what;
  std::regex regex;
  int group; ///< the sub-match that is the secret
  bool check_entropy;
};

const std::vector<SecretPattern>& secret_patterns() {
  static const std::vector<SecretPattern> patterns = [] {
    const auto flags = std::regex::ECMAScript | std::regex::optimize;
    std::vector<SecretPattern> p;
    p.push_back({"private key", std::regex(R"(-----BEGIN ((RSA|EC|DSA|OPENSSH|ENCRYPTED|PGP) )?PRIVATE KEY( BLOCK)?-----)", flags), 0, false});
    p.push_back({"AWS access key id", std::regex(R"(\b((AKIA|ASIA)[0-9A-Z]{16})\b)", flags), 1, false});
    p.push_back({"GitHub token", std::regex(R"(\b((ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,}))", flags), 1, false});
    p.push_back({"GitHub token", std::regex(R"(\b(github_pat_[A-Za-z0-9_]{22,}))", flags), 1, false});
    p.push_back({"Slack token", std::regex(R"(\b(xox[abposr]-[A-Za-z0-9-]{10,}))", flags), 1, false});
    p.push_back({"secret", std::regex(R"((api[_-]?key|secret|token|password|passwd|access[_-]?key)["']?\s*[:=]\s*["']([^"'\s]{16,})["'])",
                                      flags | std::regex::icase), 2, true});
    return p;
  }();
  return patterns;
}

void find_secrets(const AddedLine& line, std::vector<Finding>& out) {
  std::set<std::string> seen; // one finding per secret, even when two patterns match it
  for (const auto& pattern : secret_patterns()) {
    for (std::sregex_iterator it(line.text.begin(), line.text.end(), pattern.regex), end; it != end; ++it) {
      const std::string secret = (*it)[pattern.group].str();
      if (seen.count(secret)) continue;
      // Placeholders ("${TOKEN}", "<your-key>", "xxxxxxxx...") are not secrets.
      if (pattern.check_entropy && (entropy(secret) < 3.5 || secret.find_first_of("${}<>") != std::string::npos))
        continue;
      seen.insert(secret);
      const bool is_key_header = pattern.group == 0;
      std::string detail = line.text;
      if (!is_key_header)
        for (size_t at = detail.find(secret); at != std::string::npos; at = detail.find(secret, at + 1))
          detail.replace(at, secret.size(), mask(secret));
      std::string message = is_key_header ? "a private key is added; remove it and revoke the key"
                                          : std::string("a likely ") + pattern.what + " \"" + mask(secret) +
                                                "\" is added; remove it and rotate it";
      out.push_back({Severity::critical, line.file, line.line, std::move(message), std::move(detail)});
    }
  }
}

void find_todo(const AddedLine& line, std::vector<Finding>& out) {
  static const std::regex todo(R"(\b(TODO|FIXME)\b)", std::regex::ECMAScript | std::regex::optimize);
  std::smatch match;
  if (!std::regex_search(line.text, match, todo)) return;
  out.push_back({Severity::suggestion, line.file, line.line,
                 match[1].str() + " added; do it now or link an issue", line.text});
}

} // namespace

std::string mask(const std::string& secret) { return secret.substr(0, 4) + "***"; }

double entropy(const std::string& text) {
  if (text.empty()) return 0;
  std::map<char, int> counts;
  for (char c : text) ++counts[c];
  double bits = 0;
  for (const auto& [c, n] : counts) {
    const double p = double(n) / double(text.size());
    bits -= p * std::log2(p);
  }
  return bits;
}

std::vector<Finding> check(const std::vector<AddedLine>& lines, const RuleSet& rules) {
  std::vector<Finding> out;
  std::set<std::string> files_with_markers;
  if (rules.conflict_markers)
    for (const auto& line : lines)
      if (is_marker(line.text, "<<<<<<<") || is_marker(line.text, ">>>>>>>")) files_with_markers.insert(line.file);

  for (const auto& line : lines) {
    if (rules.conflict_markers) {
      const bool strong = is_marker(line.text, "<<<<<<<") || is_marker(line.text, ">>>>>>>") ||
                          is_marker(line.text, "|||||||");
      const bool separator = line.text == "=======" && files_with_markers.count(line.file);
      if (strong || separator)
        out.push_back({Severity::critical, line.file, line.line,
                       "merge conflict marker \"" + line.text.substr(0, 7) + "\" is added; resolve the conflict",
                       line.text});
    }
    if (rules.secrets) find_secrets(line, out);
    if (rules.todos) find_todo(line, out);
  }
  return out;
}

} // namespace diff_rules
