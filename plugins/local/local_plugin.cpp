// The "local" plugin: an issue tracker and a code host that need no service, only files in
// the repository (.fanout/issues, .fanout/prs). For offline work, teams without a hosted
// forge, and `fanout demo`.

#include "local_code_host.hpp"
#include "local_tracker.hpp"

#include <fanout/sdk/plugin.hpp>

namespace {

struct LocalPlugin {
  static constexpr const char* name = "local";
  static constexpr const char* version = "0.1.0";
  static constexpr const char* description = "issues as Markdown files, pull requests as records under .fanout/prs";
  static constexpr fanout::sdk::Kind kinds[] = {fanout::sdk::Kind::issue_tracker, fanout::sdk::Kind::code_host};
  static constexpr fanout::sdk::ConfigKey config_keys[] = {
      {.name = "issues_dir", .type = fanout::sdk::ConfigType::path, .default_value = "\".fanout/issues\"",
       .doc = "directory of issue files <KEY>.md, relative to the repo root"},
      {.name = "prs_dir", .type = fanout::sdk::ConfigType::path, .default_value = "\".fanout/prs\"",
       .doc = "directory of pull request records, relative to the repo root"},
      {.name = "author", .type = fanout::sdk::ConfigType::string, .default_value = "\"fanout\"",
       .doc = "author written on comments and replies"},
      {.name = "ci_command", .type = fanout::sdk::ConfigType::string,
       .doc = "shell command run as the one check of a pull request's head commit (exit 0 passes)",
       .trust = fanout::sdk::Trust::trusted_only},
      {.name = "ci_timeout", .type = fanout::sdk::ConfigType::duration, .default_value = "\"30m\"",
       .doc = "how long ci_command may run before its check fails as timed_out"},
  };

  static std::unique_ptr<fanout::sdk::IssueTracker> make_issue_tracker(fanout::sdk::Host& host) {
    return std::make_unique<fanout::local::LocalTracker>(host);
  }
  static std::unique_ptr<fanout::sdk::CodeHost> make_code_host(fanout::sdk::Host& host) {
    return std::make_unique<fanout::local::LocalCodeHost>(host);
  }
};

} // namespace

FANOUT_PLUGIN(LocalPlugin)
