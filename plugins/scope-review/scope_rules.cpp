#include "scope_rules.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <sstream>

namespace fanout::reviewers::scope {

namespace {

const std::set<std::string> k_extensions = {
    "py",   "js",  "ts",  "tsx", "jsx",  "mjs", "cjs", "json", "toml", "yaml", "yml", "md",   "txt",
    "html", "css", "scss", "sql", "sh",  "rb",  "go",  "rs",   "java", "kt",   "c",   "cc",   "cpp",
    "h",    "hpp", "cs",  "php", "swift", "lock", "cfg", "ini", "env", "xml",  "vue", "svelte", "proto"};
const std::set<std::string> k_plain_files = {"Makefile", "Dockerfile", "CMakeLists.txt", "Procfile", "Gemfile"};
const std::set<std::string> k_lockfiles = {"package-lock.json", "yarn.lock",  "pnpm-lock.yaml", "Cargo.lock",
                                           "poetry.lock",       "Gemfile.lock", "go.sum",       "composer.lock",
                                           "uv.lock",           "Pipfile.lock", "bun.lockb"};

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

std::string base_name(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string dir_name(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash + 1);
}

std::string stem(const std::string& path) {
  std::string name = base_name(path);
  auto dot = name.find('.');
  return dot == std::string::npos ? name : name.substr(0, dot);
}

bool looks_like_path(const std::string& token) {
  if (token.empty() || token.find("://") != std::string::npos || token.rfind("www.", 0) == 0) return false;
  for (char c : token)
    if (std::isspace(static_cast<unsigned char>(c)) || c == '`' || c == '(' || c == ')' || c == '=') return false;
  if (token.size() > 1 && token.back() == '/' && token.front() != '/')
    return std::any_of(token.begin(), token.end(), [](unsigned char c) { return std::isalpha(c); });
  const std::string name = base_name(token);
  if (k_plain_files.count(name)) return true;
  auto dot = name.rfind('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == name.size()) return false;
  return k_extensions.count(lower(name.substr(dot + 1))) > 0;
}

std::string normalize_path(std::string path) {
  while (path.rfind("./", 0) == 0) path.erase(0, 2);
  while (!path.empty() && path.front() == '/') path.erase(0, 1);
  return path;
}

bool is_identifier(const std::string& token) {
  if (token.size() < 3) return false;
  return std::all_of(token.begin(), token.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '_' || c == '-' || c == '.' || c == '/' || c == ':' || c == '$';
  });
}

template <typename T> void add_unique(std::vector<T>& list, const T& value) {
  if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(value);
}

/// Whether changed file `file` is what `mentioned` (a path or directory) names.
bool path_matches(const std::string& mentioned, const std::string& file) {
  if (mentioned.back() == '/') return file.rfind(mentioned, 0) == 0 || file.find("/" + mentioned) != std::string::npos;
  return file == mentioned || (file.size() > mentioned.size() && file.compare(file.size() - mentioned.size() - 1,
                                                                              mentioned.size() + 1, "/" + mentioned) == 0);
}

std::string counts(const FileChange& change) {
  return "+" + std::to_string(change.lines_added) + " -" + std::to_string(change.lines_removed) + " lines";
}

sdk::Finding finding(sdk::Severity severity, const std::string& file, std::string message, std::string detail = {}) {
  sdk::Finding f;
  f.severity = severity;
  f.file = file;
  f.message = std::move(message);
  f.detail = std::move(detail);
  return f;
}

} // namespace

bool is_test_file(const std::string& path) {
  const std::string p = "/" + lower(path);
  for (const char* dir : {"/tests/", "/test/", "/spec/", "/__tests__/"})
    if (p.find(dir) != std::string::npos) return true;
  const std::string name = lower(base_name(path));
  const std::string s = stem(name);
  return name.rfind("test_", 0) == 0 || (s.size() > 5 && s.compare(s.size() - 5, 5, "_test") == 0) ||
         name.find(".test.") != std::string::npos || name.find(".spec.") != std::string::npos;
}

bool is_lockfile(const std::string& path) { return k_lockfiles.count(base_name(path)) > 0; }

Mentions extract_mentions(const std::string& text) {
  Mentions mentions;
  std::string prose; // the text outside fences and backticks, for bare paths
  size_t pos = 0;
  while (pos < text.size()) {
    if (text.compare(pos, 3, "```") == 0) { // skip fenced blocks entirely
      size_t end = text.find("```", pos + 3);
      pos = end == std::string::npos ? text.size() : end + 3;
      continue;
    }
    if (text[pos] == '`') {
      size_t end = text.find('`', pos + 1);
      if (end == std::string::npos) break;
      std::string span = text.substr(pos + 1, end - pos - 1);
      if (span.size() > 2 && span.compare(span.size() - 2, 2, "()") == 0) span.resize(span.size() - 2);
      if (looks_like_path(span)) add_unique(mentions.paths, normalize_path(span));
      else if (is_identifier(span)) add_unique(mentions.identifiers, span);
      pos = end + 1;
      prose += ' ';
      continue;
    }
    prose += text[pos++];
  }
  std::istringstream words(prose);
  for (std::string word; words >> word;) {
    const std::string trim = "\"'()[]<>,;:!?*";
    while (!word.empty() && (trim.find(word.back()) != std::string::npos || word.back() == '.')) word.pop_back();
    while (!word.empty() && trim.find(word.front()) != std::string::npos) word.erase(0, 1);
    if (word.find('/') != std::string::npos || word.find('.') != std::string::npos)
      if (looks_like_path(word)) add_unique(mentions.paths, normalize_path(word));
  }
  const std::string l = lower(text);
  for (const char* word : {"dependenc", "upgrade", "bump", "install", "package", "lockfile", "requirements",
                           "cargo.toml", "pyproject", "go.mod", "version of"})
    if (l.find(word) != std::string::npos) mentions.dependencies = true;
  return mentions;
}

std::vector<FileChange> parse_diff(const std::string& diff) {
  std::vector<FileChange> changes;
  std::istringstream in(diff);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  bool in_hunk = false;
  auto strip_prefix = [](std::string path) {
    if (path.size() > 1 && path.front() == '"' && path.back() == '"') path = path.substr(1, path.size() - 2);
    if (path.rfind("a/", 0) == 0 || path.rfind("b/", 0) == 0) path.erase(0, 2);
    auto tab = path.find('\t');
    if (tab != std::string::npos) path.resize(tab);
    return path;
  };
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.rfind("diff --git ", 0) == 0) {
      FileChange change;
      auto b = line.rfind(" b/");
      change.path = b == std::string::npos ? "" : line.substr(b + 3);
      changes.push_back(change);
      in_hunk = false;
    } else if (!in_hunk && line.rfind("new file mode", 0) == 0 && !changes.empty()) {
      changes.back().added = true;
    } else if (!in_hunk && line.rfind("deleted file mode", 0) == 0 && !changes.empty()) {
      changes.back().deleted = true;
    } else if (line.rfind("--- ", 0) == 0 && i + 1 < lines.size() && lines[i + 1].rfind("+++ ", 0) == 0 &&
               (!in_hunk || (i + 2 < lines.size() && lines[i + 2].rfind("@@", 0) == 0))) {
      // A file header: after "diff --git" it names that file; inside a plain unified diff
      // (no git headers) it starts the next file.
      std::string old_path = line.substr(4), new_path = lines[i + 1].substr(4);
      bool from_git = !changes.empty() && !in_hunk;
      if (!from_git) changes.push_back(FileChange{});
      auto& change = changes.back();
      if (new_path == "/dev/null") {
        change.deleted = true;
        change.path = strip_prefix(old_path);
      } else {
        change.path = strip_prefix(new_path);
        if (old_path == "/dev/null") change.added = true;
      }
      in_hunk = false;
      ++i;
    } else if (line.rfind("@@", 0) == 0) {
      in_hunk = true;
    } else if (in_hunk && !changes.empty() && !line.empty() && (line[0] == '+' || line[0] == '-')) {
      auto& change = changes.back();
      (line[0] == '+' ? change.lines_added : change.lines_removed)++;
      change.changed_text.append(line, 1).push_back('\n');
    }
  }
  changes.erase(std::remove_if(changes.begin(), changes.end(), [](const FileChange& c) { return c.path.empty(); }),
                changes.end());
  return changes;
}

