// desktop, the real built plugin, running notify-send through the host's process runner.
//
// A real notify-send cannot show anything here: it talks to a notification daemon over the
// D-Bus session bus, and a test machine (CI, a container) has neither a session bus nor a
// desktop. So these tests put a stand-in `notify-send` first on PATH that records its
// arguments, and check the command line fanout gives it; the "absent" case runs with a PATH
// that has no notify-send at all.
#include "tests/support/notifier_harness.hpp"
#include "tests/support/scoped_env.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

using namespace fanout;
using namespace fanout::test::notifiers;
using fanout::test::ScopedEnv;
using fanout::test::TempDir;
using nlohmann::json;

namespace {

/// A folder with a stand-in notify-send that appends its arguments, one per line, and a
/// line "--" after each call, to calls.log beside it; exits with `exit_code`.
void stand_in(const std::filesystem::path& dir, int exit_code = 0) {
  const auto script = dir / "notify-send";
  std::ofstream(script) << "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done >> \"$(dirname \"$0\")/calls.log\"\n"
                           "echo ---- >> \"$(dirname \"$0\")/calls.log\"\n"
                        << (exit_code ? "echo 'cannot connect to the session bus' >&2\n" : "") << "exit " << exit_code
                        << "\n";
  std::filesystem::permissions(script, std::filesystem::perms::owner_all);
}

std::string calls(const std::filesystem::path& dir) {
  std::ifstream in(dir / "calls.log");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

} // namespace

TEST_CASE("desktop: runs notify-send with the title and text", "[desktop]") {
  TempDir dir("desktop");
  stand_in(dir.path());
  ScopedEnv path("PATH", dir.path().string() + ":/usr/bin:/bin");
  auto n = sample(sdk::NotifyEvent::plan_approval);
  SECTION("defaults: app name fanout, normal urgency") {
    auto desktop = load_notifier("desktop", json::object(), dir.path());
    REQUIRE(desktop->notify(n, sdk::CancelToken()).ok());
    CHECK(calls(dir.path()) == "--app-name=fanout\n--urgency=normal\n--\n" + n.title + "\n" + n.text + "\n----\n");
  }
  SECTION("urgency and app_name from config") {
    auto desktop = load_notifier("desktop", {{"urgency", "critical"}, {"app_name", "shop agents"}}, dir.path());
    REQUIRE(desktop->notify(n, sdk::CancelToken()).ok());
    CHECK(calls(dir.path()).rfind("--app-name=shop agents\n--urgency=critical\n--\n", 0) == 0);
  }
  SECTION("a title that starts with a dash is not read as an option") {
    n.title = "--help";
    auto desktop = load_notifier("desktop", json::object(), dir.path());
    REQUIRE(desktop->notify(n, sdk::CancelToken()).ok());
    CHECK(calls(dir.path()).find("--\n--help\n") != std::string::npos);
  }
}

TEST_CASE("desktop: failures say why", "[desktop]") {
  TempDir dir("desktop");
  auto n = sample(sdk::NotifyEvent::failed);
  SECTION("notify-send is not installed: a message that says how to get it, not retried") {
    ScopedEnv path("PATH", dir.path().string()); // nothing in it
    auto desktop = load_notifier("desktop", json::object(), dir.path());
    auto sent = desktop->notify(n, sdk::CancelToken());
    REQUIRE_FALSE(sent.ok());
    CHECK(sent.failure().kind == sdk::FailureKind::unsupported);
    CHECK(sent.failure().message == "\"notify-send\" was not found on PATH: install it (Debian and Ubuntu: apt install "
                                    "libnotify-bin) to get desktop notifications, or remove the desktop [[notify]] "
                                    "table");
  }
  SECTION("notify-send fails (no session bus)") {
    stand_in(dir.path(), 1);
    ScopedEnv path("PATH", dir.path().string() + ":/usr/bin:/bin");
    auto desktop = load_notifier("desktop", json::object(), dir.path());
    auto sent = desktop->notify(n, sdk::CancelToken());
    REQUIRE_FALSE(sent.ok());
    CHECK(sent.failure().kind == sdk::FailureKind::error);
    CHECK(sent.failure().message == "notify-send exited with code 1: cannot connect to the session bus");
  }
  SECTION("an unknown urgency") {
    auto loaded = try_load_notifier("desktop", {{"urgency", "urgent"}}, dir.path());
    REQUIRE(std::holds_alternative<std::string>(loaded));
    CHECK(std::get<std::string>(loaded) == "plugin \"desktop\" failed to create its notifier: unknown urgency "
                                           "\"urgent\" (expected low, normal or critical)");
  }
}
