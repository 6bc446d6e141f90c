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
  static constexpr fanout::sdk::ConfigKey config_keys[] = {
      {"issues_dir", fanout::sdk::ConfigType::path, "\".fanout/issues\"",
       "directory of issue files <KEY>.md, relative to the repo root", false},
      {"prs_dir", fanout::sdk::ConfigType::path, "\".fanout/prs\"",
       "directory of pull request records, relative to the repo root", false},
      {"author", fanout::sdk::ConfigType::string, "\"fanout\"", "author written on comments", false},
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
