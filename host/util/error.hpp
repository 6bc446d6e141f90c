#pragma once
// The two error tiers (as in ccache):
//  - recoverable failures are values, sdk::Result, everywhere below the CLI: git, workspace,
//    state, pipeline. A function that can fail returns one; its caller decides whether the
//    failure ends an issue's run, is reported and skipped, or ends the command.
//  - a UserError is fatal for the command. It is thrown only where the command must end (the
//    CLI, turning a failure into the error the user reads: value_or_throw), caught once in
//    cli::run and printed as "fanout: error: <message>".
// What still throws below the CLI (the state store, modules that are one command each, config
// that fails to load, the use cases' refusals) is listed with its reason in
// docs/architecture.md ("Errors"); WorkspaceManager::up turns the store's into a failure.

#include <fanout/sdk/result.hpp>

#include <stdexcept>
#include <string>
#include <utility>

namespace fanout {

/// Process exit codes. One enum, so scripts can rely on them.
enum class ExitCode : int {
  ok = 0,
  failure = 1,      ///< the command ran and something it did failed (a run, a check)
  usage = 2,        ///< bad command line or config
  interrupted = 130 ///< Ctrl-C
};

/// A fatal, user-facing error. The message is lower-case, quotes values, names files.
class UserError : public std::runtime_error {
public:
  explicit UserError(const std::string& message, ExitCode code = ExitCode::failure)
      : std::runtime_error(message), m_code(code) {}
  ExitCode code() const noexcept { return m_code; }

private:
  ExitCode m_code;
};

/// Where a failure must end the command: the value of `result`, or a UserError with the
/// failure's message (exit code `code`).
template <typename T> T value_or_throw(sdk::Result<T> result, ExitCode code = ExitCode::failure) {
  if (!result.ok()) throw UserError(result.failure().message, code);
  return std::move(result).value();
}
inline void value_or_throw(sdk::Result<void> result, ExitCode code = ExitCode::failure) {
  if (!result.ok()) throw UserError(result.failure().message, code);
}

/// Thrown by a command that has already printed what it had to say and only needs to set
/// the exit code (e.g. `fanout config check` finding errors). Caught in cli::run.
struct ExitRequest {
  ExitCode code;
};

} // namespace fanout
