#pragma once
// Test harness for tracker and code-host plugins: the real built plugin, loaded through the
// host's Registry, its config validated against its declared keys (defaults filled in),
// hosted in a PluginHost with the real CurlHttpClient. Back-off waits are recorded, not
// slept; the environment is a map; the debug log is captured for secret checks.

#include "host/plugins/plugin_host.hpp"
#include "host/plugins/registry.hpp"
#include "host/services/secrets.hpp"

#include <fanout/sdk/code_host.hpp>
#include <fanout/sdk/issue_tracker.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

namespace fanout::test::trackers {

/// What a plugin instance is bound to. Create with make_services(); keep it alive longer
/// than the instances made with it.
struct Services {
  services::SecretRegistry secrets;
  std::map<std::string, std::string> env;
  std::unique_ptr<sdk::HttpClient> http;
  std::unique_ptr<sdk::ProcessRunner> processes; ///< the real runner unless replaced
  std::mutex mutex;
  std::vector<std::chrono::milliseconds> waits;  ///< every back-off the client took
  std::ostringstream log;                        ///< the client's and plugins' debug log
  std::vector<std::unique_ptr<plugins::PluginHost>> hosts;

  std::vector<std::chrono::milliseconds> recorded_waits();
  std::string captured_log();
};

/// Services with `env` as the whole environment; waits recorded, not slept.
std::unique_ptr<Services> make_services(std::map<std::string, std::string> env);

/// Validates `config` (a [tracker]/[codehost] table as JSON) against plugin `plugin`'s
/// declared keys; returns the JSON the plugin will see, or the first error's text.
nlohmann::json validated_config(const std::string& plugin, const nlohmann::json& config, std::string& error);

/// Makes plugin `plugin`'s instance of interface T (sdk::IssueTracker or sdk::CodeHost).
/// Config errors and creation failures fail the test case.
template <typename T>
plugins::Instance<T> load(Services& services, const std::string& plugin, const nlohmann::json& config,
                          const std::filesystem::path& repo_root = std::filesystem::temp_directory_path());

extern template plugins::Instance<sdk::IssueTracker> load(Services&, const std::string&, const nlohmann::json&,
                                                          const std::filesystem::path&);
extern template plugins::Instance<sdk::CodeHost> load(Services&, const std::string&, const nlohmann::json&,
                                                      const std::filesystem::path&);

} // namespace fanout::test::trackers
