#include "host/demo/agent_choice.hpp"

#include "host/util/error.hpp"

#include <sstream>

namespace fanout::demo {

namespace fs = std::filesystem;

namespace {

/// The first `name` on $PATH, or "".
fs::path find_on_path(const std::string& name, const ChoiceInputs& inputs) {
  const char* path = inputs.getenv("PATH");
  if (!path) return {};
  std::stringstream dirs(path);
  for (std::string dir; std::getline(dirs, dir, ':');)
    if (!dir.empty() && inputs.exists(fs::path(dir) / name)) return fs::path(dir) / name;
  return {};
}

/// Where claude keeps its credentials, or "" when HOME and CLAUDE_CONFIG_DIR are unset.
fs::path credentials_file(const ChoiceInputs& inputs) {
  if (const char* dir = inputs.getenv("CLAUDE_CONFIG_DIR"); dir && *dir) return fs::path(dir) / ".credentials.json";
  if (const char* home = inputs.getenv("HOME"); home && *home) return fs::path(home) / ".claude" / ".credentials.json";
  return {};
}

} // namespace

const char* provider_name(AgentKind kind) noexcept { return kind == AgentKind::claude_code ? "claude-code" : "replay"; }

AgentChoice choose_agent(const std::string& requested, const ChoiceInputs& inputs) {
  if (requested == "replay") return {AgentKind::replay, "replay recordings (asked for with --agent replay)"};
  if (requested == "claude-code") return {AgentKind::claude_code, "Claude Code (asked for with --agent claude-code)"};
  if (requested != "auto")
    throw UserError("unknown agent \"" + requested + "\" (expected \"auto\", \"replay\" or \"claude-code\")",
                    ExitCode::usage);
  const fs::path claude = find_on_path("claude", inputs);
  if (claude.empty())
    return {AgentKind::replay, "replay recordings (claude is not installed; no tokens are spent)"};
  for (const char* name : {"ANTHROPIC_API_KEY", "CLAUDE_CODE_OAUTH_TOKEN"})
    if (const char* value = inputs.getenv(name); value && *value)
      return {AgentKind::claude_code, "Claude Code at " + claude.string() + ", logged in through " + name};
  if (const fs::path file = credentials_file(inputs); !file.empty() && inputs.exists(file))
    return {AgentKind::claude_code, "Claude Code at " + claude.string() + ", logged in (" + file.string() + ")"};
  return {AgentKind::replay, "replay recordings (claude is installed but not logged in; no tokens are spent)"};
}

} // namespace fanout::demo
