#include "tests/support/tracker_harness.hpp"

#include "host/services/http_client.hpp"
#include "host/services/process_runner.hpp"
#include "tests/support/built_plugins.hpp"
#include "tests/support/paths.hpp"

#include <catch2/catch.hpp>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

namespace fanout::test::trackers {

std::vector<std::chrono::milliseconds> Services::recorded_waits() {
  std::lock_guard lock(mutex);
  return waits;
}

std::string Services::captured_log() {
  std::lock_guard lock(mutex);
  return log.str();
}

std::unique_ptr<Services> make_services(std::map<std::string, std::string> env) {
  auto made = std::make_unique<Services>();
  Services* s = made.get();
  s->env = std::move(env);
  services::HttpClientOptions options;
  options.min_backoff = std::chrono::milliseconds(1);
  options.sleep = [s](std::chrono::milliseconds d, const sdk::CancelToken& cancel) {
    std::lock_guard lock(s->mutex);
    s->waits.push_back(d);
    return !cancel.cancelled();
  };
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(s->log);
  options.logger = std::make_shared<spdlog::logger>("tracker-test", sink);
  options.logger->set_level(spdlog::level::debug);
  s->http = std::make_unique<services::CurlHttpClient>(options, &s->secrets);
  s->processes = std::make_unique<services::LocalProcessRunner>(&s->secrets);
  return made;
}

nlohmann::json validated_config(const std::string& plugin, const nlohmann::json& config, std::string& error) {
  auto validated = validate_plugin_config(plugin, "[tracker]", config);
  if (auto* message = std::get_if<std::string>(&validated)) {
    error = *message;
    return {};
  }
  return std::get<nlohmann::json>(std::move(validated));
}

template <typename T>
plugins::Instance<T> load(Services& s, const std::string& plugin, const nlohmann::json& config,
                          const std::filesystem::path& repo_root) {
  std::string error;
  auto json = validated_config(plugin, config, error);
  if (!error.empty()) FAIL("invalid " << plugin << " config: " << error);
  plugins::HostServices host_services;
  host_services.http = s.http.get();
  host_services.processes = s.processes.get();
  host_services.secrets = &s.secrets;
  host_services.getenv = [&s](const char* name) -> const char* {
    auto it = s.env.find(name);
    return it == s.env.end() ? nullptr : it->second.c_str();
  };
  s.hosts.push_back(std::make_unique<plugins::PluginHost>(std::move(host_services), plugin, json, repo_root,
                                                          repo_root / ".fanout" / "plugins" / plugin));
  auto made = shared_registry().create<T>(plugin, *s.hosts.back());
  if (!made.ok()) FAIL("cannot load plugin " << plugin << ": " << made.failure().message);
  return std::move(made).value();
}

template plugins::Instance<sdk::IssueTracker> load(Services&, const std::string&, const nlohmann::json&,
                                                   const std::filesystem::path&);
template plugins::Instance<sdk::CodeHost> load(Services&, const std::string&, const nlohmann::json&,
                                               const std::filesystem::path&);

} // namespace fanout::test::trackers
