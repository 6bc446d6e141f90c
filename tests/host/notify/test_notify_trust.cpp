// url_env chooses where fanout sends run data: an untrusted repo may not set it.
#include "host/config/loader.hpp"
#include "host/plugins/table_config.hpp"
#include "tests/support/built_plugins.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace fanout;
using fanout::test::TempDir;
using fanout::test::shared_registry;

TEST_CASE("notify trust: an untrusted repo may not choose the webhook's url_env", "[notify][trust]") {
  // A repo naming AWS_SECRET_ACCESS_KEY here would have that secret used as the URL (and so
  // sent to whatever host it names); the default (FANOUT_WEBHOOK_URL) applies without trust.
  TempDir repo("notify-untrusted");
  std::ofstream(repo.path() / "fanout.toml") << "[[notify]]\nplugin = \"webhook\"\nurl_env = \"AWS_SECRET_ACCESS_KEY\"\n";
  const auto loaded = config::load_or_throw({repo.path(), repo.path() / "no-user-config.toml"});
  REQUIRE(loaded.notifiers.size() == 1);
  CHECK_THROWS_WITH(plugins::table_config(loaded, loaded.notifiers[0].table, shared_registry()),
                    Catch::StartsWith("fanout.toml:3:1: [[notify]] url_env: runs commands or chooses binaries, "
                                      "paths or URLs that receive credentials, so fanout.toml may set it only in a "
                                      "trusted repo: run \"fanout config trust\""));

  std::ofstream(repo.path() / "fanout.toml") << "[[notify]]\nplugin = \"webhook\"\nformat = \"discord\"\n";
  const auto defaults = config::load_or_throw({repo.path(), repo.path() / "no-user-config.toml"});
  CHECK(plugins::table_config(defaults, defaults.notifiers[0].table, shared_registry()) ==
        nlohmann::json{{"url_env", "FANOUT_WEBHOOK_URL"}, {"format", "discord"}, {"timeout", 10000}});
}

TEST_CASE("notify trust: a trusted repo and the user config may choose url_env", "[notify][trust]") {
  TempDir repo("notify-trusted");
  std::ofstream(repo.path() / "fanout.toml") << "[[notify]]\nplugin = \"webhook\"\nurl_env = \"TEAM_HOOK\"\n";
  std::ofstream(repo.path() / "user-config.toml") << "[trust]\nrepos = [\"" << repo.path().string() << "\"]\n";
  const auto loaded = config::load_or_throw({repo.path(), repo.path() / "user-config.toml"});
  CHECK(plugins::table_config(loaded, loaded.notifiers[0].table, shared_registry())["url_env"] == "TEAM_HOOK");
}
