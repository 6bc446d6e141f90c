#pragma once
// The environment an agent runs with: the workspace's variables plus an allowlist of the
// host's. Tracker and forge tokens (GITHUB_TOKEN, LINEAR_API_KEY...) are never inherited
// by accident: only names on the allowlist cross over.

#include "host/services/secrets.hpp"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace fanout::agent {

/// Host variables every agent gets when set: what a CLI needs to run at all (PATH, HOME,
/// locale, temp dir) and the agents' own credentials and settings (ANTHROPIC_*, CLAUDE_*,
/// OPENAI_API_KEY, CODEX_*). Documented in docs/agents.md.
const std::vector<std::string>& always_passed_env();

/// always_passed_env() and `pass_env` (`[agent] pass_env`) read through `getenv`, then
/// `workspace_env` on top (it wins: PORT, DATABASE_URL, FANOUT_* of the workspace).
std::map<std::string, std::string> agent_environment(
    const std::map<std::string, std::string>& workspace_env, const std::vector<std::string>& pass_env,
    const std::function<const char*(const char*)>& getenv = [](const char* name) { return std::getenv(name); });

/// The host variables every child that is not an agent gets when set (setup and install
/// commands, reviewers' commands): what a program needs to run at all (PATH, HOME, locale,
/// temp dir), without the agents' credentials.
const std::vector<std::string>& system_passed_env();

/// The environment of a child that is not an agent: system_passed_env() and `pass_env`
/// read through `getenv`, then `explicit_env` on top. Nothing else of the host's crosses.
std::map<std::string, std::string> command_environment(
    const std::map<std::string, std::string>& explicit_env, const std::vector<std::string>& pass_env,
    const std::function<const char*(const char*)>& getenv = [](const char* name) { return std::getenv(name); });

/// Registers with `secrets` the value of every variable whose name says it is a credential
/// (contains KEY, TOKEN, SECRET or PASSWORD), so transcripts and logs never show them.
void register_credentials(const std::map<std::string, std::string>& env, services::SecretRegistry& secrets);

} // namespace fanout::agent
