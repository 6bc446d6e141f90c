// What a user sees when the model API fails under the REAL claude and codex: each HTTP
// failure ends the session with the right failure kind and a message that says what to do.
// The CLIs retry (a little: CLAUDE_CODE_MAX_RETRIES=1, codex's provider retries 0) so the
// failures repeat for every request.

#include "real_cli_helpers.hpp"

#include "tests/support/real_agents.hpp"

#include <catch2/catch.hpp>

#include <cctype>
#include <chrono>

using namespace fanout::test;
using namespace fanout::test::real_cli;

namespace {

const std::map<std::string, std::string> k_few_retries = {{"CLAUDE_CODE_MAX_RETRIES", "1"}};

/// The session's failure: kind and message of the last output line.
struct Failure {
  std::string kind;
  std::string text;
};

Failure fail_with(const std::string& provider, ModelTurn turn, std::vector<std::string> args = {}) {
  Session s;
  s.api.push(std::move(turn).times(-1));
  auto run = s.agent_run(provider, args, "say hello", s.env(provider, k_few_retries));
  INFO(run.out << run.err);
  CHECK(run.rc == 1);
  CHECK(run.result["ok"] == false);
  CHECK(s.api.turn_requests().size() >= 1);
  return {run.result.value("kind", std::string()), run.result.value("text", std::string())};
}

/// Case-insensitive substring test.
bool mentions(std::string text, std::string what) {
  for (auto* s : {&text, &what})
    for (auto& c : *s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text.find(what) != std::string::npos;
}

} // namespace

TEST_CASE("real CLIs: a 401 is an auth failure that names the key to check", "[real-cli][errors]") {
  for (std::string provider : {"claude-code", "codex"}) {
    SECTION(provider) {
      auto failure = fail_with(provider, ModelTurn::unauthorized());
      INFO(failure.text);
      CHECK(failure.kind == "auth");
      CHECK(mentions(failure.text, provider == "codex" ? "OPENAI_API_KEY" : "ANTHROPIC_API_KEY"));
    }
  }
}

TEST_CASE("real CLIs: a 429 that persists is rate_limited and says to wait", "[real-cli][errors]") {
  for (std::string provider : {"claude-code", "codex"}) {
    SECTION(provider) {
      auto failure = fail_with(provider, ModelTurn::rate_limited(1));
      INFO(failure.text);
      CHECK(failure.kind == "rate_limited");
      CHECK(mentions(failure.text, "429"));
      CHECK(mentions(failure.text, "try again"));
    }
  }
}

TEST_CASE("real CLIs: an overloaded API (529 / 503) is rate_limited for both providers", "[real-cli][errors]") {
  for (std::string provider : {"claude-code", "codex"}) {
    SECTION(provider) {
      auto failure = fail_with(provider, ModelTurn::overloaded());
      INFO(failure.text);
      CHECK(failure.kind == "rate_limited");
      CHECK(mentions(failure.text, provider == "codex" ? "at capacity" : "overloaded"));
      CHECK(mentions(failure.text, "try again"));
    }
  }
}

TEST_CASE("real CLIs: a 500 that persists is an error with the API's message", "[real-cli][errors]") {
  for (std::string provider : {"claude-code", "codex"}) {
    SECTION(provider) {
      auto failure = fail_with(provider, ModelTurn::server_error());
      INFO(failure.text);
      CHECK(failure.kind == "error");
      // Each CLI's own words for it.
      CHECK(mentions(failure.text, provider == "codex" ? "high demand" : "internal server error"));
    }
  }
}

TEST_CASE("real CLIs: an error in the middle of the stream fails the session with its message", "[real-cli][errors]") {
  for (std::string provider : {"claude-code", "codex"}) {
    SECTION(provider) {
      auto failure = fail_with(provider, ModelTurn::stream_error("api_error", "the model broke mid-answer"));
      INFO(failure.text);
      CHECK(failure.kind == "error");
      CHECK(mentions(failure.text, "the model broke mid-answer"));
    }
  }
}

TEST_CASE("real CLIs: a 429 with retry-after is waited out and the session succeeds", "[real-cli][errors]") {
  for (std::string provider : {"claude-code", "codex"}) {
    SECTION(provider) {
      Session s;
      s.api.push(ModelTurn::rate_limited(1));
      s.api.push(ModelTurn::answer("hello after the wait"));
      // codex retries only as often as its provider allows: once here.
      auto env = provider == "codex" ? real_agents::codex_env(s.api, s.home.path(), {}, 1)
                                     : s.env(provider, k_few_retries);
      auto started = std::chrono::steady_clock::now();
      auto run = s.agent_run(provider, {}, "say hello", env);
      INFO(run.out << run.err);
      CHECK(run.rc == 0);
      CHECK(run.result["text"] == "hello after the wait");
      CHECK(s.api.turn_requests().size() == 2);
      CHECK(std::chrono::steady_clock::now() - started >= std::chrono::seconds(1));
    }
  }
}

TEST_CASE("real CLIs: a model API that hangs ends in a timeout and nothing left running", "[real-cli][errors]") {
  for (std::string provider : {"claude-code", "codex"}) {
    SECTION(provider) {
      Session s;
      s.api.push(ModelTurn::hang());
      auto started = std::chrono::steady_clock::now();
      auto run = s.agent_run(provider, {"--timeout", "5"}, "say hello");
      auto took = std::chrono::steady_clock::now() - started;
      INFO(run.out << run.err);
      CHECK(run.rc == 1);
      CHECK(run.result["kind"] == "timeout");
      CHECK(took < std::chrono::seconds(30));
      s.api.release_hangs();
    }
  }
}
