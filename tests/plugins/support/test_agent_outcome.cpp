// plugins/support: how the shipped agent CLIs' ends and error texts become outcomes.

#include "plugins/support/agent_outcome.hpp"

#include <catch2/catch.hpp>

#include <csignal>

using namespace fanout;
using sdk::SessionOutcome;

TEST_CASE("agent outcome: error texts name auth and rate limits, whichever CLI wrote them",
          "[support][outcome]") {
  CHECK(support::classify_agent_error("API Error: 401 Unauthorized") == SessionOutcome::auth);
  CHECK(support::classify_agent_error("Invalid API key · Please run /login") == SessionOutcome::auth);
  CHECK(support::classify_agent_error("Missing environment variable: `OPENAI_API_KEY`") ==
        SessionOutcome::auth);
  CHECK(support::classify_agent_error("429 Too Many Requests") == SessionOutcome::rate_limited);
  CHECK(support::classify_agent_error("API Error: 529 overloaded_error") == SessionOutcome::rate_limited);
  CHECK(support::classify_agent_error("You've hit your usage limit") == SessionOutcome::rate_limited);
  CHECK(support::classify_agent_error("the build failed in 4012 ms") == SessionOutcome::error);
}

TEST_CASE("agent outcome: advice is added once, and only for auth and rate limits", "[support][outcome]") {
  CHECK(support::with_advice(SessionOutcome::auth, "401", "ANTHROPIC_API_KEY") ==
        "401 (check ANTHROPIC_API_KEY or the CLI's own login: the credentials were missing or refused)");
  CHECK(support::with_advice(SessionOutcome::auth, "set OPENAI_API_KEY", "OPENAI_API_KEY") ==
        "set OPENAI_API_KEY");
  CHECK(support::with_advice(SessionOutcome::rate_limited, "429", "X") ==
        "429 (the model API is rate limiting or overloaded: try again later)");
  CHECK(support::with_advice(SessionOutcome::rate_limited, "busy, try again in 5 s", "X") ==
        "busy, try again in 5 s");
  CHECK(support::with_advice(SessionOutcome::error, "boom", "X") == "boom");
}

TEST_CASE("agent outcome: a process that ended without a result says how it ended", "[support][outcome]") {
  sdk::ProcessResult process;
  std::string text;
  SECTION("killed by a signal") {
    process.signaled = true;
    process.signal = SIGKILL;
    CHECK(support::process_end(process, "claude", "a result event", "", text) == SessionOutcome::crashed);
    CHECK(text == "claude was killed by signal 9 (Killed)");
  }
  SECTION("a non-zero exit, with the stderr tail") {
    process.exit_code = 2;
    CHECK(support::process_end(process, "codex", "completing a turn", "bad flag", text) ==
          SessionOutcome::crashed);
    CHECK(text == "codex exited with code 2 without completing a turn: bad flag");
  }
  SECTION("exit 0 without a result") {
    process.exit_code = 0;
    CHECK(support::process_end(process, "claude", "a result event", "ignored", text) ==
          SessionOutcome::no_result);
    CHECK(text == "claude's output ended without a result event");
  }
}
