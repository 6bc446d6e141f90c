#include "host/services/process_runner.hpp"
#include "tests/support/brancher_harness.hpp"
#include "tests/support/free_port.hpp"
#include "tests/support/reviewer_harness.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace fanout;
using fanout::test::branchers::ScratchDir;
using namespace fanout::test::reviewers;

namespace {

/// A tiny app: answers /health with $STATUS (default 200), everything else 404.
const char* k_app = R"(import http.server, os
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(int(os.environ.get("STATUS", "200")) if self.path == "/health" else 404)
        self.end_headers()
    def log_message(self, *args):
        pass
print("listening", flush=True)
http.server.HTTPServer(("127.0.0.1", int(os.environ["PORT"])), H).serve_forever()
)";

sdk::ReviewRequest request_in(const ScratchDir& dir, int port, std::map<std::string, std::string> env = {}) {
  auto request = make_request("3", "", "", dir.path());
  env["PORT"] = std::to_string(port);
  request.workspace.env = env;
  request.workspace.ports = {port};
  std::ofstream(dir.path() / "app.py") << k_app;
  return request;
}

} // namespace

TEST_CASE("command-review: commands run in the worktree with the workspace env", "[command-review]") {
  ScratchDir dir;
  auto reviewer = load_reviewer(
      "command-review", {{"run", {"test \"$PORT\" = 4555 && test \"$FOO\" = bar", "test -f app.py"}}}, dir.path());
  auto review = reviewer->review(request_in(dir, 4555, {{"FOO", "bar"}}), {});
  REQUIRE(review.ok());
  CHECK(review->verdict == sdk::Verdict::approve);
  CHECK(review->findings.empty());
  CHECK(review->summary.rfind("All checks passed.\n- `test \"$PORT\" = 4555 && test \"$FOO\" = bar` passed (", 0) == 0);
}

TEST_CASE("command-review: a failing command is a finding with the output tail", "[command-review]") {
  ScratchDir dir;
  SECTION("exit code and stderr") {
    auto reviewer = load_reviewer("command-review", {{"run", {"true", "echo out; echo oops >&2; exit 3"}}}, dir.path());
    auto review = reviewer->review(request_in(dir, 4556), {});
    REQUIRE(review.ok());
    CHECK(review->verdict == sdk::Verdict::request_changes);
    REQUIRE(review->findings.size() == 1);
    CHECK(review->findings[0].severity == sdk::Severity::critical);
    CHECK(review->findings[0].message == R"("echo out; echo oops >&2; exit 3" failed (exit code 3))");
    CHECK(review->findings[0].detail.find("oops") != std::string::npos);
    CHECK(review->summary.rfind("1 of 2 checks failed.", 0) == 0);
  }
  SECTION("only the last lines are kept") {
    auto reviewer = load_reviewer("command-review", {{"run", {"seq 1 100; exit 1"}}, {"tail_lines", 3}}, dir.path());
    auto review = reviewer->review(request_in(dir, 4557), {});
    REQUIRE(review.ok());
    CHECK(review->findings[0].detail == "[... 97 earlier lines]\n98\n99\n100");
  }
  SECTION("a timeout") {
    auto reviewer = load_reviewer("command-review", {{"run", {"sleep 30"}}, {"timeout", "1s"}}, dir.path());
    auto review = reviewer->review(request_in(dir, 4558), {});
    REQUIRE(review.ok());
    CHECK(review->findings[0].message == R"("sleep 30" failed (timed out after 1s))");
  }
  SECTION("configured severity") {
    auto reviewer = load_reviewer("command-review", {{"run", {"false"}}, {"severity", "important"}}, dir.path());
    auto review = reviewer->review(request_in(dir, 4559), {});
    REQUIRE(review.ok());
    CHECK(review->verdict == sdk::Verdict::approve_with_changes);
    CHECK(review->findings[0].severity == sdk::Severity::important);
  }
}

TEST_CASE("command-review: starts the app on its port, probes it, runs commands against it", "[command-review]") {
  ScratchDir dir;
  const int port = test::free_loopback_port();
  auto reviewer = load_reviewer(
      "command-review",
      {{"start", "exec python3 app.py"},
       {"probe", "health"},
       {"run", {"python3 -c \"import os,urllib.request; urllib.request.urlopen('http://127.0.0.1:'+os.environ['PORT']+'/health')\""}}},
      dir.path());
  auto review = reviewer->review(request_in(dir, port), {});
  REQUIRE(review.ok());
  INFO(review->summary);
  CHECK(review->verdict == sdk::Verdict::approve);
  CHECK(review->summary.find("answered GET /health on port " + std::to_string(port)) != std::string::npos);
  CHECK(services::live_process_groups() == 0); // the app was stopped
}

TEST_CASE("command-review: an app that never gets ready is a finding", "[command-review]") {
  ScratchDir dir;
  const int port = test::free_loopback_port();
  const std::string where = "GET /health on port " + std::to_string(port);
  SECTION("it exits") {
    auto reviewer = load_reviewer("command-review", {{"start", "echo boom; exit 2"}, {"probe", "/health"}}, dir.path());
    auto review = reviewer->review(request_in(dir, port), {});
    REQUIRE(review.ok());
    REQUIRE(review->findings.size() == 1);
    CHECK(review->findings[0].message == "the app (\"echo boom; exit 2\") did not answer " + where + ": exit code 2");
    CHECK(review->findings[0].detail == "app output:\nboom");
  }
  SECTION("it answers but never 2xx") {
    auto reviewer = load_reviewer("command-review",
                                  {{"start", "exec python3 app.py"}, {"probe", "/health"}, {"ready_timeout", "5s"}},
                                  dir.path());
    auto review = reviewer->review(request_in(dir, port, {{"STATUS", "500"}}), {});
    REQUIRE(review.ok());
    REQUIRE(review->findings.size() == 1);
    CHECK(review->findings[0].message ==
          "the app (\"exec python3 app.py\") did not answer " + where + ": no 2xx answer within 5s (last: HTTP 500)");
    CHECK(services::live_process_groups() == 0);
  }
}

TEST_CASE("command-review: config mistakes are failures, not verdicts", "[command-review]") {
  ScratchDir dir;
  struct Case {
    nlohmann::json config;
    const char* message;
  };
  const Case cases[] = {
      {nlohmann::json::object(), R"(nothing to run: set "run" (commands), or "start" and "probe")"},
      {{{"start", "python3 app.py"}}, R"("start" needs "probe" (the HTTP path that answers once the app is up))"},
      {{{"probe", "/health"}}, R"("probe" needs "start" (the command that starts the app on $PORT))"},
      {{{"run", {"true"}}, {"severity", "fatal"}}, R"("severity" must be "critical", "important" or "suggestion", got "fatal")"},
  };
  for (const auto& c : cases) {
    INFO(c.config.dump());
    auto reviewer = load_reviewer("command-review", c.config, dir.path());
    auto review = reviewer->review(request_in(dir, 4560), {});
    REQUIRE_FALSE(review.ok());
    CHECK(review.failure().kind == sdk::FailureKind::invalid_input);
    CHECK(review.failure().message == c.message);
  }
}
