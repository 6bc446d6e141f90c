// Compatibility with the real agent CLIs, where they are installed: every flag the plugins
// pass (captured from the plugins themselves through the fake CLIs' argv log) must appear
// in the real CLI's --help (or, for flags the CLI hides, be accepted by its parser).
// Skipped, with a warning, when the CLI is not on PATH.

#include "host/services/process_support.hpp"
#include "tests/support/agent_harness.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <set>

using namespace fanout;
using namespace fanout::test::agents;

namespace {

/// The real CLI on the test's PATH (never the fakes' bin dir), or "".
std::string real_cli(const std::string& name) {
  const char* path = std::getenv("PATH");
  auto found = services::resolve_executable(name, path ? path : "", {});
  if (!found.ok() || found->rfind(fake_bin_dir().string(), 0) == 0) return {};
  return *found;
}

std::string help_text(const std::vector<std::string>& argv) {
  services::LocalProcessRunner runner(nullptr);
  sdk::ProcessSpec spec;
  spec.argv = argv;
  spec.timeout = std::chrono::seconds(60);
  auto result = runner.run(spec, {}, {});
  REQUIRE(result.ok());
  return result->out + result->err;
}

/// The long and short flags in the argv the plugin passed ("--allowedTools=a" -> "--allowedTools").
std::set<std::string> flags_of(const nlohmann::json& argv) {
  std::set<std::string> flags;
  for (const auto& arg : argv) {
    std::string text = arg.get<std::string>();
    if (text.size() < 2 || text[0] != '-' || text == "--") continue;
    flags.insert(text.substr(0, text.find('=')));
  }
  return flags;
}

/// A request that makes the plugin pass every flag it knows.
sdk::SessionRequest everything(const TempRepo& repo, const TempRepo& home, const std::filesystem::path& log) {
  sdk::SessionRequest r;
  r.prompt = "hello";
  r.workdir = repo.path();
  r.env = fake_env(home.path(), {{"FAKE_AGENT_LOG", log.string()}});
  r.model = "some-model";
  r.max_turns = 3;
  r.max_cost_usd = 1;
  r.append_system_prompt = "x";
  r.resume_session_id = "0e63d1a2-1111-2222-3333-444455556666";
  r.output_schema = R"({"type":"object"})";
  return r;
}

} // namespace

TEST_CASE("compat: every flag claude-code passes is in the real claude --help", "[compat]") {
  auto claude = real_cli("claude");
  if (claude.empty()) {
    WARN("skipped: the real `claude` is not on PATH (npm install -g @anthropic-ai/claude-code)");
    return;
  }
  TempRepo repo, home(false);
  auto log = home.path() / "log.jsonl";
  LoadedAgent agent("claude-code", {{"bare", true}}, repo.path());
  for (auto permission : {sdk::Permission::read_only, sdk::Permission::edit, sdk::Permission::full}) {
    auto request = everything(repo, home, log);
    request.permission = permission;
    REQUIRE(agent.run(request).result.ok());
  }
  auto help = help_text({claude, "--help"});
  // Some flags are hidden from --help but accepted (--max-turns in 2.1.x): for those the
  // parser must complain about the probe flag after them, not about them.
  auto accepted = [&](const std::string& flag) {
    if (help.find(flag) != std::string::npos) return true;
    auto out = help_text({claude, "-p", flag, "1", "--fanout-compat-probe"});
    return out.find("unknown option '--fanout-compat-probe'") != std::string::npos;
  };
  for (const auto& call : invocations(log)) {
    for (const auto& flag : flags_of(call["argv"])) {
      INFO("flag " << flag);
      CHECK(accepted(flag));
    }
    auto mode = std::find(call["argv"].begin(), call["argv"].end(), "--permission-mode");
    REQUIRE(mode != call["argv"].end());
    INFO("permission mode " << *(mode + 1));
    CHECK(help.find((mode + 1)->get<std::string>()) != std::string::npos);
  }
}

TEST_CASE("compat: every flag codex passes is in the real codex exec --help", "[compat]") {
  auto codex = real_cli("codex");
  if (codex.empty()) {
    WARN("skipped: the real `codex` is not on PATH (npm install -g @openai/codex)");
    return;
  }
  TempRepo repo, home(false), plain(false);
  auto log = home.path() / "log.jsonl";
  LoadedAgent agent("codex", nlohmann::json::object(), repo.path());
  auto request = everything(repo, home, log);
  request.workdir = plain.path(); // adds --skip-git-repo-check
  for (auto permission : {sdk::Permission::read_only, sdk::Permission::edit, sdk::Permission::full}) {
    request.permission = permission;
    REQUIRE(agent.run(request).result.ok());
  }
  auto help = help_text({codex, "exec", "--help"});
  auto resume_help = help_text({codex, "exec", "resume", "--help"});
  CHECK(resume_help.find("SESSION_ID") != std::string::npos);
  for (const auto& call : invocations(log)) {
    for (const auto& flag : flags_of(call["argv"])) {
      INFO("flag " << flag);
      CHECK(help.find(flag) != std::string::npos);
    }
    auto sandbox = std::find(call["argv"].begin(), call["argv"].end(), "--sandbox");
    REQUIRE(sandbox != call["argv"].end());
    CHECK(help.find((sandbox + 1)->get<std::string>()) != std::string::npos);
  }
}
