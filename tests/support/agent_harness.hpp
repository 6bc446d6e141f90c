#pragma once
// Test harness for agent providers: the real built plugin (claude-code, codex, command,
// replay), loaded through the host's Registry, run with the real process runner against
// the fake CLIs in <build>/tests/fixtures/bin (tests/fakes).

#include "host/plugins/plugin_host.hpp"
#include "host/plugins/registry.hpp"
#include "host/services/process_runner.hpp"
#include "tests/support/temp_dir.hpp"

#include <fanout/sdk/agent_provider.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace fanout::test::agents {

/// A git repository in a fresh temp dir (one commit, "README.md"; a plain folder when `git`
/// is false), removed on destruction.
class TempRepo {
public:
  explicit TempRepo(bool git = true);
  const std::filesystem::path& path() const { return m_dir.path(); }
  /// Runs `git <args>` in the repo; its stdout, trailing newline removed.
  std::string git(const std::string& args) const;
  /// Writes `content` to `relative` (creating folders).
  void write(const std::string& relative, const std::string& content) const;

private:
  TempDir m_dir{"agent"};
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

/// A session of a fake CLI (tests/fakes): a repo to work in, a HOME beside it holding the
/// fake's invocation log and script file, and requests that use them.
struct SessionFixture {
  TempRepo repo;
  TempRepo home{false};
  std::filesystem::path log = home.path() / "invocations.jsonl";   ///< FAKE_AGENT_LOG
  std::filesystem::path script = home.path() / "script.json";      ///< for FAKE_AGENT_SCRIPT

  /// `prompt` in the repo, with fake_env(home, env) and FAKE_AGENT_LOG.
  sdk::SessionRequest request(const std::string& prompt, std::map<std::string, std::string> env = {}) const;
  /// Writes `content` to the script file.
  void write_script(const nlohmann::json& content) const;
};

/// One way a fake CLI ends (its FAKE_AGENT_MODE) and what the provider must make of it.
struct ModeCase {
  std::string what; ///< the behaviour, shown when a check fails
  std::string mode;
  sdk::SessionOutcome outcome;
  std::optional<std::string> text;  ///< the result's text, when checked
  std::optional<int> garbage_lines; ///< when checked
};

/// Runs a session ("do it") in each case's mode; REQUIREs a result and CHECKs its outcome,
/// and its text and garbage_lines where the case gives them.
void check_modes(LoadedAgent& agent, const SessionFixture& session, const std::vector<ModeCase>& cases);

/// Runs `request`, cancelling it from another thread once `pidfile` exists (the fake's
/// hang_spawn writes it when its grandchild runs; bounded: cancels after 10 s regardless).
LoadedAgent::Run run_cancelled_once(LoadedAgent& agent, const sdk::SessionRequest& request,
                                    const std::filesystem::path& pidfile);

/// REQUIREs the pid that hang_spawn wrote to `pidfile` and CHECKs that process is gone
/// (it was killed with the agent's process group).
void check_grandchild_gone(const std::filesystem::path& pidfile);

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

} // namespace fanout::test::agents
