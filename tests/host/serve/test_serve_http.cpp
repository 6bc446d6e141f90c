// `fanout serve` over HTTP: the token on every request, no state-changing GET, CSRF
// refusals, the event stream, and that nothing secret reaches a page.

#include "serve_helpers.hpp"

#include "host/pipeline/run_store.hpp"
#include "host/state/state_db.hpp"
#include "host/workspace/store.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>

#include <unistd.h>

extern char** environ;

using namespace fanout;
using namespace fanout::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

/// A folder with a state store holding runs "7" (at stage plan) and "8" (failed).
struct Repo {
  Repo() {
    fs::create_directories(root / ".git");
    pipeline::RunStore store(state::StateDb::path_for(root));
    store.begin("7");
    store.set_issue("7", {"7", "add a health endpoint", "Please add /health.", "open", {}, "https://example.invalid/7"});
    store.enter_stage("7", "plan");
    store.begin("8");
    store.enter_stage("8", "build");
    store.set_state("8", pipeline::RunState::failed, "build: the agent gave up");
  }
  pipeline::RunStore store() { return pipeline::RunStore(state::StateDb::path_for(root)); }
  TempDir dir{"serve"};
  fs::path root = dir.path();
};

httplib::Client client(const Served& served) {
  httplib::Client c(served.base);
  c.set_read_timeout(10, 0);
  return c;
}

std::string error_of(const httplib::Result& result) {
  auto body = json::parse(result->body, nullptr, false);
  return body.is_object() ? body.value("error", "") : "";
}

} // namespace

TEST_CASE("serve: every request needs the token, a missing one gets 401 and a wrong one 403, each with why", "[serve]") {
  Repo repo;
  Served served(repo.root);
  CHECK(served.token.size() == 64);
  CHECK(served.url.rfind("http://127.0.0.1:", 0) == 0);
  auto c = client(served);

  SECTION("missing") {
    for (const char* path : {"/", "/run?issue=7", "/api/fleet", "/api/run?issue=7", "/api/diff?issue=7", "/events/fleet"}) {
      auto result = c.Get(path);
      REQUIRE(result);
      INFO(path);
      CHECK(result->status == 401);
      CHECK(error_of(result) ==
            "missing access token: open the address that \"fanout serve\" printed (it ends in ?token=...)");
    }
  }
  SECTION("wrong, including one that differs only in its last digit") {
    std::string almost = served.token;
    almost.back() = almost.back() == '0' ? '1' : '0';
    for (const std::string& token : {std::string("nope"), almost, served.token + "0"}) {
      auto result = c.Get("/api/fleet?token=" + token);
      REQUIRE(result);
      CHECK(result->status == 403);
      CHECK(error_of(result) ==
            "wrong access token: open the address that \"fanout serve\" printed; a restarted server has a new token");
    }
    auto header = c.Get("/api/fleet", {{"X-Fanout-Token", almost}});
    CHECK(header->status == 403);
  }
  SECTION("a browser gets the refusal as a page, with the reason escaped in it") {
    auto result = c.Get("/", {{"Accept", "text/html"}});
    REQUIRE(result);
    CHECK(result->status == 401);
    CHECK(result->get_header_value("Content-Type").rfind("text/html", 0) == 0);
    CHECK(result->body.find("missing access token: open the address that &quot;fanout serve&quot; printed") !=
          std::string::npos);
  }
  SECTION("the right token in the address or the header") {
    auto page = c.Get("/?token=" + served.token);
    REQUIRE(page);
    CHECK(page->status == 200);
    CHECK(page->get_header_value("Referrer-Policy") == "no-referrer");
    CHECK(page->get_header_value("Content-Security-Policy").find("default-src 'none'") != std::string::npos);
    auto fleet = c.Get("/api/fleet", {{"X-Fanout-Token", served.token}});
    REQUIRE(fleet);
    CHECK(fleet->status == 200);
    auto runs = json::parse(fleet->body)["runs"];
    REQUIRE(runs.size() == 2);
    CHECK(runs[0]["issue"] == "7");
    CHECK(runs[0]["title"] == "add a health endpoint");
    CHECK(runs[0]["stage"] == "plan");
    CHECK(runs[1]["state"] == "failed");
    CHECK(runs[1]["error"] == "build: the agent gave up");
  }
}

