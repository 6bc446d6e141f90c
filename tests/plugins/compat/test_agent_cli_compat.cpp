// Compatibility with the pinned real agent CLIs (scripts/agent-clis.txt, installed by
// scripts/setup.sh; a missing CLI fails these tests): every flag the plugins pass (captured
// from the plugins themselves through the fake CLIs' argv log) must be an option listed in
// the real CLI's --help, and every value passed to an option that lists choices must be one
// of them. A flag the CLI accepts but hides from --help (claude's --max-turns) fails too:
// hidden flags go away without notice.

#include "cli_help_helpers.hpp"

#include "host/services/process_runner.hpp"
#include "tests/support/agent_harness.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/real_agents.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace fanout;
using namespace fanout::test::agents;
using fanout::test::compat::HelpOption;
using fanout::test::compat::parse_help;

namespace {

std::string help_text(const std::vector<std::string>& argv, const std::filesystem::path& home) {
  services::LocalProcessRunner runner(nullptr);
  sdk::ProcessSpec spec;
  spec.argv = argv;
  spec.env = {{"PATH", fanout::test::real_agents::cli_path()}, {"HOME", home.string()}};
  spec.replace_env = true;
  spec.timeout = std::chrono::seconds(60);
  auto result = runner.run(spec, {}, {});
  REQUIRE(result.ok());
  return result->out + result->err;
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

/// Checks every flag of `argv` against `options`, and the value after each option that
/// lists choices.
void check_argv(const nlohmann::json& argv, const std::map<std::string, HelpOption>& options) {
  for (size_t i = 1; i < argv.size(); ++i) {
    std::string arg = argv[i].get<std::string>();
    if (arg == "--") break; // the prompt follows
    if (arg.size() < 2 || arg[0] != '-') continue;
    std::string flag = arg.substr(0, arg.find('='));
    INFO("flag " << flag << " in " << argv.dump());
    auto it = options.find(flag);
    CHECK(it != options.end());
    if (it == options.end()) continue;
    if (it->second.choices.empty()) continue;
    std::string value = arg.find('=') != std::string::npos ? arg.substr(arg.find('=') + 1)
                        : i + 1 < argv.size()                ? argv[i + 1].get<std::string>()
                                                             : "";
    INFO("value \"" << value << "\", choices listed: " << nlohmann::json(it->second.choices).dump());
    CHECK(it->second.choices.count(value) == 1);
  }
}

} // namespace

TEST_CASE("compat: the --help parser reads commander's and clap's layouts", "[compat]") {
  auto commander = parse_help("Options:\n"
                              "  --allowedTools, --allowed-tools <tools...>  Tools to allow\n"
                              "  --permission-mode <mode>              Permission mode to use\n"
                              "                                        (choices: \"acceptEdits\", \"auto\",\n"
                              "                                        \"plan\")\n"
                              "  -r, --resume [value]                  Resume; see --fork-session\n");
  CHECK(commander.count("--allowedTools") == 1);
  CHECK(commander.count("--allowed-tools") == 1);
  CHECK(commander.count("-r") == 1);
  CHECK(commander.count("--resume") == 1);
  CHECK(commander.count("--fork-session") == 0); // named in a description only
  CHECK(commander.at("--permission-mode").choices == std::set<std::string>{"acceptEdits", "auto", "plan"});
  CHECK(commander.at("--resume").choices.empty());

  auto clap = parse_help("Options:\n"
                         "  -s, --sandbox <SANDBOX_MODE>\n"
                         "          Select the sandbox policy\n"
                         "          \n"
                         "          [possible values: read-only, workspace-write, danger-full-access]\n\n"
                         "      --skip-git-repo-check\n"
                         "          Allow running outside a Git repository\n");
  CHECK(clap.at("--sandbox").choices == std::set<std::string>{"read-only", "workspace-write", "danger-full-access"});
  CHECK(clap.at("-s").choices.size() == 3);
  CHECK(clap.count("--skip-git-repo-check") == 1);
}

TEST_CASE("compat: every flag and choice claude-code passes is listed in the pinned claude --help", "[compat]") {
  auto claude = fanout::test::real_agents::require_cli("claude");
  TempRepo repo, home(false);
  auto log = home.path() / "log.jsonl";
  LoadedAgent agent("claude-code", {{"bare", true}}, repo.path());
  for (auto permission : {sdk::Permission::read_only, sdk::Permission::edit, sdk::Permission::full}) {
    auto request = everything(repo, home, log);
    request.permission = permission;
    REQUIRE(agent.run(request).result.ok());
  }
  auto options = parse_help(help_text({claude.string(), "--help"}, home.path()));
  REQUIRE(options.size() > 30);
  REQUIRE(options.at("--permission-mode").choices.size() > 2);
  auto calls = invocations(log);
  REQUIRE(calls.size() == 3);
  for (const auto& call : calls) check_argv(call["argv"], options);
}

TEST_CASE("compat: every flag and choice codex passes is listed in the pinned codex exec --help", "[compat]") {
  auto codex = fanout::test::real_agents::require_cli("codex");
  TempRepo repo, home(false), plain(false);
  auto log = home.path() / "log.jsonl";
  LoadedAgent agent("codex", nlohmann::json::object(), repo.path());
  auto request = everything(repo, home, log);
  request.workdir = plain.path(); // adds --skip-git-repo-check
  for (auto permission : {sdk::Permission::read_only, sdk::Permission::edit, sdk::Permission::full}) {
    request.permission = permission;
    REQUIRE(agent.run(request).result.ok());
  }
  auto options = parse_help(help_text({codex.string(), "exec", "--help"}, home.path()));
  REQUIRE(options.size() > 20);
  REQUIRE(options.at("--sandbox").choices.size() == 3);
  auto resume_help = help_text({codex.string(), "exec", "resume", "--help"}, home.path());
  CHECK(resume_help.find("SESSION_ID") != std::string::npos);
  auto calls = invocations(log);
  REQUIRE(calls.size() == 3);
  for (const auto& call : calls) check_argv(call["argv"], options);
}
