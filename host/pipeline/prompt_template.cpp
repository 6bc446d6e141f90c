#include "host/pipeline/prompt_template.hpp"

#include "host/plugins/discovery.hpp"

#include <fstream>
#include <sstream>

namespace fanout::pipeline {

namespace fs = std::filesystem;

namespace {

/// <exe>/../share/fanout/prompts for an installed fanout ("" when the exe is unknown).
fs::path installed_prompt_dir() {
  fs::path exe = plugins::current_executable();
  if (exe.empty()) return {};
  return exe.parent_path().parent_path() / FANOUT_INSTALL_DATA_DIR / "prompts";
}

} // namespace

std::vector<fs::path> prompt_dirs(const fs::path& repo_root) {
  std::vector<fs::path> dirs{repo_root / ".fanout" / "prompts"};
  if (auto installed = installed_prompt_dir(); !installed.empty()) dirs.push_back(installed);
  dirs.push_back(fs::path(FANOUT_SOURCE_CONFIG_DIR) / "prompts");
  return dirs;
}

fs::path shipped_prompt_dir() {
  std::error_code ec;
  if (auto installed = installed_prompt_dir(); !installed.empty() && fs::is_directory(installed, ec))
    return installed;
  return fs::path(FANOUT_SOURCE_CONFIG_DIR) / "prompts";
}

sdk::Result<std::string> load_prompt(const fs::path& repo_root, const std::string& name) {
  const auto dirs = prompt_dirs(repo_root);
  for (const auto& dir : dirs) {
    fs::path file = dir / (name + ".md");
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) continue;
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    if (!in || !(text << in.rdbuf()))
      return sdk::fail(sdk::FailureKind::error, "cannot read prompt \"" + file.string() + "\"");
    return text.str();
  }
  std::string looked;
  for (const auto& dir : dirs) looked += (looked.empty() ? "" : ", ") + dir.string();
  return sdk::fail(sdk::FailureKind::not_found, "prompt \"" + name + "\" not found (looked in " + looked + ")");
}

sdk::Result<std::string> render_prompt(const fs::path& repo_root, const std::string& name,
                                       const sdk::TemplateValues& values) {
  auto text = load_prompt(repo_root, name);
  if (!text.ok()) return std::move(text).failure();
  return sdk::render_template(*text, values);
}

} // namespace fanout::pipeline
