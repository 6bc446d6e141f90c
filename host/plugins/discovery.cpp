#include "host/plugins/discovery.hpp"

#include <algorithm>
#include <system_error>

namespace fanout::plugins {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view k_prefix = "fanout-";
constexpr std::string_view k_suffix = ".so";

/// A comparable form of `dir`: absolute and normalised, symlinks resolved where it exists.
fs::path normal_form(const fs::path& dir) {
  std::error_code ec;
  fs::path out = fs::weakly_canonical(dir, ec);
  if (ec) out = fs::absolute(dir, ec).lexically_normal();
  return out;
}

bool is_within(const fs::path& path, const fs::path& dir) {
  const fs::path rel = path.lexically_relative(dir);
  return !rel.empty() && *rel.begin() != "..";
}

} // namespace

std::optional<fs::path> user_plugin_dir(const std::function<const char*(const char*)>& getenv) {
  const char* xdg = getenv("XDG_DATA_HOME");
  if (xdg && *xdg && fs::path(xdg).is_absolute()) return fs::path(xdg) / "fanout" / "plugins";
  const char* home = getenv("HOME");
  if (home && *home) return fs::path(home) / ".local" / "share" / "fanout" / "plugins";
  return std::nullopt;
}

fs::path current_executable() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : exe;
}

std::vector<SearchDir> search_dirs(const SearchInputs& inputs) {
  std::vector<SearchDir> dirs;
  auto add = [&](const fs::path& path, const char* origin) {
    const fs::path normal = normal_form(path);
    for (const auto& d : dirs)
      if (d.path == normal) return;
    dirs.push_back({normal, origin});
  };
  for (const auto& dir : inputs.config_dirs) add(dir, "config");
  if (inputs.repo_root) add(*inputs.repo_root / ".fanout" / "plugins", "repo");
  if (auto user = user_plugin_dir(inputs.getenv)) add(*user, "user");
  if (!inputs.executable.empty()) {
    const fs::path exe = normal_form(inputs.executable);
    // Run from a build tree (fanout itself, or a test): the build's plugin dir. Otherwise the
    // install's, relative to the executable. The build root is three levels above
    // <build>/lib/fanout/plugins.
    const fs::path build_plugins = normal_form(FANOUT_BUILD_PLUGIN_DIR);
    const fs::path build_root = build_plugins.parent_path().parent_path().parent_path();
    const fs::path install_rel = FANOUT_INSTALL_PLUGIN_DIR; // e.g. lib/fanout/plugins
    if (is_within(exe, build_root))
      add(build_plugins, "build");
    else
      add(install_rel.is_absolute() ? install_rel : exe.parent_path().parent_path() / install_rel, "install");
  }
  return dirs;
}

bool is_plugin_file_name(const std::string& name) {
  return name.size() > k_prefix.size() + k_suffix.size() && name.compare(0, k_prefix.size(), k_prefix) == 0 &&
         name.compare(name.size() - k_suffix.size(), k_suffix.size(), k_suffix) == 0;
}

std::vector<fs::path> plugin_files(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code type_ec;
    if (it->is_regular_file(type_ec) && is_plugin_file_name(it->path().filename().string()))
      files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string name_from_file(const fs::path& path) {
  std::string name = path.filename().string();
  if (is_plugin_file_name(name)) return name.substr(k_prefix.size(), name.size() - k_prefix.size() - k_suffix.size());
  return path.stem().string();
}

} // namespace fanout::plugins
