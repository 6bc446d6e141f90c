// `fanout doctor`'s programs: git, and what the configured agent providers declare they run
// (no host file names a plugin's program or its install command).
#include "host/app/doctor_tools.hpp"
#include "tests/host/app/app_helpers.hpp"

#include <catch2/catch.hpp>

using namespace fanout;

namespace {

std::vector<std::string> lines_of(const std::vector<workspace::ToolCheck>& tools) {
  std::vector<std::string> out;
  for (const auto& tool : tools) out.push_back(tool.name + ": " + tool.install);
  return out;
}

} // namespace

TEST_CASE("doctor tools: each configured agent provider's declared program, with how to install it", "[app]") {
  const auto registry = test::built_plugins();
  SECTION("[agent] provider and every [agent.<name>] table, in name order, each once") {
    test::AppRepo repo("[agent]\nprovider = \"codex\"\n\n[agent.claude-code]\n\n[agent.codex]\n");
    CHECK(lines_of(app::doctor_tools(repo.config(), *registry)) ==
          std::vector<std::string>{"git: sudo apt-get install git", "claude: npm install -g @anthropic-ai/claude-code",
                                   "codex: npm install -g @openai/codex"});
  }
  SECTION("a provider that runs no program of its own adds nothing") {
    test::AppRepo repo("[agent]\nprovider = \"replay\"\n");
    CHECK(lines_of(app::doctor_tools(repo.config(), *registry)) == std::vector<std::string>{"git: sudo apt-get install git"});
  }
  SECTION("an unknown provider adds nothing (config check reports it)") {
    test::AppRepo repo("[agent]\nprovider = \"cladue\"\n");
    CHECK(lines_of(app::doctor_tools(repo.config(), *registry)) == std::vector<std::string>{"git: sudo apt-get install git"});
  }
}
