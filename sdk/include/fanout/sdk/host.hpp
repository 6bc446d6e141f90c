#pragma once
// Host: the services fanout hands to every plugin instance.

#include "fanout/sdk/agent_provider.hpp"
#include "fanout/sdk/http.hpp"
#include "fanout/sdk/process.hpp"
#include "fanout/sdk/result.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <string_view>

namespace fanout::sdk {

/// How much a log line matters. fanout prints warn and error on stderr ("fanout: warn: ..."),
/// everything with `--verbose`, only error with `--quiet`.
enum class LogLevel {
  debug, ///< detail for whoever debugs the plugin (requests, retries)
  info,  ///< a step the user may want to follow ("inlining .claude/commands/x.md")
  warn,  ///< something went wrong but the call goes on (a fallback was taken, a file skipped)
  error, ///< the call fails; the Failure returned says why, this adds context
};

/// One Host per plugin instance. It outlives the instance; every method is thread-safe.
class Host {
public:
  virtual ~Host() = default;

  /// This instance's config table (e.g. the `[tracker]` table minus `kind`), already
  /// validated against the plugin's declared keys, with declared defaults filled in.
  /// Durations are milliseconds, string maps are objects.
  virtual const nlohmann::json& config() const = 0;

  /// Writes to fanout's log, tagged with the plugin's name. Registered secrets are redacted.
  virtual void log(LogLevel level, std::string_view message) = 0;

  /// The value of the environment variable `env_var`, registered for redaction from logs,
  /// transcripts and error messages. FailureKind::auth when it is unset or empty, with a
  /// message naming the variable. Plugins read secrets only through this.
  virtual Result<std::string> secret(std::string_view env_var) = 0;

  /// Registers a secret that did not come from `secret()` (e.g. the output of `gh auth
  /// token`), so that it is redacted everywhere `secret()` values are. Values shorter than
  /// four characters are ignored.
  virtual void add_secret(std::string value) = 0;

  /// The HTTP client (retries, timeouts, redaction). Lives as long as the Host.
  virtual HttpClient& http() = 0;

  /// The process runner (process groups, timeouts, cancel). Lives as long as the Host.
  virtual ProcessRunner& processes() = 0;

  /// An agent provider by plugin name ("claude-code", "codex"), configured from the
  /// repo's `[agent.<name>]` table; for reviewers that run an agent. Owned by the host.
  virtual Result<AgentProvider*> agent(std::string_view provider) = 0;

  /// The repository's main checkout (where fanout.toml is).
  virtual std::filesystem::path repo_root() const = 0;

  /// A directory this plugin instance may keep files in (under `.fanout/`), created on demand.
  virtual std::filesystem::path data_dir() const = 0;
};

} // namespace fanout::sdk
