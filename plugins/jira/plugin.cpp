// The jira plugin: Jira Cloud REST v3 as an issue tracker (ADF converted to/from Markdown).

#include <fanout/sdk/plugin.hpp>

namespace fanout::jira {
std::unique_ptr<sdk::IssueTracker> make_tracker(sdk::Host& host);
}

namespace {

struct JiraPlugin {
  static constexpr const char* name = "jira";
  static constexpr const char* version = "1.0.0";
  static constexpr const char* description = "Jira Cloud issues (REST v3): search, read, comment, transition";
  static constexpr fanout::sdk::ConfigKey config_keys[] = {
      {"site", fanout::sdk::ConfigType::string, nullptr, "site URL, e.g. \"https://acme.atlassian.net\"", true},
      {"project", fanout::sdk::ConfigType::string, nullptr, "project key whose open issues are listed (\"PROJ\")", false},
      {"email_env", fanout::sdk::ConfigType::string, "\"JIRA_EMAIL\"", "environment variable holding the account email", true},
      {"token_env", fanout::sdk::ConfigType::string, "\"JIRA_API_TOKEN\"", "environment variable holding the API token", true},
      {"jql", fanout::sdk::ConfigType::string, nullptr, "JQL that replaces the default list query", false},
  };
  static std::unique_ptr<fanout::sdk::IssueTracker> make_issue_tracker(fanout::sdk::Host& host) {
    return fanout::jira::make_tracker(host);
  }
};

} // namespace

FANOUT_PLUGIN(JiraPlugin)
