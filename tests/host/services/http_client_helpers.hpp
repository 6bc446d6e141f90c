#pragma once
// What the HTTP client's tests share: a client whose waits are recorded, not slept, and
// whose debug log is kept.

#include "host/services/http_client.hpp"

#include <chrono>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

namespace fanout::test {

struct RecordingClient {
  std::mutex mutex;
  std::vector<std::chrono::milliseconds> waits;
  std::ostringstream log;
  services::SecretRegistry secrets;
  std::unique_ptr<services::CurlHttpClient> client;

  RecordingClient();

  /// GET `url` with `retries` and a 5 s timeout.
  sdk::Result<sdk::HttpResponse> get(const std::string& url, int retries = 3);
  /// The log so far; read it when no request is in flight.
  std::string log_text();
};

} // namespace fanout::test
