// `[runner]` in fanout.toml: who may set it, and `fanout config check`'s refusal of a remote
// runner with a database brancher whose branches only this machine reaches.
#include "tests/support/e2e.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

using namespace fanout::test;
namespace fs = std::filesystem;

namespace {

std::string runner_table() {
  return "\n[plugins]\ndirs = [\"" + (fixture_dir() / "runner").string() + "\"]\n\n[runner]\nkind = \"fixture-runner\"\n";
}

} // namespace

TEST_CASE("runner config: a remote runner with a brancher only this machine reaches is refused, naming both",
          "[runner][config]") {
  E2e e2e;
  SECTION("sqlite files") {
    e2e.append_config(runner_table());
    auto check = e2e.fanout({"config", "check"});
    INFO(check.out << check.err);
    CHECK(check.exit_code == 2);
    CHECK(check.out.find(
              "[runner]: kind = \"fixture-runner\" runs agent sessions on other machines, but the database branches "
              "of [database] brancher = \"sqlite\" are reachable only from this one (a file here, or a server on a "
              "loopback address): use a brancher with a server the runner's machines can reach, or [runner] kind = "
              "\"local\" (see docs/runner.md)\n1 error\n") != std::string::npos);
    // `fanout run` refuses it before any session starts.
    auto ran = e2e.fanout({"run", "1"});
    CHECK(ran.exit_code != 0);
    CHECK(ran.err.find("kind = \"fixture-runner\" runs agent sessions on other machines") != std::string::npos);
    CHECK(e2e.calls().empty());
  }
  SECTION("postgres on a loopback address or a Unix socket") {
    const std::string url = GENERATE(std::string("postgresql://app@127.0.0.1:5432/app"),
                                     std::string("postgresql://app@localhost/app"), std::string("postgresql://app@[::1]/app"),
                                     std::string("postgresql:///app?host=/var/run/postgresql"),
                                     std::string("postgresql://app@db.example,127.0.0.1/app"));
    INFO(url);
    e2e.without_database();
    e2e.append_config("[database]\nbrancher = \"postgres\"\nurl = \"" + url + "\"\n" + runner_table());
    auto check = e2e.fanout({"config", "check"});
    INFO(check.out << check.err);
    CHECK(check.exit_code == 2);
    CHECK(check.out.find("but the database branches of [database] brancher = \"postgres\" are reachable only from "
                         "this one") != std::string::npos);
  }
  SECTION("postgres on a server elsewhere is accepted") {
    e2e.without_database();
    e2e.append_config("[database]\nbrancher = \"postgres\"\nurl = \"postgresql://app@db.internal.example:5432/app\"\n" +
                      runner_table());
    auto check = e2e.fanout({"config", "check"});
    INFO(check.out << check.err);
    CHECK(check.exit_code == 0);
    CHECK(check.out == "fanout.toml: ok\n");
  }
  SECTION("the local runner with sqlite is today's setup") {
    e2e.append_config("\n[runner]\nkind = \"local\"\n");
    auto check = e2e.fanout({"config", "check"});
    INFO(check.out << check.err);
    CHECK(check.exit_code == 0);
  }
}

TEST_CASE("runner config: the runner is chosen only by a trusted repo", "[runner][config]") {
  E2e e2e;
  write_text(e2e.root / "config" / "fanout" / "config.toml", "");
  write_text(e2e.repo / "fanout.toml", "[runner]\nkind = \"fixture-runner\"\nremote = \"upstream\"\n");
  auto check = e2e.fanout({"config", "check"});
  INFO(check.out << check.err);
  CHECK(check.exit_code == 2);
  CHECK(check.out.find("fanout.toml:2:1: [runner] kind: runs commands or chooses binaries, paths or URLs that receive "
                       "credentials, so fanout.toml may set it only in a trusted repo") != std::string::npos);
  CHECK(check.out.find("fanout.toml:3:1: [runner] remote: runs commands") != std::string::npos);
}

TEST_CASE("runner config: a kind that is no runner plugin is named", "[runner][config]") {
  E2e e2e;
  e2e.without_database();
  e2e.append_config("\n[runner]\nkind = \"github\"\n");
  auto check = e2e.fanout({"config", "check"});
  INFO(check.out << check.err);
  CHECK(check.exit_code == 2);
  CHECK(check.out.find("[runner]: plugin \"github\" is not a runner") != std::string::npos);
}
