#include "tests/host/config/config_helpers.hpp"

#include "host/config/plugin_table.hpp"
#include "host/util/error.hpp"

#include <catch2/catch.hpp>

using fanout::sdk::ConfigKey;
using fanout::sdk::ConfigType;
using fanout::sdk::Trust;
using fanout::test::ConfigRepo;
using Errors = std::vector<std::string>;

namespace {

constexpr ConfigKey k_github_keys[] = {
    {.name = "repo", .type = ConfigType::string, .doc = "owner/name"},
    {.name = "api_url", .type = ConfigType::string, .default_value = "\"https://api.github.com\"",
     .doc = "API base URL", .trust = Trust::trusted_only},
    {.name = "token_env", .type = ConfigType::string, .default_value = "\"GITHUB_TOKEN\"",
     .doc = "env var with the token"},
    {.name = "timeout", .type = ConfigType::duration, .default_value = "\"30s\"", .doc = "request timeout"},
    {.name = "labels", .type = ConfigType::string_array, .default_value = "[]", .doc = "labels"},
    {.name = "headers", .type = ConfigType::string_map, .default_value = "{}", .doc = "extra headers"},
    {.name = "per_page", .type = ConfigType::positive_integer, .default_value = "100", .doc = "page size"},
};

Errors validate(const ConfigRepo& repo, const fanout::config::PluginTable& table, nlohmann::json* out = nullptr) {
  fanout::config::Diagnostics errors;
  auto json = fanout::config::validate_plugin_table(table, k_github_keys, repo.load().config.trust, errors);
  if (out) *out = json;
  Errors messages;
  for (const auto& e : errors) messages.push_back(e.str());
  return messages;
}

} // namespace

TEST_CASE("plugin table: keys become the plugin's JSON with defaults filled", "[config][plugin]") {
  ConfigRepo repo;
  repo.repo_toml("[tracker]\nkind = \"github\"\nrepo = \"o/n\"\ntimeout = \"2m\"\nheaders = { X-A = \"1\" }\n");
  const auto config = repo.load().config;
  nlohmann::json json;
  CHECK(validate(repo, config.tracker, &json).empty());
  CHECK(json == nlohmann::json{{"repo", "o/n"},
                               {"api_url", "https://api.github.com"},
                               {"token_env", "GITHUB_TOKEN"},
                               {"timeout", 120000},
                               {"labels", nlohmann::json::array()},
                               {"headers", {{"X-A", "1"}}},
                               {"per_page", 100}});
}

TEST_CASE("plugin table: errors are positioned like host keys", "[config][plugin]") {
  ConfigRepo repo;
  SECTION("unknown key suggests a plugin key") {
    repo.repo_toml("[tracker]\nkind = \"github\"\nrepp = \"o/n\"\n");
    CHECK(validate(repo, repo.load().config.tracker) ==
          Errors{"fanout.toml:3:1: [tracker] repp: unknown key (did you mean \"repo\"?)"});
  }
  SECTION("a typo of the section's own host key is suggested too") {
    repo.repo_toml("[tracker]\nknid = \"github\"\n");
    CHECK(validate(repo, repo.load().config.tracker) ==
          Errors{"fanout.toml:2:1: [tracker] knid: unknown key (did you mean \"kind\"?)"});
  }
  SECTION("wrong type") {
    repo.repo_toml("[tracker]\nkind = \"github\"\nper_page = -1\nlabels = \"bug\"\n");
    CHECK(validate(repo, repo.load().config.tracker) ==
          Errors{"fanout.toml:3:12: [tracker] per_page: expected a positive integer, got -1",
                 "fanout.toml:4:10: [tracker] labels: expected an array of strings, got \"bug\""});
  }
  SECTION("a reviewer table") {
    repo.repo_toml("[[review]]\nplugin = \"x\"\ntimeout = \"soon\"\n");
    CHECK(validate(repo, repo.load().config.reviews.at(0).table) ==
          Errors{"fanout.toml:3:11: [[review]] timeout: expected a duration like \"90s\", \"45m\", \"2h\" or integer "
                 "seconds, got \"soon\""});
  }
}

TEST_CASE("plugin table: trusted-only plugin keys need a trusted repo", "[config][plugin][trust]") {
  ConfigRepo repo;
  repo.repo_toml("[tracker]\nkind = \"github\"\napi_url = \"https://evil.example\"\n");
  SECTION("untrusted") {
    const auto errors = validate(repo, repo.load().config.tracker);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].rfind("fanout.toml:3:1: [tracker] api_url: runs commands or chooses binaries", 0) == 0);
  }
  SECTION("trusted") {
    repo.user_toml("[trust]\nrepos = [\"" + repo.root().string() + "\"]\n");
    nlohmann::json json;
    CHECK(validate(repo, repo.load().config.tracker, &json).empty());
    CHECK(json["api_url"] == "https://evil.example");
  }
  SECTION("set in the user config") {
    repo.repo_toml("[tracker]\nkind = \"github\"\n");
    repo.user_toml("[tracker]\nkind = \"github\"\napi_url = \"https://ghe.example\"\n");
    nlohmann::json json;
    CHECK(validate(repo, repo.load().config.tracker, &json).empty());
    CHECK(json["api_url"] == "https://ghe.example");
  }
}

TEST_CASE("plugin table: plugin_config throws every error at once", "[config][plugin]") {
  ConfigRepo repo;
  repo.repo_toml("[tracker]\nkind = \"github\"\nrepp = 1\nper_page = 0\n");
  const auto config = repo.load().config;
  try {
    (void)fanout::config::plugin_config(config, config.tracker, k_github_keys);
    FAIL("expected a UserError");
  } catch (const fanout::UserError& e) {
    CHECK(std::string(e.what()) == "fanout.toml:3:1: [tracker] repp: unknown key (did you mean \"repo\"?)\n"
                                   "fanout.toml:4:12: [tracker] per_page: expected a positive integer, got 0");
    CHECK(e.code() == fanout::ExitCode::usage);
  }
}

TEST_CASE("plugin table: an empty table gets the defaults", "[config][plugin]") {
  ConfigRepo repo;
  nlohmann::json json;
  CHECK(validate(repo, fanout::config::empty_table("[agent.codex]", "codex"), &json).empty());
  CHECK(json.size() == 6);
  CHECK_FALSE(json.contains("repo"));
}
