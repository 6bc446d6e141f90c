#include "host/agent/session.hpp"

#include <exception>

namespace fanout::agent {

sdk::Result<sdk::SessionResult> run_session(sdk::AgentProvider& provider, const sdk::SessionRequest& request,
                                            const SessionContext& context, const sdk::CancelToken& cancel) {
  if (context.transcript) context.transcript->start(context.provider_name, request);
  auto sink = [&](const sdk::AgentEvent& event) {
    if (context.transcript) context.transcript->event(event);
    if (context.on_event) context.on_event(event);
  };
  sdk::Result<sdk::SessionResult> result = sdk::fail(sdk::FailureKind::error, "");
  try {
    result = provider.run(request, sink, cancel);
  } catch (const std::exception& e) {
    result = sdk::fail(sdk::FailureKind::error,
                       "agent provider \"" + context.provider_name + "\" failed: " + e.what());
  } catch (...) {
    result = sdk::fail(sdk::FailureKind::error, "agent provider \"" + context.provider_name + "\" failed");
  }
  if (context.transcript) {
    if (result.ok()) {
      context.transcript->result(*result);
    } else {
      context.transcript->event(sdk::AgentEvent{sdk::AgentEvent::Type::error, result.failure().message,
                                                "", std::string(sdk::to_string(result.failure().kind)), {}, ""});
    }
  }
  return result;
}

} // namespace fanout::agent
