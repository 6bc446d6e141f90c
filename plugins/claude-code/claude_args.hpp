#pragma once
// The `claude` command line for one session, and the custom-slash-command fallback.

#include <fanout/sdk/agent_provider.hpp>
#include <fanout/sdk/process.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace claude_code {

/// The ProcessSpec for `request` under this plugin's `config` (keys in plugin.cpp):
///   claude -p <prompt> --output-format stream-json --verbose [--model M]
///          --permission-mode <mode> [--allowedTools=a,b] [--disallowedTools=c,d]
///          [--max-turns N] [--max-budget-usd X] [--append-system-prompt S]
///          [--resume ID] [--json-schema JSON] <config args...>
/// Permission: read_only -> default mode, edit tools disallowed, read tools allowed;
/// edit -> acceptEdits with Bash and the edit tools allowed; full -> bypassPermissions.
/// A prompt starting with "-" goes last, after "--". The environment is request.env plus
/// config `env`, without CLAUDECODE; stdin is /dev/null.
fanout::sdk::ProcessSpec build_spec(const fanout::sdk::SessionRequest& request, const nlohmann::json& config,
                                    const std::string& prompt);

/// The permission mode passed for each profile ("default", "acceptEdits", "bypassPermissions").
const char* permission_mode(fanout::sdk::Permission permission);

/// "review-pr" for a prompt "/review-pr 12 --fast"; nullopt when it is not a slash command.
std::optional<std::string> slash_command_name(const std::string& prompt);

/// The prompt with the custom command expanded by hand: the body of
/// <workdir>/.claude/commands/<name>.md without its front matter, with $ARGUMENTS and $1..$9
/// replaced by the prompt's arguments. nullopt when that file does not exist.
std::optional<std::string> inline_slash_command(const std::string& prompt, const std::filesystem::path& workdir);

} // namespace claude_code
