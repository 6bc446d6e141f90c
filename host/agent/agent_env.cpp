#include "host/agent/agent_env.hpp"

#include <cstdlib>

namespace fanout::agent {

const std::vector<std::string>& system_passed_env() {
  static const std::vector<std::string> names = {"PATH",     "HOME",   "USER", "LOGNAME", "SHELL",
                                                 "TERM",     "LANG",   "LC_ALL", "LC_CTYPE", "TZ",
                                                 "TMPDIR",   "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"};
  return names;
}

const std::vector<std::string>& always_passed_env() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out = system_passed_env();
    out.insert(out.end(), {
      // Claude Code
      "ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_BASE_URL", "ANTHROPIC_MODEL", "CLAUDE_CODE_OAUTH_TOKEN",
      "CLAUDE_CONFIG_DIR", "CLAUDE_CODE_USE_BEDROCK", "CLAUDE_CODE_USE_VERTEX", "DISABLE_AUTOUPDATER",
      "DISABLE_TELEMETRY", "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "CLAUDE_CODE_MAX_RETRIES", "API_TIMEOUT_MS",
      // Codex
      "OPENAI_API_KEY", "OPENAI_BASE_URL", "CODEX_API_KEY", "CODEX_HOME"});
    return out;
  }();
  return names;
}

std::map<std::string, std::string> agent_environment(const std::map<std::string, std::string>& workspace_env,
                                                     const std::vector<std::string>& pass_env,
                                                     const std::function<const char*(const char*)>& getenv) {
  std::map<std::string, std::string> env;
  auto pass = [&](const std::string& name) {
    if (const char* value = getenv(name.c_str())) env[name] = value;
  };
  for (const auto& name : always_passed_env()) pass(name);
  for (const auto& name : pass_env) pass(name);
  for (const auto& [key, value] : workspace_env) env[key] = value;
  return env;
}

std::map<std::string, std::string> command_environment(const std::map<std::string, std::string>& explicit_env,
                                                       const std::vector<std::string>& pass_env,
                                                       const std::function<const char*(const char*)>& getenv) {
  std::map<std::string, std::string> env;
  auto pass = [&](const std::string& name) {
    if (const char* value = getenv(name.c_str())) env[name] = value;
  };
  for (const auto& name : system_passed_env()) pass(name);
  for (const auto& name : pass_env) pass(name);
  for (const auto& [key, value] : explicit_env) env[key] = value;
  return env;
}

void register_credentials(const std::map<std::string, std::string>& env, services::SecretRegistry& secrets) {
  for (const auto& [name, value] : env)
    if (services::credential_name(name)) secrets.add(value);
}

} // namespace fanout::agent