std::vector<sdk::Finding> compare(const Mentions& mentions, const std::string& issue_text,
                                  const std::vector<FileChange>& changes, const Rules& rules) {
  std::vector<sdk::Finding> findings;
  for (const auto& path : mentions.paths) {
    bool touched = std::any_of(changes.begin(), changes.end(), [&](const FileChange& c) { return path_matches(path, c.path); });
    if (!touched)
      findings.push_back(finding(rules.missing_path, path.back() == '/' ? "" : path,
                                 "issue mentions \"" + path + "\" but the diff does not touch it"));
  }
  for (const auto& id : mentions.identifiers) {
    bool touched = std::any_of(changes.begin(), changes.end(), [&](const FileChange& c) {
      return c.changed_text.find(id) != std::string::npos || c.path.find(id) != std::string::npos;
    });
    if (!touched)
      findings.push_back(finding(rules.missing_identifier, "", "issue mentions \"" + id + "\" but the diff does not touch it"));
  }
  for (const auto& c : changes)
    if (c.deleted && is_test_file(c.path))
      findings.push_back(finding(sdk::Severity::important, c.path, "the diff deletes test file \"" + c.path + "\"",
                                 counts(c)));
  for (const auto& c : changes)
    if (is_lockfile(c.path) && !mentions.dependencies)
      findings.push_back(finding(sdk::Severity::important, c.path,
                                 "lockfile \"" + c.path + "\" changes but the issue does not ask for dependency changes",
                                 counts(c)));
  if (mentions.paths.empty() && mentions.identifiers.empty()) return findings;

  const std::string issue_lower = lower(issue_text);
  std::vector<std::string> mentioned_dirs;
  for (const auto& path : mentions.paths)
    if (auto dir = path.back() == '/' ? path : dir_name(path); !dir.empty()) mentioned_dirs.push_back(dir);
  for (const auto& c : changes) {
    if (is_lockfile(c.path) || is_test_file(c.path)) continue; // judged above; new tests are always in scope
    bool related =
        std::any_of(mentions.paths.begin(), mentions.paths.end(), [&](const auto& p) { return path_matches(p, c.path); }) ||
        std::any_of(mentioned_dirs.begin(), mentioned_dirs.end(), [&](const auto& d) { return path_matches(d, c.path); }) ||
        (stem(c.path).size() >= 3 && issue_lower.find(lower(stem(c.path))) != std::string::npos) ||
        std::any_of(mentions.identifiers.begin(), mentions.identifiers.end(),
                    [&](const auto& id) { return c.changed_text.find(id) != std::string::npos; });
    if (related) continue;
    const int size = c.lines_added + c.lines_removed;
    if (size > rules.large_lines)
      findings.push_back(finding(rules.large_unrelated, c.path,
                                 "large unrelated change: \"" + c.path + "\" (" + counts(c) +
                                     ") is not mentioned by the issue"));
    else
      findings.push_back(finding(rules.unrelated, c.path,
                                 "the diff changes \"" + c.path + "\", which the issue does not mention",
                                 counts(c) + "; the issue names neither this file nor its directory, and none of "
                                             "its changed lines use an identifier the issue names"));
  }
  return findings;
}

} // namespace fanout::reviewers::scope
