#pragma once
// Header-only helpers that turn how an agent CLI ended into a SessionOutcome, shared by the
// agent providers so that the same failure gets the same kind whichever CLI reported it.

#include "fanout/sdk/agent_provider.hpp"
#include "fanout/sdk/process.hpp"

#include <cstring>
#include <optional>
#include <regex>
#include <string>
#include <string_view>

namespace fanout::sdk {

/// The kind an agent's error text names: `auth` for a missing or rejected credential
/// ("401", "Invalid API key", "Not logged in", "Missing environment variable: `OPENAI_API_KEY`"),
/// `rate_limited` for a quota, a rate limit or an overloaded provider ("429", "529",
/// "overloaded_error", "at capacity", "usage limit"), else `error`. Case-insensitive.
inline SessionOutcome classify_agent_error(const std::string& text) {
  static const std::regex auth(
      R"(\b401\b|unauthori[sz]ed|not logged in|invalid.api.key|authentication|please run /login|oauth token|)"
      R"(codex login|missing environment variable:\W*\w*(api_key|token))",
      std::regex::icase);
  static const std::regex limited(
      R"(\b429\b|\b529\b|rate.?limit|too many requests|usage limit|hit your limit|quota|overloaded|at capacity)",
      std::regex::icase);
  if (std::regex_search(text, auth)) return SessionOutcome::auth;
  if (std::regex_search(text, limited)) return SessionOutcome::rate_limited;
  return SessionOutcome::error;
}

/// `text` with what to do, when it does not say so already: for `auth`, the variable that
/// holds the key (`key_env`, "ANTHROPIC_API_KEY"); for `rate_limited`, to try again later.
/// Other outcomes' texts are returned unchanged.
inline std::string with_advice(SessionOutcome outcome, std::string text, std::string_view key_env) {
  static const std::regex try_again("try again", std::regex::icase);
  if (outcome == SessionOutcome::auth && text.find(key_env) == std::string::npos)
    text += " (check " + std::string(key_env) + " or the CLI's own login: the credentials were missing or refused)";
  else if (outcome == SessionOutcome::rate_limited && !std::regex_search(text, try_again))
    text += " (the model API is rate limiting or overloaded: try again later)";
  return text;
}

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

/// For a process that ended without a final result and without an error text that names a
/// kind: `crashed` with "claude was killed by signal 9 (Killed)" or "claude exited with code
/// 1 without a result: <stderr>"; `no_result` with "<name>'s output ended without a result"
/// for exit 0. `what` names the missing thing ("a result", "completing a turn").
inline SessionOutcome process_end(const ProcessResult& process, const std::string& name, const std::string& what,
                                  const std::string& stderr_tail, std::string& text) {
  if (process.signaled) {
    text = name + " was killed by signal " + std::to_string(process.signal) + " (" + strsignal(process.signal) + ")";
    return SessionOutcome::crashed;
  }
  if (process.exit_code != 0) {
    text = name + " exited with code " + std::to_string(process.exit_code) + " without " + what +
           (stderr_tail.empty() ? "" : ": " + stderr_tail);
    return SessionOutcome::crashed;
  }
  text = name + "'s output ended without " + what;
  return SessionOutcome::no_result;
}

} // namespace fanout::sdk
