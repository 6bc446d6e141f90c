#pragma once
// CommandRunner: the process runner handed to plugins whose children are not agents
// (reviewers running the project's commands). Every child gets command_environment():
// the system allowlist, `[agent] pass_env` and what the spec sets, never the rest of the
// host's environment (GITHUB_TOKEN, cloud keys...).

#include <fanout/sdk/process.hpp>

#include <functional>
#include <string>
#include <vector>

namespace fanout::agent {

class CommandRunner final : public sdk::ProcessRunner {
public:
  CommandRunner(sdk::ProcessRunner& inner, std::vector<std::string> pass_env,
                std::function<const char*(const char*)> getenv = [](const char* name) { return std::getenv(name); });

  /// `spec` with its env replaced by command_environment(spec.env, pass_env); a spec that
  /// already replaces the env is passed as it is (the caller chose every variable).
  sdk::Result<sdk::ProcessResult> run(const sdk::ProcessSpec& spec, const sdk::LineCallback& on_line,
                                      const sdk::CancelToken& cancel) override;

private:
  sdk::ProcessRunner& m_inner;
  std::vector<std::string> m_pass_env;
  std::function<const char*(const char*)> m_getenv;
};

} // namespace fanout::agent
