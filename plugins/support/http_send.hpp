#pragma once
// Sending a request to a service through the host's HttpClient, for the plugins that talk to
// one (github, jira, linear): a failure to get any answer names the service first.

#include <fanout/sdk/http.hpp>

#include <string>

namespace fanout::support {

/// `http.send(request, cancel)`; a failure keeps its kind and gets "<service>: " before its
/// message ("github: connection refused (https://api.github.com/...)"). An answer with any
/// HTTP status is a value: the caller reads the status.
inline sdk::Result<sdk::HttpResponse> send_to(const std::string& service, sdk::HttpClient& http,
                                              const sdk::HttpRequest& request, const sdk::CancelToken& cancel) {
  auto sent = http.send(request, cancel);
  if (!sent.ok()) {
    sdk::Failure failure = std::move(sent).failure();
    failure.message = service + ": " + failure.message;
    return failure;
  }
  return sent;
}

} // namespace fanout::support
