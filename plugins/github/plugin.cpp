// The github plugin: GitHub REST v3 as an issue tracker and a code host.

#include "github.hpp"

#include <fanout/sdk/plugin.hpp>

namespace {

struct GithubPlugin {
  static constexpr const char* name = "github";
  static constexpr const char* version = "1.0.0";
  static constexpr const char* description = "GitHub issues, pull requests and reviews (REST v3, GitHub Enterprise too)";
  static constexpr fanout::sdk::Kind kinds[] = {fanout::sdk::Kind::issue_tracker, fanout::sdk::Kind::code_host};
  static constexpr fanout::sdk::ConfigKey config_keys[] = {
      {.name = "repo", .type = fanout::sdk::ConfigType::string, .doc = "repository as \"owner/name\""},
      {.name = "api_url", .type = fanout::sdk::ConfigType::string, .default_value = "\"https://api.github.com\"",
       .doc = "REST API base URL (GitHub Enterprise: https://HOST/api/v3)",
       .trust = fanout::sdk::Trust::trusted_only},
      {.name = "token_env", .type = fanout::sdk::ConfigType::string,
       .doc = "environment variable holding the token (default: GITHUB_TOKEN, then GH_TOKEN, then `gh auth token`)",
       .trust = fanout::sdk::Trust::trusted_only},
      {.name = "remote", .type = fanout::sdk::ConfigType::string, .default_value = "\"origin\"",
       .doc = "git remote that branches are pushed to"},
  };
  static std::unique_ptr<fanout::sdk::IssueTracker> make_issue_tracker(fanout::sdk::Host& host) {
    return fanout::github::make_tracker(host);
  }
  static std::unique_ptr<fanout::sdk::CodeHost> make_code_host(fanout::sdk::Host& host) {
    return fanout::github::make_code_host(host);
  }
};

} // namespace

FANOUT_PLUGIN(GithubPlugin)
