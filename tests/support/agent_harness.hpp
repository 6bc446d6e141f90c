#pragma once
// Test harness for agent providers: the real built plugin (claude-code, codex, command,
// replay), loaded through the host's Registry, run with the real process runner against
// the fake CLIs in <build>/tests/fixtures/bin (tests/fakes).

#include "host/plugins/plugin_host.hpp"
#include "host/plugins/registry.hpp"
#include "host/services/process_runner.hpp"

#include <fanout/sdk/agent_provider.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace fanout::test::agents {

/// A git repository in a fresh temp dir (one commit, "README.md"), removed on destruction.
class TempRepo {
public:
  explicit TempRepo(bool git = true);
  ~TempRepo();
  TempRepo(const TempRepo&) = delete;
  TempRepo& operator=(const TempRepo&) = delete;
  const std::filesystem::path& path() const { return m_path; }
  /// Runs `git <args>` in the repo; its stdout, trailing newline removed.
  std::string git(const std::string& args) const;
  /// Writes `content` to `relative` (creating folders).
  void write(const std::string& relative, const std::string& content) const;

private:
  std::filesystem::path m_path;
};

/// <build>/tests/fixtures/bin: the fake claude and codex.
std::filesystem::path fake_bin_dir();

/// An environment for a fake agent: PATH = fake bin dir + /usr/bin:/bin, HOME = `home`,
/// plus `extra`.
std::map<std::string, std::string> fake_env(const std::filesystem::path& home,
                                            std::map<std::string, std::string> extra = {});

/// One provider instance with its host and runner (members in destruction order).
class LoadedAgent {
public:
  /// Fails the test case when the plugin cannot be made.
  LoadedAgent(const std::string& plugin, nlohmann::json config, const std::filesystem::path& repo_root);
  ~LoadedAgent();

  sdk::AgentProvider& provider() { return *m_provider; }

  struct Run {
    sdk::Result<sdk::SessionResult> result = sdk::fail(sdk::FailureKind::error, "not run");
    std::vector<sdk::AgentEvent> events;
    /// Texts of the events of `type`.
    std::vector<std::string> texts(sdk::AgentEvent::Type type) const;
  };
  Run run(const sdk::SessionRequest& request, const sdk::CancelToken& cancel = {});

private:
  services::LocalProcessRunner m_runner{nullptr};
  std::unique_ptr<plugins::PluginHost> m_host;
  plugins::Instance<sdk::AgentProvider> m_provider;
};

/// Every line of a JSONL file, parsed.
std::vector<nlohmann::json> read_jsonl(const std::filesystem::path& file);

/// The fakes' invocation log (FAKE_AGENT_LOG): one object per run with "argv", "cwd", "env".
std::vector<nlohmann::json> invocations(const std::filesystem::path& log);

/// True when argv contains `flag` immediately followed by `value`.
bool has_flag(const nlohmann::json& argv, const std::string& flag, const std::string& value);

/// Runs `request` with a 300 KiB prompt that starts with a dash (too big for one argument:
/// Linux refuses more than 128 KiB) and checks that the session succeeded, the fake CLI read
/// the prompt from stdin and argv held nothing big. `log` is the request's FAKE_AGENT_LOG.
void check_big_prompt_through_stdin(LoadedAgent& agent, sdk::SessionRequest request, const std::filesystem::path& log);

/// Waits (bounded, 2 s) until `pid` no longer runs; true when it is gone.
bool await_process_gone(int pid);

} // namespace fanout::test::agents
