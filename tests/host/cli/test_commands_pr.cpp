#include "tests/support/fake_github_server.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/shell.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

using namespace fanout::test;
namespace fs = std::filesystem;

namespace {

using Ran = fanout::test::Shell;

Ran shell(const std::string& command) { return fanout::test::sh(command); }

/// A git repo whose fanout.toml points [tracker] (and so [codehost]) at the fake GitHub,
/// trusted by a private user config so it may set api_url.
struct Repo {
  TempDir dir{"pr"};
  fs::path root = dir.path();
  fs::path xdg = root / "xdg";
  std::string token;

  Repo(const FakeGithubServer& github) : token(github.token()) {
    fs::create_directories(root / "repo");
    fs::create_directories(xdg / "fanout");
    std::ofstream(root / "repo" / "fanout.toml") << "[tracker]\nkind = \"github\"\nrepo = \"acme/widgets\"\napi_url = \""
                                                 << github.api_url() << "\"\n";
    std::ofstream(xdg / "fanout" / "config.toml") << "[trust]\nrepos = [\"" << (root / "repo").string() << "\"]\n";
    REQUIRE(git("init -q -b main && git -c user.email=t@e -c user.name=t commit -q --allow-empty -m init").rc == 0);
  }

  Ran git(const std::string& args) const { return shell("cd '" + (root / "repo").string() + "' && git " + args); }
  Ran fanout(const std::string& args) const {
    return shell("cd '" + (root / "repo").string() + "' && env -u GH_TOKEN XDG_CONFIG_HOME='" + xdg.string() +
                 "' GITHUB_TOKEN='" + token + "' '" + fanout_executable().string() + "' " + args);
  }
};

} // namespace

TEST_CASE("pr show: prints the pull request of the issue's branch and its reviews", "[github][cli]") {
  FakeGithubServer github;
  Repo repo(github);
  REQUIRE(repo.git("branch fanout/7-add-health").rc == 0);
  int n = github.add_pull({0, "Add health endpoint", "Closes #7", "fanout/7-add-health", "main"});
  github.add_review({n, "REQUEST_CHANGES", "Missing test for 503.\nSee health.cpp:12.", nlohmann::json::array(), "claude-review",
                     "User", 0, "2025-01-04T00:00:00Z"});
  github.add_review({n, "APPROVE", "Looks good.", nlohmann::json::array(), "codex-review", "User", 0, "2025-01-04T00:00:00Z"});

  auto ran = repo.fanout("pr show 7");
  INFO(ran.out);
  REQUIRE(ran.rc == 0);
  CHECK(ran.out == "#" + std::to_string(n) + " Add health endpoint (open)\n"
                   "https://github.com/acme/widgets/pull/" + std::to_string(n) + "\n"
                   "fanout/7-add-health -> main\n\n"
                   "reviews:\n"
                   "- changes_requested by claude-review at 2025-01-04T00:00:00Z\n"
                   "    Missing test for 503.\n"
                   "    See health.cpp:12.\n"
                   "- approved by codex-review at 2025-01-04T00:00:00Z\n"
                   "    Looks good.\n");
  CHECK(ran.out.find(github.token()) == std::string::npos);

  auto json = repo.fanout("pr show 7 --json");
  REQUIRE(json.rc == 0);
  auto parsed = nlohmann::json::parse(json.out);
  CHECK(parsed["state"] == "open");
  CHECK(parsed["reviews"].size() == 2);
}

TEST_CASE("pr show: explains a missing branch or pull request", "[github][cli]") {
  FakeGithubServer github;
  Repo repo(github);
  SECTION("no branch") {
    auto ran = repo.fanout("pr show 8");
    CHECK(ran.rc == 1);
    CHECK(ran.out == "fanout: error: no branch for issue \"8\" (no workspace, and no branch \"fanout/8-*\"): run \"fanout up "
                     "8\" or \"fanout run\" first\n");
  }
  SECTION("a branch without a pull request") {
    REQUIRE(repo.git("branch fanout/8-fix-login").rc == 0);
    auto ran = repo.fanout("pr show 8");
    CHECK(ran.rc == 1);
    CHECK(ran.out == "fanout: error: no pull request for issue \"8\" (branch \"fanout/8-fix-login\")\n");
  }
}
