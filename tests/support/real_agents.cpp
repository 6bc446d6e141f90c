#include "tests/support/real_agents.hpp"

#include "tests/support/paths.hpp"
#include "tests/support/shell.hpp"

#include <catch2/catch.hpp>

#include <fstream>

namespace fanout::test::real_agents {

namespace fs = std::filesystem;

fs::path require_cli(const std::string& name) {
  auto path = agent_cli_dir() / name;
  std::error_code ec;
  if (!fs::exists(path, ec))
    FAIL("the real `" << name << "` is not installed in " << agent_cli_dir().string()
                      << ": run scripts/setup.sh (it installs the versions pinned in scripts/agent-clis.txt)");
  return path;
}

std::string cli_path() { return agent_cli_dir().string() + ":/usr/local/bin:/usr/bin:/bin"; }

std::map<std::string, std::string> claude_env(const FakeModelServer& api, const fs::path& home,
                                              std::map<std::string, std::string> extra) {
  require_cli("claude");
  fs::create_directories(home / ".claude");
  std::map<std::string, std::string> env = {
      {"PATH", cli_path()},
      {"HOME", home.string()},
      {"CLAUDE_CONFIG_DIR", (home / ".claude").string()},
      {"ANTHROPIC_BASE_URL", api.url()},
      {"ANTHROPIC_API_KEY", FakeModelServer::api_key()},
      {"DISABLE_AUTOUPDATER", "1"},
      {"DISABLE_TELEMETRY", "1"},
      {"CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1"},
  };
  for (auto& [key, value] : extra) env[key] = value;
  return env;
}

std::map<std::string, std::string> codex_env(const FakeModelServer& api, const fs::path& home,
                                             std::map<std::string, std::string> extra, int retries) {
  require_cli("codex");
  fs::create_directories(home / ".codex");
  std::ofstream(home / ".codex" / "config.toml") << "model_provider = \"fanout-test\"\n"
                                                 << "model = \"" << k_codex_model << "\"\n\n"
                                                 << "[model_providers.fanout-test]\n"
                                                 << "name = \"fanout test server\"\n"
                                                 << "base_url = \"" << api.url() << "/v1\"\n"
                                                 << "wire_api = \"responses\"\n"
                                                 << "env_key = \"OPENAI_API_KEY\"\n"
                                                 << "request_max_retries = " << retries << "\n"
                                                 << "stream_max_retries = " << retries << "\n\n"
                                                 // A codex killed mid-command leaves empty .git,
                                                 // .codex, .agents in its writable roots: keep the
                                                 // machine's shared /tmp out of them (TMPDIR and
                                                 // the workdir stay, for the tests that look).
                                                 << "[sandbox_workspace_write]\n"
                                                 << "exclude_slash_tmp = true\n";
  std::map<std::string, std::string> env = {
      {"PATH", cli_path()},
      {"HOME", home.string()},
      {"CODEX_HOME", (home / ".codex").string()},
      {"OPENAI_API_KEY", FakeModelServer::api_key()},
  };
  for (auto& [key, value] : extra) env[key] = value;
  return env;
}

std::string env_prefix(const std::map<std::string, std::string>& env) {
  std::string out = "env -i";
  for (const auto& [key, value] : env) out += " " + key + "=" + shell_quote(value);
  return out;
}

} // namespace fanout::test::real_agents
