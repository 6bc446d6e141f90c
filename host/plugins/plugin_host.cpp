#include "host/plugins/plugin_host.hpp"

#include <spdlog/spdlog.h>


namespace fanout::plugins {
namespace {

// Stand-ins for services a command did not set up: they fail as values instead of throwing
// into plugin code (nothing may throw across the boundary).
class UnavailableHttp final : public sdk::HttpClient {
public:
  sdk::Result<sdk::HttpResponse> send(const sdk::HttpRequest&, const sdk::CancelToken&) override {
    return sdk::fail(sdk::FailureKind::unsupported, "no http client is available here");
  }
  sdk::Result<sdk::HttpResponse> stream(const sdk::HttpRequest&, const sdk::LineCallback&,
                                        const sdk::CancelToken&) override {
    return sdk::fail(sdk::FailureKind::unsupported, "no http client is available here");
  }
};

class UnavailableProcesses final : public sdk::ProcessRunner {
public:
  sdk::Result<sdk::ProcessResult> run(const sdk::ProcessSpec&, const sdk::LineCallback&, const sdk::CancelToken&) override {
    return sdk::fail(sdk::FailureKind::unsupported, "no process runner is available here");
  }
};

} // namespace

PluginHost::PluginHost(HostServices services, std::string plugin_name, nlohmann::json config,
                       std::filesystem::path repo_root, std::filesystem::path data_dir)
    : m_services(std::move(services)), m_plugin_name(std::move(plugin_name)), m_config(std::move(config)),
      m_repo_root(std::move(repo_root)), m_data_dir(std::move(data_dir)) {}

void PluginHost::log(sdk::LogLevel level, std::string_view message) {
  const std::string clean = m_services.secrets->redact(message);
  switch (level) {
  case sdk::LogLevel::debug: spdlog::debug("[{}] {}", m_plugin_name, clean); break;
  case sdk::LogLevel::info: spdlog::info("[{}] {}", m_plugin_name, clean); break;
  case sdk::LogLevel::warn: spdlog::warn("[{}] {}", m_plugin_name, clean); break;
  case sdk::LogLevel::error: spdlog::error("[{}] {}", m_plugin_name, clean); break;
  }
}

sdk::Result<std::string> PluginHost::secret(std::string_view env_var) {
  const std::string name(env_var);
  const char* value = m_services.getenv(name.c_str());
  if (!value || !*value)
    return sdk::fail(sdk::FailureKind::auth, "environment variable \"" + name + "\" is not set");
  m_services.secrets->add(value);
  return std::string(value);
}

sdk::HttpClient& PluginHost::http() {
  static UnavailableHttp unavailable;
  return m_services.http ? *m_services.http : unavailable;
}

sdk::ProcessRunner& PluginHost::processes() {
  static UnavailableProcesses unavailable;
  return m_services.processes ? *m_services.processes : unavailable;
}

sdk::Result<sdk::AgentProvider*> PluginHost::agent(std::string_view provider) {
  if (!m_services.agent)
    return sdk::fail(sdk::FailureKind::unsupported, "no agent providers are available to plugin \"" + m_plugin_name + "\" here");
  return m_services.agent(provider);
}

std::filesystem::path PluginHost::data_dir() const {
  std::error_code ec;
  std::filesystem::create_directories(m_data_dir, ec);
  return m_data_dir;
}

} // namespace fanout::plugins
