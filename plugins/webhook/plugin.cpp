// webhook: a notifier that POSTs one JSON document per notification through the host's
// HTTP client. The URL comes from an environment variable named by `url_env` (trusted-only:
// it decides where fanout sends data) and is registered with the host's redactor, so it
// never appears in a log or an error message.
#include "payload.hpp"

#include <fanout/sdk/plugin.hpp>

#include <stdexcept>

namespace {

using namespace fanout::sdk;

class WebhookNotifier final : public Notifier {
public:
  explicit WebhookNotifier(Host& host) : m_host(host) {
    const auto& config = host.config();
    const std::string format = config.value("format", "json");
    const auto parsed = webhook::parse_format(format);
    if (!parsed) throw std::runtime_error("unknown format \"" + format + "\" (expected json, slack or discord)");
    m_format = *parsed;
    const std::string url_env = config.value("url_env", "FANOUT_WEBHOOK_URL");
    auto url = host.secret(url_env);
    if (!url.ok())
      throw std::runtime_error("environment variable \"" + url_env +
                               "\" is not set (it holds the webhook's URL: set it, or name another with url_env)");
    m_url = *url;
    if (m_url.rfind("https://", 0) != 0 && m_url.rfind("http://", 0) != 0)
      throw std::runtime_error("environment variable \"" + url_env + "\" does not hold an http:// or https:// URL");
    m_timeout = std::chrono::milliseconds(config.value("timeout", 10000));
  }

  Result<void> notify(const Notification& notification, const CancelToken& cancel) override {
    HttpRequest request;
    request.method = "POST";
    request.url = m_url;
    request.headers = {{"Content-Type", "application/json"}, {"User-Agent", "fanout-webhook"}};
    request.body = webhook::payload(notification, m_format);
    request.timeout = m_timeout;
    request.max_retries = 0; // the host retries failed deliveries itself
    auto response = m_host.http().send(request, cancel);
    if (!response.ok()) return fail(response.failure().kind, "webhook request failed: " + response.failure().message);
    const int status = response->status;
    if (status >= 200 && status < 300) return {};
    std::string body = response->body.substr(0, 200);
    const std::string message = "webhook answered HTTP " + std::to_string(status) + (body.empty() ? "" : ": " + body);
    // A 4xx other than a timeout or a rate limit will not change on a retry (wrong URL,
    // a payload the service refuses).
    const bool lasting = status >= 400 && status < 500 && status != 408 && status != 429;
    return fail(lasting ? FailureKind::invalid_input : FailureKind::error, message);
  }

private:
  Host& m_host;
  webhook::Format m_format = webhook::Format::json;
  std::string m_url;
  std::chrono::milliseconds m_timeout{10000};
};

struct Webhook {
  static constexpr const char* name = "webhook";
  static constexpr const char* version = "0.1.0";
  static constexpr const char* description = "posts notifications as JSON (generic, Slack or Discord) to a URL";
  static constexpr Kind kinds[] = {Kind::notifier};
  static constexpr ConfigKey config_keys[] = {
      {.name = "url_env", .type = ConfigType::string, .default_value = "\"FANOUT_WEBHOOK_URL\"",
       .doc = "environment variable holding the webhook URL (a secret: redacted everywhere)",
       .trust = Trust::trusted_only},
      {.name = "format", .type = ConfigType::string, .default_value = "\"json\"",
       .doc = "payload shape: json (every field), slack ({\"text\": ...}) or discord ({\"content\": ...})"},
      {.name = "timeout", .type = ConfigType::duration, .default_value = "\"10s\"",
       .doc = "time limit for one delivery attempt"},
  };
  static std::unique_ptr<Notifier> make_notifier(Host& host) { return std::make_unique<WebhookNotifier>(host); }
};

} // namespace

FANOUT_PLUGIN(Webhook)
