#pragma once
// How an agent CLI's end becomes a SessionOutcome and its text, for the shipped agent
// providers (claude-code, codex, command): the same failure gets the same kind and the same
// words whichever CLI reported it. What the host decided (timeout, cancel) is read with the
// SDK's sdk::ended_by_host, which every provider, in tree or not, must honour; the rest here
// is knowledge about the shipped CLIs' texts, which the SDK does not promise.

#include <fanout/sdk/agent_provider.hpp>
#include <fanout/sdk/agent_stream.hpp>
#include <fanout/sdk/process.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace fanout::support {

/// The kind an agent's error text names: `auth` for a missing or rejected credential
/// ("401", "Invalid API key", "Not logged in", "Missing environment variable: `OPENAI_API_KEY`"),
/// `rate_limited` for a quota, a rate limit or an overloaded provider ("429", "529",
/// "overloaded_error", "at capacity", "usage limit"), else `error`. Case-insensitive.
sdk::SessionOutcome classify_agent_error(const std::string& text);

/// `text` with what to do, when it does not say so already: for `auth`, the variable that
/// holds the key (`key_env`, "ANTHROPIC_API_KEY"); for `rate_limited`, to try again later.
/// Other outcomes' texts are returned unchanged.
std::string with_advice(sdk::SessionOutcome outcome, std::string text, std::string_view key_env);

/// The outcome decided before a CLI's own words are read, or nullopt: the host ended the
/// process (sdk::ended_by_host: `timeout`, `cancelled`), else the stream was flooded (the
/// SDK's flood rule): `error` with "<not_events>: 201 of 202 <lines_were>", e.g.
/// "claude output is not stream-json: 201 of 202 lines were not JSON events".
std::optional<sdk::SessionOutcome> ended_early(const sdk::ProcessResult& process, const sdk::GarbageCounter& garbage,
                                               const std::string& not_events, const std::string& lines_were,
                                               std::string& text);

/// "claude was killed by signal 9 (Killed)".
std::string killed_by_signal(const std::string& name, int signal);

/// For a process that ended without a final result and without an error text that names a
/// kind: `crashed` with "claude was killed by signal 9 (Killed)" or "claude exited with code
/// 1 without a result: <stderr>"; `no_result` with "<name>'s output ended without a result"
/// for exit 0. `what` names the missing thing ("a result", "completing a turn").
sdk::SessionOutcome process_end(const sdk::ProcessResult& process, const std::string& name,
                                const std::string& what, const std::string& stderr_tail, std::string& text);

} // namespace fanout::support
