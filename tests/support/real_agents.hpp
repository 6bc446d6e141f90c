#pragma once
// The real agent CLIs in tests: where they are (installed by scripts/setup.sh, pinned in
// scripts/agent-clis.txt) and the environment that points them at a FakeModelServer with
// a private home, so no test reads or writes the user's ~/.claude or ~/.codex.
// A test that needs a real CLI FAILS when it is missing; it never skips.

#include "tests/support/fake_model_server.hpp"

#include <filesystem>
#include <map>
#include <string>

namespace fanout::test::real_agents {

/// The model each CLI is told to use: priced by FakeModelServer::price_per_mtok (claude)
/// and known to codex (no "model metadata not found" warning).
inline constexpr const char* k_claude_model = "claude-sonnet-4-5";
inline constexpr const char* k_codex_model = "gpt-5.5";

/// The installed pinned `name` ("claude", "codex"); fails the test case when it is absent.
std::filesystem::path require_cli(const std::string& name);

/// PATH with the pinned CLIs first, then the system's (/usr/local/bin:/usr/bin:/bin).
std::string cli_path();

/// Environment for a real claude talking to `api`: PATH (cli_path), HOME = `home`,
/// CLAUDE_CONFIG_DIR = home/.claude, ANTHROPIC_BASE_URL, ANTHROPIC_API_KEY, no autoupdater,
/// no nonessential traffic; `extra` on top (e.g. CLAUDE_CODE_MAX_RETRIES).
std::map<std::string, std::string> claude_env(const FakeModelServer& api, const std::filesystem::path& home,
                                              std::map<std::string, std::string> extra = {});

/// Environment for a real codex talking to `api`: writes home/.codex/config.toml with a
/// model provider "fanout-test" at api.url()/v1 (Responses API, key from OPENAI_API_KEY,
/// `retries` request and stream retries; the shared /tmp not a writable root of its
/// sandbox) and returns PATH, HOME, CODEX_HOME, OPENAI_API_KEY; `extra` on top.
std::map<std::string, std::string> codex_env(const FakeModelServer& api, const std::filesystem::path& home,
                                             std::map<std::string, std::string> extra = {}, int retries = 0);

/// `env -i K='V' ...` for a shell command line: runs what follows with exactly `env`.
std::string env_prefix(const std::map<std::string, std::string>& env);

} // namespace fanout::test::real_agents
