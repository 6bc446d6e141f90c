#include "host/config/path_rule.hpp"

#include <cstdlib>

namespace fanout::config {
namespace fs = std::filesystem;
namespace {

fs::path canonical_or_normal(const fs::path& path) {
  std::error_code ec;
  fs::path out = fs::weakly_canonical(path, ec);
  return (ec ? path : out).lexically_normal();
}

std::string quoted(const fs::path& path) { return "\"" + path.string() + "\""; }

} // namespace

fs::path expand_home(const std::string& text) {
  if (text == "~" || text.rfind("~/", 0) == 0) {
    const char* home = std::getenv("HOME");
    if (home && *home) return fs::path(home) / text.substr(text.size() > 1 ? 2 : 1);
  }
  return text;
}

fs::path resolve_path(const std::string& value, const fs::path& repo_root) {
  fs::path path = expand_home(value);
  if (path.is_relative()) path = repo_root / path;
  return canonical_or_normal(path.lexically_normal());
}

std::vector<fs::path> allowed_roots(const fs::path& repo_root) {
  std::vector<fs::path> roots{canonical_or_normal(repo_root)};
  const char* xdg = std::getenv("XDG_DATA_HOME");
  const char* home = std::getenv("HOME");
  if (xdg && *xdg && fs::path(xdg).is_absolute()) roots.push_back(canonical_or_normal(fs::path(xdg) / "fanout"));
  else if (home && *home) roots.push_back(canonical_or_normal(fs::path(home) / ".local" / "share" / "fanout"));
  return roots;
}

bool is_within(const fs::path& path, const fs::path& dir) {
  const fs::path rel = path.lexically_relative(dir);
  return !rel.empty() && *rel.begin() != "..";
}

std::optional<std::string> path_escape(const std::string& value, const fs::path& repo_root) {
  const fs::path target = resolve_path(value, repo_root);
  for (const auto& root : allowed_roots(repo_root))
    if (is_within(target, root)) return std::nullopt;
  // Say "through a symlink" when the text alone stays inside: the repo's own files moved it.
  fs::path lexical = expand_home(value);
  if (lexical.is_relative()) lexical = repo_root / lexical;
  const bool by_symlink = is_within(lexical.lexically_normal(), canonical_or_normal(repo_root));
  return "\"" + value + "\" resolves to " + quoted(target) + (by_symlink ? " through a symlink in the repo" : "") +
         ", outside the repository";
}

} // namespace fanout::config
