// The linear plugin: Linear's GraphQL API as an issue tracker.

#include <fanout/sdk/plugin.hpp>

namespace fanout::linear {
std::unique_ptr<sdk::IssueTracker> make_tracker(sdk::Host& host);
}

namespace {

struct LinearPlugin {
  static constexpr const char* name = "linear";
  static constexpr const char* version = "1.0.0";
  static constexpr const char* description = "Linear issues over GraphQL: list, read, comment, move state";
  static constexpr fanout::sdk::Kind kinds[] = {fanout::sdk::Kind::issue_tracker};
  static constexpr fanout::sdk::ConfigKey config_keys[] = {
      {.name = "team", .type = fanout::sdk::ConfigType::string,
       .doc = "team key whose issues are listed (\"ENG\"); all teams when unset"},
      {.name = "api_url", .type = fanout::sdk::ConfigType::string, .default_value = "\"https://api.linear.app/graphql\"",
       .doc = "GraphQL endpoint", .trust = fanout::sdk::Trust::trusted_only},
      {.name = "token_env", .type = fanout::sdk::ConfigType::string, .default_value = "\"LINEAR_API_KEY\"",
       .doc = "environment variable holding the API key or OAuth token",
       .trust = fanout::sdk::Trust::trusted_only},
      {.name = "auth", .type = fanout::sdk::ConfigType::string, .default_value = "\"api_key\"",
       .doc = "\"api_key\" (personal key, sent without Bearer) or \"oauth\" (sent as Bearer)"},
  };
  static std::unique_ptr<fanout::sdk::IssueTracker> make_issue_tracker(fanout::sdk::Host& host) {
    return fanout::linear::make_tracker(host);
  }
};

} // namespace

FANOUT_PLUGIN(LinearPlugin)