TEST_CASE("serve: actions refuse GET, a token outside the header, a foreign origin, and say why a run cannot take them", "[serve]") {
  Repo repo;
  Served served(repo.root);
  auto c = client(served);
  const httplib::Headers with_token{{"X-Fanout-Token", served.token}};

  SECTION("GET changes nothing") {
    for (const char* action : {"approve", "resume", "review", "cancel"}) {
      auto result = c.Get(std::string("/api/actions/") + action + "?issue=8&token=" + served.token);
      REQUIRE(result);
      CHECK(result->status == 405);
      CHECK(error_of(result) == "actions change state: they take POST (the dashboard's buttons), never GET");
    }
    CHECK(repo.store().get("8")->state == pipeline::RunState::failed);
  }
  SECTION("the token in the address or a form field is not enough for a POST") {
    auto in_address = c.Post("/api/actions/resume?issue=8&token=" + served.token, "", "text/plain");
    REQUIRE(in_address);
    CHECK(in_address->status == 403);
    CHECK(error_of(in_address) == "actions take the access token in the X-Fanout-Token header, not in the address or a "
                                  "form (use the dashboard's buttons)");
    auto in_form = c.Post("/api/actions/resume", "issue=8&token=" + served.token, "application/x-www-form-urlencoded");
    REQUIRE(in_form);
    CHECK(in_form->status == 401);
    CHECK(error_of(in_form) ==
          "missing access token: open the address that \"fanout serve\" printed (it ends in ?token=...)");
    auto none = c.Post("/api/actions/resume", "issue=8", "application/x-www-form-urlencoded");
    CHECK(none->status == 401);
  }
  SECTION("another site's page cannot post, even with the token") {
    auto headers = with_token;
    headers.emplace("Origin", "http://evil.example");
    auto result = c.Post("/api/actions/resume", headers, R"({"issue": "8"})", "application/json");
    REQUIRE(result);
    CHECK(result->status == 403);
    CHECK(error_of(result) == "cross-origin request refused (origin \"http://evil.example\")");
  }
  SECTION("the same refusals as the CLI commands") {
    auto headers = with_token;
    headers.emplace("Origin", served.base);
    auto unknown = c.Post("/api/actions/resume", headers, R"({"issue": "9"})", "application/json");
    CHECK(unknown->status == 409);
    CHECK(error_of(unknown) == "no run for issue \"9\" (start one with: fanout run 9)");
    auto approve = c.Post("/api/actions/approve", headers, R"({"issue": "8"})", "application/json");
    CHECK(approve->status == 409);
    CHECK(error_of(approve) == "run \"8\" is not waiting for plan approval (it is failed at stage \"build\")");
    auto cancel = c.Post("/api/actions/cancel", headers, R"({"issue": "8"})", "application/json");
    CHECK(cancel->status == 409);
    CHECK(error_of(cancel) == "run \"8\" is not running (it is failed at stage \"build\")");
    // Run 7 says this test process drives it: it is alive, but it is not fanout.
    auto not_fanout = c.Post("/api/actions/cancel", headers, R"({"issue": "7"})", "application/json");
    CHECK(not_fanout->status == 409);
    CHECK(error_of(not_fanout) ==
          "process " + std::to_string(::getpid()) + " recorded for run \"7\" is not fanout; not signalling it");
    auto review = c.Post("/api/actions/review", headers, R"({"issue": "8"})", "application/json");
    CHECK(review->status == 409);
    CHECK(error_of(review) == "no workspace for issue \"8\" (start a run with: fanout run 8)");
    auto nameless = c.Post("/api/actions/review", headers, "{}", "application/json");
    CHECK(nameless->status == 400);
    CHECK(error_of(nameless) == "name the issue (\"issue\" in the request body)");
  }
}

