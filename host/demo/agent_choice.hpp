#pragma once
// Which agent `fanout demo` uses: Claude Code when it is installed and looks logged in,
// else the replay provider with the bundled recordings. The check is cheap and offline: it
// never runs `claude` (which needs the network and may spend tokens or hang), it only looks
// for the binary on PATH and for credentials claude would use:
//   ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN set, or
//   $CLAUDE_CONFIG_DIR/.credentials.json (default ~/.claude/.credentials.json).

#include <filesystem>
#include <functional>
#include <string>

namespace fanout::demo {

enum class AgentKind { replay, claude_code };

struct AgentChoice {
  AgentKind kind = AgentKind::replay;
  std::string reason; ///< for the user: "claude found at /usr/bin/claude, logged in (ANTHROPIC_API_KEY)"
};

/// What the check may look at (replaceable in tests).
struct ChoiceInputs {
  std::function<const char*(const char*)> getenv = [](const char* name) { return std::getenv(name); };
  /// Whether `path` is an existing regular file.
  std::function<bool(const std::filesystem::path&)> exists = [](const std::filesystem::path& path) {
    std::error_code ec;
    return std::filesystem::is_regular_file(path, ec);
  };
};

/// `requested`: "auto" (the check above), "replay" or "claude-code" (forced; the reason
/// says so). Throws UserError for another value.
AgentChoice choose_agent(const std::string& requested, const ChoiceInputs& inputs = {});

/// "replay" or "claude-code": the provider plugin name.
const char* provider_name(AgentKind kind) noexcept;

} // namespace fanout::demo
