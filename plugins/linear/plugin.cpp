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
  static constexpr fanout::sdk::ConfigKey config_keys[] = {
      {"team", fanout::sdk::ConfigType::string, nullptr, "team key whose issues are listed (\"ENG\"); all teams when unset", false},
      {"api_url", fanout::sdk::ConfigType::string, "\"https://api.linear.app/graphql\"", "GraphQL endpoint", true},
      {"token_env", fanout::sdk::ConfigType::string, "\"LINEAR_API_KEY\"", "environment variable holding the API key or OAuth token", true},
      {"auth", fanout::sdk::ConfigType::string, "\"api_key\"",
       "\"api_key\" (personal key, sent without Bearer) or \"oauth\" (sent as Bearer)", false},
  };
  static std::unique_ptr<fanout::sdk::IssueTracker> make_issue_tracker(fanout::sdk::Host& host) {
    return fanout::linear::make_tracker(host);
  }
};

} // namespace

FANOUT_PLUGIN(LinearPlugin)
