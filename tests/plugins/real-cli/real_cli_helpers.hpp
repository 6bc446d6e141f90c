#pragma once
// `fanout agent run --json` with a real agent CLI against a FakeModelServer: a git repo to
// work in, a private home for the CLI, and the parsed output.

#include "tests/support/agent_harness.hpp"
#include "tests/support/fake_model_server.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

namespace fanout::test::real_cli {

struct AgentRun {
  int rc = -1;
  std::vector<nlohmann::json> events; ///< every stdout line but the last
  nlohmann::json result;              ///< the last stdout line (result or error object)
  std::string err;                    ///< stderr
  std::string out;                    ///< stdout as printed
};

/// A repo and a home for one real-CLI session.
struct Session {
  agents::TempRepo repo;
  agents::TempRepo home{false};
  FakeModelServer api;

  /// The environment for `provider` ("claude-code" or "codex") talking to `api`.
  std::map<std::string, std::string> env(const std::string& provider, std::map<std::string, std::string> extra = {});
  /// Runs `fanout -C repo agent run --json --provider P --model M <args> PROMPT` with `env`.
  AgentRun agent_run(const std::string& provider, const std::vector<std::string>& args, const std::string& prompt,
                     const std::map<std::string, std::string>& env);
  AgentRun agent_run(const std::string& provider, const std::vector<std::string>& args, const std::string& prompt);
};

/// Runs `fanout <args>` in `cwd` with exactly `env`, stderr into `err_file`; stdout parsed
/// as JSON lines.
AgentRun run_fanout(const std::vector<std::string>& args, const std::filesystem::path& cwd,
                    const std::map<std::string, std::string>& env, const std::filesystem::path& err_file);

/// A shell command that makes a commit in the current directory (any identity).
std::string commit_command(const std::string& message);

} // namespace fanout::test::real_cli