TEST_CASE("serve: the fleet event stream delivers a state-store write within a second", "[serve]") {
  Repo repo;
  Served served(repo.root);
  std::chrono::steady_clock::time_point seen;
  EventReader reader(served.base, "/events/fleet?token=" + served.token, [&](const std::string& name, const json& data) {
    if (name != "fleet") return false;
    for (const auto& run : data["runs"])
      if (run["issue"] == "7" && run["stage"] == "build") {
        seen = std::chrono::steady_clock::now();
        return true;
      }
    return false;
  });
  REQUIRE(reader.connected());
  const auto written = std::chrono::steady_clock::now();
  repo.store().enter_stage("7", "build"); // as a `fanout run` in another process would
  REQUIRE(reader.wait());
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(seen - written);
  INFO("event after " << took.count() << " ms");
  CHECK(took < std::chrono::seconds(1));
}

TEST_CASE("serve: no page or event shows a registered secret or a database password", "[serve]") {
  Repo repo;
  const std::string secret = "sk-test-0123456789abcdef";
  {
    auto store = repo.store();
    store.set_state("8", pipeline::RunState::failed, "tracker said: bad token " + secret);
    workspace::WorkspaceStore workspaces(repo.root);
    workspace::Record record;
    record.key = "8";
    record.branch = "fanout/8";
    record.path = repo.root / ".fanout" / "worktrees" / "8";
    record.base = "main";
    record.db_url = "postgres://app:hunter2-password@127.0.0.1:5432/app_8";
    record.state = workspace::State::ready;
    workspaces.save(record);
    fs::create_directories(repo.root / ".fanout" / "runs" / "8");
    std::ofstream(repo.root / ".fanout" / "runs" / "8" / "build.jsonl")
        << json{{"type", "text"}, {"text", "using key " + secret}}.dump() << "\n";
  }
  std::vector<std::string> env;
  for (char** entry = environ; *entry; ++entry) env.emplace_back(*entry);
  env.push_back("FANOUT_TEST_API_KEY=" + secret);
  Served served(repo.root, {}, env);
  auto c = client(served);
  const httplib::Headers with_token{{"X-Fanout-Token", served.token}};
  auto fleet = c.Get("/api/fleet", with_token);
  auto run = c.Get("/api/run?issue=8", with_token);
  REQUIRE(fleet);
  REQUIRE(run);
  for (const auto* body : {&fleet->body, &run->body}) {
    CHECK(body->find(secret) == std::string::npos);
    CHECK(body->find("hunter2") == std::string::npos);
  }
  CHECK(json::parse(fleet->body)["runs"][1]["error"] == "tracker said: bad token ***");
  CHECK(json::parse(run->body)["workspace"]["database_url"] == "postgres://app:***@127.0.0.1:5432/app_8");

  std::string transcript;
  EventReader reader(served.base, "/events/run?issue=8&token=" + served.token, [&](const std::string& name, const json& data) {
    if (name != "transcript") return false;
    transcript = data.dump();
    return true;
  });
  REQUIRE(reader.wait());
  CHECK(transcript.find(secret) == std::string::npos);
  CHECK(transcript.find("using key ***") != std::string::npos);
}

TEST_CASE("serve: --listen beyond this machine warns, and a taken port is a clear error", "[serve]") {
  Repo repo;
  SECTION("listen on every address") {
    Served served(repo.root, {"--listen", "0.0.0.0"});
    CHECK(served.output().find("fanout: warning: listening on 0.0.0.0: anyone who can reach it and has the address "
                               "below (with its token) can see and act on your runs") != std::string::npos);
    auto c = httplib::Client("http://127.0.0.1:" + std::to_string(served.port));
    CHECK(c.Get("/api/fleet")->status == 401);
    CHECK(c.Get("/api/fleet?token=" + served.token)->status == 200);
  }
  SECTION("an address that is not this machine's") {
    auto [code, output] = serve_failing(repo.root, {"--listen", "203.0.113.7"}); // TEST-NET-3: never local
    CHECK(code == 1);
    CHECK(output == "fanout: error: cannot listen on \"203.0.113.7\" (not an address of this machine)\n");
  }
  SECTION("a port in use") {
    Served first(repo.root);
    auto [code, output] = serve_failing(repo.root, {"--port", std::to_string(first.port)});
    CHECK(code == 1);
    CHECK(output == "fanout: error: cannot listen on 127.0.0.1:" + std::to_string(first.port) +
                        " (in use, or not an address of this machine)\n");
  }
}
