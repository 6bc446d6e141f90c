// Transcripts, result JSON, the agent environment and run_session, with a scripted provider.

#include "host/agent/agent_env.hpp"
#include "host/agent/result_json.hpp"
#include "host/agent/session.hpp"
#include "host/agent/transcript.hpp"
#include "tests/support/agent_harness.hpp"

#include <catch2/catch.hpp>

using namespace fanout;
using namespace std::chrono_literals;

namespace {

/// Emits two events and a fixed result, or throws / fails when told.
class ScriptedProvider final : public sdk::AgentProvider {
public:
  enum class Mode { ok, throws, fails } mode = Mode::ok;
  sdk::Result<sdk::SessionResult> run(const sdk::SessionRequest&, const sdk::EventSink& sink,
                                      const sdk::CancelToken&) override {
    if (mode == Mode::throws) throw std::runtime_error("boom");
    if (mode == Mode::fails) return sdk::fail(sdk::FailureKind::not_found, "executable \"x\" not found on PATH");
    sink({sdk::AgentEvent::Type::text, "token sk-live-abcdef123 here", "", "", {}, R"({"t":"sk-live-abcdef123"})"});
    sdk::AgentEvent usage;
    usage.type = sdk::AgentEvent::Type::usage;
    usage.usage = {10, 20, 30, 40};
    sink(usage);
    sdk::SessionResult result;
    result.outcome = sdk::SessionOutcome::success;
    result.text = "done";
    result.session_id = "s-1";
    result.usage = {10, 20, 30, 40};
    result.cost_usd = 0.5;
    result.turns = 3;
    result.duration = 1500ms;
    return result;
  }
};

} // namespace

TEST_CASE("agent result json: keys of `fanout agent run --json`", "[agent]") {
  sdk::SessionResult result;
  result.outcome = sdk::SessionOutcome::max_turns;
  result.text = "stopped";
  auto json = agent::result_to_json(result);
  CHECK(json["ok"] == false);
  CHECK(json["kind"] == "max_turns");
  CHECK(json["cost_usd"].is_null());
  CHECK(json["tokens"] == nlohmann::json{{"input", 0}, {"output", 0}, {"cache_read", 0}, {"cache_write", 0}});
  for (const char* key : {"text", "session_id", "turns", "duration_ms"}) CHECK(json.contains(key));
  result.outcome = sdk::SessionOutcome::success;
  result.cost_usd = 0.25;
  json = agent::result_to_json(result);
  CHECK(json["ok"] == true);
  CHECK(json["kind"].is_null());
  CHECK(json["cost_usd"] == 0.25);
}

TEST_CASE("agent env: workspace env plus the allowlist, never other host variables", "[agent]") {
  std::map<std::string, std::string> host = {{"PATH", "/bin"},          {"HOME", "/h"},
                                             {"GITHUB_TOKEN", "ghp_x"}, {"LINEAR_API_KEY", "lin"},
                                             {"ANTHROPIC_API_KEY", "sk"}, {"MY_VAR", "mine"}};
  auto getenv = [&](const char* name) -> const char* {
    auto it = host.find(name);
    return it == host.end() ? nullptr : it->second.c_str();
  };
  auto env = agent::agent_environment({{"PORT", "4010"}, {"PATH", "/ws/bin:/bin"}}, {"MY_VAR"}, getenv);
  CHECK(env == std::map<std::string, std::string>{{"ANTHROPIC_API_KEY", "sk"},
                                                  {"HOME", "/h"},
                                                  {"MY_VAR", "mine"},
                                                  {"PATH", "/ws/bin:/bin"},
                                                  {"PORT", "4010"}});
  services::SecretRegistry secrets;
  agent::register_credentials(env, secrets);
  agent::register_credentials({{"SOME_TOKEN", "tok-12345"}}, secrets);
  CHECK(secrets.redact("tok-12345") == "***");
}

TEST_CASE("agent session: the transcript has a start line, every event redacted, and the result", "[agent]") {
  test::agents::TempRepo repo(false);
  services::SecretRegistry secrets;
  secrets.add("sk-live-abcdef123");
  auto path = agent::TranscriptWriter::path_for(repo.path(), "ISSUE-1", "build");
  CHECK(path == repo.path() / ".fanout/runs/ISSUE-1/build.jsonl");
  auto transcript = agent::TranscriptWriter::open(path, secrets);
  REQUIRE(transcript.ok());
  ScriptedProvider provider;
  sdk::SessionRequest request;
  request.prompt = "do it";
  request.model = "sonnet";
  request.permission = sdk::Permission::edit;
  int forwarded = 0;
  agent::SessionContext context{"scripted", transcript->get(), [&](const sdk::AgentEvent&) { ++forwarded; }};

  SECTION("a session that ran") {
    auto result = agent::run_session(provider, request, context, {});
    REQUIRE(result.ok());
    CHECK(forwarded == 2);
    auto lines = test::agents::read_jsonl(path);
    REQUIRE(lines.size() == 4);
    CHECK(lines[0]["type"] == "start");
    CHECK(lines[0]["provider"] == "scripted");
    CHECK(lines[0]["model"] == "sonnet");
    CHECK(lines[0]["permission"] == "edit");
    CHECK(lines[0]["prompt"] == "do it");
    CHECK(lines[1]["type"] == "text");
    CHECK(lines[1]["text"] == "token *** here");
    CHECK(lines[1]["raw"] == R"({"t":"***"})");
    CHECK(lines[2]["type"] == "usage");
    CHECK(lines[2]["usage"]["cache_write"] == 40);
    CHECK(lines[3]["type"] == "result");
    CHECK(lines[3]["ok"] == true);
    CHECK(lines[3]["text"] == "done");
    CHECK(lines[3]["duration_ms"] == 1500);
    for (const auto& line : lines) CHECK(line["ts"].get<std::string>().size() == 24);
  }
  SECTION("a provider that could not start") {
    provider.mode = ScriptedProvider::Mode::fails;
    auto result = agent::run_session(provider, request, context, {});
    REQUIRE_FALSE(result.ok());
    auto lines = test::agents::read_jsonl(path);
    REQUIRE(lines.size() == 2);
    CHECK(lines[1]["type"] == "error");
    CHECK(lines[1]["text"] == "executable \"x\" not found on PATH");
    CHECK(lines[1]["detail"] == "not_found");
  }
  SECTION("a provider that throws") {
    provider.mode = ScriptedProvider::Mode::throws;
    auto result = agent::run_session(provider, request, context, {});
    REQUIRE_FALSE(result.ok());
    CHECK(result.failure().message == "agent provider \"scripted\" failed: boom");
  }
}
