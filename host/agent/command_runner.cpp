#include "host/agent/command_runner.hpp"

#include "host/agent/agent_env.hpp"

namespace fanout::agent {

CommandRunner::CommandRunner(sdk::ProcessRunner& inner, std::vector<std::string> pass_env,
                             std::function<const char*(const char*)> getenv)
    : m_inner(inner), m_pass_env(std::move(pass_env)), m_getenv(std::move(getenv)) {}

sdk::Result<sdk::ProcessResult> CommandRunner::run(const sdk::ProcessSpec& spec, const sdk::LineCallback& on_line,
                                                   const sdk::CancelToken& cancel) {
  if (spec.replace_env) return m_inner.run(spec, on_line, cancel);
  sdk::ProcessSpec allowed = spec;
  allowed.env = command_environment(spec.env, m_pass_env, m_getenv);
  allowed.replace_env = true;
  return m_inner.run(allowed, on_line, cancel);
}

} // namespace fanout::agent
