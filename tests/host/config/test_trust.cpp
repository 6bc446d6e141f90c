#include "tests/host/config/config_helpers.hpp"

#include <catch2/catch.hpp>

using fanout::test::ConfigRepo;
using Errors = std::vector<std::string>;

namespace {

std::string untrusted(const ConfigRepo& repo) {
  return "runs commands or chooses binaries, paths or URLs that receive credentials, so fanout.toml may set it "
         "only in a trusted repo: run \"fanout config trust\" (adds \"" +
         repo.root().string() + "\" to [trust] repos in " + repo.user_config().string() +
         ") or set it there instead";
}

} // namespace

TEST_CASE("trust: an untrusted repo may not set keys that run commands", "[config][trust]") {
  ConfigRepo repo;
  repo.repo_toml("[workspace]\nsetup = [\"npm ci\"]\n\n[plugins]\ndirs = [\"x\"]\n\n[agent]\npass_env = [\"AWS_KEY\"]\n");
  const auto result = repo.load();
  CHECK(repo.errors() == Errors{
                             "fanout.toml:2:1: [workspace] setup: " + untrusted(repo),
                             "fanout.toml:5:1: [plugins] dirs: " + untrusted(repo),
                             "fanout.toml:8:1: [agent] pass_env: " + untrusted(repo),
                         });
  CHECK(result.config.workspace.setup.empty());
  CHECK(result.config.plugins.dirs.empty());
}

TEST_CASE("trust: a trusted repo may set them", "[config][trust]") {
  ConfigRepo repo;
  repo.repo_toml("[workspace]\nsetup = [\"npm ci\"]\n");
  SECTION("listed by absolute path") {
    repo.user_toml("[trust]\nrepos = [\"" + repo.root().string() + "\"]\n");
  }
  SECTION("listed with a trailing slash and a dot segment") {
    repo.user_toml("[trust]\nrepos = [\"" + repo.root().string() + "/./\"]\n");
  }
  const auto result = repo.load();
  CHECK(result.errors.empty());
  CHECK(result.config.trust.trusted);
  CHECK(result.config.workspace.setup == std::vector<std::string>{"npm ci"});
}

TEST_CASE("trust: another trusted repo does not trust this one", "[config][trust]") {
  ConfigRepo repo;
  repo.user_toml("[trust]\nrepos = [\"/somewhere/else\"]\n");
  repo.repo_toml("[workspace]\nsetup = [\"npm ci\"]\n");
  CHECK(repo.errors() == Errors{"fanout.toml:2:1: [workspace] setup: " + untrusted(repo)});
}

TEST_CASE("trust: the user config may always set trusted keys", "[config][trust]") {
  ConfigRepo repo;
  repo.user_toml("[workspace]\nsetup = [\"make deps\"]\n");
  const auto result = repo.load();
  CHECK(result.errors.empty());
  CHECK(result.config.workspace.setup == std::vector<std::string>{"make deps"});
}

TEST_CASE("trust: [trust] is read only from the user config", "[config][trust]") {
  ConfigRepo repo;
  repo.repo_toml("[trust]\nrepos = [\"/\"]\n");
  CHECK(repo.errors() == Errors{"fanout.toml:1:2: [trust]: read only from the user config, not from a repo's fanout.toml"});
}
