#pragma once
// PluginHost: the sdk::Host each plugin instance gets. It only forwards to shared services;
// the one thing it owns is the instance's identity (name, config, data dir).

#include "host/services/secrets.hpp"

#include <fanout/sdk/host.hpp>

#include <functional>
#include <string>

namespace fanout::plugins {

/// The host's shared services. All pointers outlive every PluginHost built from them.
struct HostServices {
  sdk::HttpClient* http = nullptr;
  sdk::ProcessRunner* processes = nullptr;
  services::SecretRegistry* secrets = &services::SecretRegistry::global();
  /// Finds (creating on first use) the agent provider configured under `[agent.<name>]`.
  /// Absent when no agent can be offered (e.g. `fanout issues`).
  std::function<sdk::Result<sdk::AgentProvider*>(std::string_view name)> agent;
  /// Reads an environment variable; replaceable so tests need not touch the real environment.
  std::function<const char*(const char* name)> getenv = [](const char* name) { return std::getenv(name); };
};

/// One per plugin instance. Thread-safe as required by sdk::Host.
class PluginHost final : public sdk::Host {
public:
  PluginHost(HostServices services, std::string plugin_name, nlohmann::json config,
             std::filesystem::path repo_root, std::filesystem::path data_dir);

  const nlohmann::json& config() const override { return m_config; }
  void log(sdk::LogLevel level, std::string_view message) override;
  sdk::Result<std::string> secret(std::string_view env_var) override;
  void add_secret(std::string value) override { m_services.secrets->add(std::move(value)); }
  sdk::HttpClient& http() override;
  sdk::ProcessRunner& processes() override;
  sdk::Result<sdk::AgentProvider*> agent(std::string_view provider) override;
  std::filesystem::path repo_root() const override { return m_repo_root; }
  std::filesystem::path data_dir() const override;

  const std::string& plugin_name() const { return m_plugin_name; }

private:
  HostServices m_services;
  std::string m_plugin_name;
  nlohmann::json m_config;
  std::filesystem::path m_repo_root;
  std::filesystem::path m_data_dir;
};

} // namespace fanout::plugins
