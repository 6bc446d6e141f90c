#include "tests/host/services/http_client_helpers.hpp"

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

namespace fanout::test {

using namespace std::chrono;

RecordingClient::RecordingClient() {
  services::HttpClientOptions options;
  options.min_backoff = milliseconds(10);
  options.sleep = [this](milliseconds d, const sdk::CancelToken& cancel) {
    std::lock_guard lock(mutex);
    waits.push_back(d);
    return !cancel.cancelled();
  };
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(log);
  options.logger = std::make_shared<spdlog::logger>("http-test", sink);
  options.logger->set_level(spdlog::level::debug);
  client = std::make_unique<services::CurlHttpClient>(options, &secrets);
}

sdk::Result<sdk::HttpResponse> RecordingClient::get(const std::string& url, int retries) {
  sdk::HttpRequest request;
  request.url = url;
  request.max_retries = retries;
  request.timeout = milliseconds(5000);
  return client->send(request, sdk::CancelToken{});
}

std::string RecordingClient::log_text() { return log.str(); }

} // namespace fanout::test
