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
  static constexpr fanout::sdk::Kind kinds[] = {fanout::sdk::Kind::issue_tracker};
  static constexpr fanout::sdk::ConfigKey config_keys[] = {
      {.name = "site", .type = fanout::sdk::ConfigType::string,
       .doc = "site URL, e.g. \"https://acme.atlassian.net\"", .trust = fanout::sdk::Trust::trusted_only},
      {.name = "project", .type = fanout::sdk::ConfigType::string,
       .doc = "project key whose open issues are listed (\"PROJ\")"},
      {.name = "email_env", .type = fanout::sdk::ConfigType::string, .default_value = "\"JIRA_EMAIL\"",
       .doc = "environment variable holding the account email", .trust = fanout::sdk::Trust::trusted_only},
      {.name = "token_env", .type = fanout::sdk::ConfigType::string, .default_value = "\"JIRA_API_TOKEN\"",
       .doc = "environment variable holding the API token", .trust = fanout::sdk::Trust::trusted_only},
      {.name = "jql", .type = fanout::sdk::ConfigType::string,
       .doc = "JQL that replaces the default list query"},
  };
  static std::unique_ptr<fanout::sdk::IssueTracker> make_issue_tracker(fanout::sdk::Host& host) {
    return fanout::jira::make_tracker(host);
  }
};

} // namespace

FANOUT_PLUGIN(JiraPlugin)
