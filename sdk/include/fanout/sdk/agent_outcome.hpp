#pragma once
// Header-only: the outcome of a session whose process the host ended. Every agent provider
// reports a host timeout as `timeout` and a cancel as `cancelled`, whatever the process
// printed, so a timeout or a Ctrl-C reads the same whichever provider ran. (How the shipped providers
// read their CLIs' error texts is theirs, in plugins/support, not a promise of the SDK.)

#include "fanout/sdk/agent_provider.hpp"
#include "fanout/sdk/process.hpp"

#include <optional>
#include <string>

namespace fanout::sdk {

/// The outcome when the host ended the process (cancel token or timeout), else nullopt.
/// `text` gets "cancelled" or "timed out after 12 s".
inline std::optional<SessionOutcome> ended_by_host(const ProcessResult& process, std::string& text) {
  if (process.cancelled) {
    text = "cancelled";
    return SessionOutcome::cancelled;
  }
  if (process.timed_out) {
    text = "timed out after " + std::to_string(process.duration.count() / 1000) + " s";
    return SessionOutcome::timeout;
  }
  return std::nullopt;
}

} // namespace fanout::sdk
