#pragma once
// The `claude` command line for one session, and the custom-slash-command fallback.

#include <fanout/sdk/agent_provider.hpp>
#include <fanout/sdk/process.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace claude_code {

/// Longest prompt passed as an argument (Linux caps one argument at 128 KiB).
inline constexpr size_t k_max_argv_prompt = 100 * 1024;

/// The ProcessSpec for `request` under this plugin's `config` (keys in plugin.cpp):
///   claude -p [<slash command>] --output-format stream-json --verbose [--bare] [--model M]
///          --permission-mode <mode> [--allowedTools=a,b] [--disallowedTools=c,d]
///          [--max-budget-usd X] [--append-system-prompt S] [--resume ID]
///          [--json-schema JSON] <config args...>
/// The prompt goes to stdin, except a slash command of at most k_max_argv_prompt bytes,
/// which claude expands only from argv. Turn limits are enforced by the plugin (claude's
/// --max-turns is not a listed option). Permission: read_only -> dontAsk with the read
/// tools allowed and the edit tools disallowed; edit -> acceptEdits with Bash and the edit
/// tools allowed; full -> bypassPermissions. The environment is request.env plus config
/// `env`, without CLAUDECODE.
fanout::sdk::ProcessSpec build_spec(const fanout::sdk::SessionRequest& request, const nlohmann::json& config,
                                    const std::string& prompt);

/// The permission mode passed for each profile ("dontAsk", "acceptEdits", "bypassPermissions").
const char* permission_mode(fanout::sdk::Permission permission);

/// True when `prompt` goes into argv rather than stdin (a small slash command).
bool prompt_in_argv(const std::string& prompt);

/// `schema` for --json-schema: compact, without a top-level "$schema" key (claude 2.1.332
/// rejects the 2020-12 meta-schema URL). Text that is not JSON is passed through.
std::string schema_for_claude(const std::string& schema);

/// Why claude would refuse `request` before doing anything, or nullopt: bypassPermissions
/// (permission full) as root (`uid` 0) unless IS_SANDBOX=1 is in the session's `env`.
std::optional<std::string> refusal(const fanout::sdk::SessionRequest& request,
                                   const std::map<std::string, std::string>& env, unsigned uid);

/// "review-pr" for a prompt "/review-pr 12 --fast"; nullopt when it is not a slash command.
std::optional<std::string> slash_command_name(const std::string& prompt);

/// The prompt with the custom command expanded by hand: the body of
/// <workdir>/.claude/commands/<name>.md without its front matter, with claude 2.1.332's
/// substitutions: $ARGUMENTS (all arguments), $ARGUMENTS[N] and $N (word N, from 0; kept as
/// written when there is no such word).
/// nullopt when that file does not exist.
std::optional<std::string> inline_slash_command(const std::string& prompt, const std::filesystem::path& workdir);

} // namespace claude_code
