#pragma once
// What every shipped agent provider does around its CLI: the model and the process spec of a
// session (its environment is the session's plus the plugin's `env` table), the process
// runner it runs on, a scratch file for the session (a prompt, a schema), and the tail of
// the CLI's stderr.

#include <fanout/sdk/agent_provider.hpp>
#include <fanout/sdk/host.hpp>
#include <fanout/sdk/process.hpp>
#include <fanout/sdk/result.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

namespace fanout::support {

/// The session's model, else the config's `model`, else "" (the CLI's default).
std::string session_model(const sdk::SessionRequest& request, const nlohmann::json& config);

/// A ProcessSpec with no argv yet: the session's workdir and timeout, and as the child's
/// complete environment (replace_env) the session's env with the config's `env` table over it.
sdk::ProcessSpec session_process(const sdk::SessionRequest& request, const nlohmann::json& config);

/// Where the session's process runs: the request's process runner when the host set one
/// (a remote `[runner]`), else the host's own process service.
inline sdk::ProcessRunner& session_runner(const sdk::SessionRequest& request, sdk::Host& host) {
  return request.process_runner ? *request.process_runner : host.processes();
}

/// A file written for one session under `dir`, named "<prefix>-<clock>-<n><suffix>" so no
/// other session (of this process) picks the same name; removed when this object ends.
/// Move-only.
class SessionFile {
public:
  /// Creates `dir` when needed and writes `content`. Failure error, with `what` naming the
  /// content: `cannot write the prompt to "<path>"`.
  static sdk::Result<SessionFile> write(const std::filesystem::path& dir, const std::string& prefix,
                                        const std::string& suffix, const std::string& content,
                                        const std::string& what);
  SessionFile() = default;
  SessionFile(SessionFile&& other) noexcept : m_path(std::move(other.m_path)) { other.m_path.clear(); }
  SessionFile& operator=(SessionFile&& other) noexcept;
  SessionFile(const SessionFile&) = delete;
  SessionFile& operator=(const SessionFile&) = delete;
  ~SessionFile();

  const std::filesystem::path& path() const { return m_path; }

private:
  std::filesystem::path m_path;
};

/// The last few KiB of a CLI's stderr lines: auth and usage errors arrive there when the
/// CLI never got as far as its event stream.
class StderrTail {
public:
  void add(const std::string& line);
  /// The kept lines, without the final newline.
  std::string text() const;

private:
  std::string m_text;
};

} // namespace fanout::support
