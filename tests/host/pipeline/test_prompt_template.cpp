#include "host/pipeline/prompt_template.hpp"
#include "tests/support/brancher_harness.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace fanout;
using fanout::test::branchers::ScratchDir;

TEST_CASE("prompt lookup: a repo's .fanout/prompts overrides the shipped prompt", "[prompts]") {
  ScratchDir repo;
  auto shipped = pipeline::load_prompt(repo.path(), "plan");
  REQUIRE(shipped.ok());
  CHECK(shipped->find("{{issue.title}}") != std::string::npos);

  std::filesystem::create_directories(repo.path() / ".fanout/prompts");
  std::ofstream(repo.path() / ".fanout/prompts/plan.md") << "Plan {{issue.key}} our way.";
  auto rendered = pipeline::render_prompt(repo.path(), "plan", {{"issue.key", "7"}});
  REQUIRE(rendered.ok());
  CHECK(*rendered == "Plan 7 our way.");
}

TEST_CASE("prompt lookup: an unknown prompt names where it looked", "[prompts]") {
  ScratchDir repo;
  auto missing = pipeline::load_prompt(repo.path(), "plam");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.failure().kind == sdk::FailureKind::not_found);
  CHECK(missing.failure().message.rfind("prompt \"plam\" not found (looked in " + (repo.path() / ".fanout/prompts").string(), 0) == 0);
}

TEST_CASE("prompt lookup: every shipped prompt uses only placeholders fanout fills", "[prompts]") {
  ScratchDir repo;
  const sdk::TemplateValues values{
      {"issue.key", "K"},        {"issue.title", "T"},      {"issue.body", "B"},        {"issue.url", "U"},
      {"plan", "P"},             {"findings", "F"},         {"diff", "D"},              {"workspace.port", "1"},
      {"workspace.path", "W"},   {"workspace.branch", "BR"}, {"workspace.base", "BA"}, {"workspace.database_env", "E"},
      {"pr.url", "PU"},          {"pr.title", "PT"},        {"schema", "S"},            {"evidence", "EV"},
      {"rules", "R"}};
  for (const char* name : {"plan", "build", "fix", "review-pr", "adversarial", "scope", "heal"}) {
    INFO(name);
    auto text = pipeline::render_prompt(repo.path(), name, values);
    REQUIRE(text.ok());
    CHECK(text->find("{{") == std::string::npos);
  }
}
