#include "support/agent_outcome.hpp"

#include <fanout/sdk/agent_outcome.hpp>

#include <cstring>
#include <regex>

namespace fanout::support {

using sdk::SessionOutcome;

SessionOutcome classify_agent_error(const std::string& text) {
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

std::string with_advice(SessionOutcome outcome, std::string text, std::string_view key_env) {
  static const std::regex try_again("try again", std::regex::icase);
  if (outcome == SessionOutcome::auth && text.find(key_env) == std::string::npos)
    text += " (check " + std::string(key_env) +
            " or the CLI's own login: the credentials were missing or refused)";
  else if (outcome == SessionOutcome::rate_limited && !std::regex_search(text, try_again))
    text += " (the model API is rate limiting or overloaded: try again later)";
  return text;
}

std::optional<SessionOutcome> ended_early(const sdk::ProcessResult& process, const sdk::GarbageCounter& garbage,
                                          const std::string& not_events, const std::string& lines_were,
                                          std::string& text) {
  if (auto by_host = sdk::ended_by_host(process, text)) return by_host;
  if (!garbage.flooded()) return std::nullopt;
  text = not_events + ": " + std::to_string(garbage.garbage()) + " of " + std::to_string(garbage.lines()) + " " +
         lines_were;
  return SessionOutcome::error;
}

std::string killed_by_signal(const std::string& name, int signal) {
  return name + " was killed by signal " + std::to_string(signal) + " (" + strsignal(signal) + ")";
}

SessionOutcome process_end(const sdk::ProcessResult& process, const std::string& name,
                           const std::string& what, const std::string& stderr_tail, std::string& text) {
  if (process.signaled) {
    text = killed_by_signal(name, process.signal);
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

} // namespace fanout::support
