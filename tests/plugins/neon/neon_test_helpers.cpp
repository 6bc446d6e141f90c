#include "tests/plugins/neon/neon_test_helpers.hpp"

#include <catch2/catch.hpp>

namespace fanout::test::branchers {

NeonFixture::NeonFixture(std::map<std::string, std::string> env) {
  if (env.empty()) env = {{"NEON_API_KEY", neon.api_key()}};
  services = trackers::make_services(std::move(env));
  neon.set_retry_after(0);
}

nlohmann::json NeonFixture::config(const nlohmann::json& extra) const {
  nlohmann::json table = {{"api_url", neon.api_url()}, {"project_id", neon.project_id()}};
  nlohmann::json timing = {{"poll_interval", 1}, {"wait_timeout", 5000}}; // milliseconds, as Host::config() has them
  for (const auto& [key, value] : extra.items()) {
    if (key == "poll_interval" || key == "wait_timeout") timing[key] = value;
    else if (value.is_null()) table.erase(key);
    else table[key] = value;
  }
  std::string error;
  auto validated = trackers::validated_config("neon", table, error);
  if (!error.empty()) FAIL("invalid neon config: " << error);
  validated.update(timing);
  return validated;
}

sdk::Result<LoadedBrancher> NeonFixture::try_load(const nlohmann::json& extra) {
  plugins::HostServices host_services;
  host_services.http = services->http.get();
  host_services.secrets = &services->secrets;
  auto* s = services.get();
  host_services.getenv = [s](const char* name) -> const char* {
    auto it = s->env.find(name);
    return it == s->env.end() ? nullptr : it->second.c_str();
  };
  return try_load_brancher("neon", config(extra), std::filesystem::temp_directory_path(), std::move(host_services));
}

LoadedBrancher NeonFixture::load(const nlohmann::json& extra) {
  auto loaded = try_load(extra);
  if (!loaded.ok()) FAIL("cannot load the neon brancher: " << loaded.failure().message);
  return std::move(loaded).value();
}

std::vector<RecordedRequest> NeonFixture::calls(const std::string& method, const std::string& suffix) const {
  std::vector<RecordedRequest> out;
  for (auto& r : neon.requests())
    if (r.method == method && r.path.size() >= suffix.size() &&
        r.path.compare(r.path.size() - suffix.size(), suffix.size(), suffix) == 0)
      out.push_back(r);
  return out;
}

} // namespace fanout::test::branchers
