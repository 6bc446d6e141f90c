#pragma once
// run_session: one agent session with its transcript. The one place the host calls
// AgentProvider::run, so every session is recorded the same way.

#include "host/agent/transcript.hpp"

#include <fanout/sdk/agent_provider.hpp>

#include <string>

namespace fanout::agent {

struct SessionContext {
  std::string provider_name;           ///< for the transcript's start line
  TranscriptWriter* transcript = nullptr; ///< optional; outlives the call
  sdk::EventSink on_event;             ///< optional progress sink, called after the transcript line
};

/// Runs `request` on `provider`: writes the start line, every event, and the result (or a
/// {"type":"failure","kind","message"} line when the session could not start). An exception
/// escaping the provider becomes Failure error "agent provider \"x\" failed: <what>".
/// Thread-safe when the provider is (every shipped one is).
sdk::Result<sdk::SessionResult> run_session(sdk::AgentProvider& provider, const sdk::SessionRequest& request,
                                            const SessionContext& context, const sdk::CancelToken& cancel);

} // namespace fanout::agent
