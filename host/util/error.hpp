#pragma once
// The two error tiers: recoverable errors are values (sdk::Result); a UserError is fatal for
// the command, thrown up to one catch in cli::run, printed as "fanout: error: <message>".

#include <stdexcept>
#include <string>

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

/// Thrown by a command that has already printed what it had to say and only needs to set
/// the exit code (e.g. `fanout config check` finding errors). Caught in cli::run.
struct ExitRequest {
  ExitCode code;
};

} // namespace fanout
