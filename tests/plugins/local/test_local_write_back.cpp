// The local tracker's write-back: state and labels in the front matter, the status comment
// fenced by markers in the issue file and edited there.
#include "tests/plugins/local/local_helpers.hpp"

#include <catch2/catch.hpp>

#include <regex>

using fanout::sdk::CancelToken;
using fanout::sdk::FailureKind;
using fanout::test::LocalPluginFixture;

namespace {

const char* k_health =
    "---\ntitle: Add a health endpoint\nstate: open\nlabels: [api]\n---\n\nGET /health returns 200.\n";

/// The file with every comment heading's timestamp replaced by "T".
std::string without_times(const std::string& text) {
  return std::regex_replace(text, std::regex(R"(### \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ )"), "### T ");
}

} // namespace

TEST_CASE("local tracker: the status comment is written once and edited in place", "[local][write_back]") {
  LocalPluginFixture f;
  f.write(".fanout/issues/add-health.md", k_health);
  auto made = f.tracker().put_comment("add-health", "", "fanout is working on this issue.", CancelToken());
  REQUIRE(made.ok());
  CHECK(*made == "c1");
  REQUIRE(f.tracker().comment("add-health", "A person's note.", CancelToken()).ok());
  auto edited =
      f.tracker().put_comment("add-health", *made, "fanout: in review\n\nPull request: #1", CancelToken());
  REQUIRE(edited.ok());
  CHECK(*edited == "c1");
  CHECK(without_times(f.read(".fanout/issues/add-health.md")) ==
        "---\ntitle: Add a health endpoint\nstate: open\nlabels: [api]\n---\n\nGET /health returns 200.\n\n"
        "## Comments\n\n"
        "### T fanout <!-- comment c1 -->\n\nfanout: in review\n\nPull request: #1\n<!-- /comment c1 -->\n\n"
        "### T fanout\n\nA person's note.\n");
}

TEST_CASE("local tracker: a status comment a person deleted is written again", "[local][write_back]") {
  LocalPluginFixture f;
  f.write(".fanout/issues/add-health.md", k_health);
  SECTION("an id the file does not have") {
    auto made = f.tracker().put_comment("add-health", "c7", "again", CancelToken());
    REQUIRE(made.ok());
    CHECK(*made == "c1");
  }
  SECTION("a comment whose end marker was deleted is not edited (nothing after it is lost)") {
    f.write(".fanout/issues/add-health.md",
            std::string(k_health) + "\n## Comments\n\n### T fanout <!-- comment c1 -->\n\nold\n\nkept\n");
    auto made = f.tracker().put_comment("add-health", "c1", "new", CancelToken());
    REQUIRE(made.ok());
    CHECK(*made == "c2");
    const std::string text = f.read(".fanout/issues/add-health.md");
    CHECK(text.find("old\n\nkept\n") != std::string::npos);
    CHECK(text.find("<!-- comment c2 -->\n\nnew\n<!-- /comment c2 -->\n") != std::string::npos);
  }
  auto missing = f.tracker().put_comment("nope", "", "x", CancelToken());
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.failure().kind == FailureKind::not_found);
  CHECK(missing.failure().message == "issue \"nope\" not found in .fanout/issues");
}

TEST_CASE("local tracker: the run's phase as state and labels in the front matter", "[local][write_back]") {
  LocalPluginFixture f;
  f.write(".fanout/issues/add-health.md", k_health);
  REQUIRE(f.tracker().set_state("add-health", "in review", CancelToken()).ok());
  REQUIRE(f.tracker().set_labels("add-health", {"fanout:review"}, {"fanout:help"}, CancelToken()).ok());
  auto issue = f.tracker().get("add-health", CancelToken());
  REQUIRE(issue.ok());
  CHECK(issue->state == "in review");
  CHECK(issue->labels == std::vector<std::string>{"api", "fanout:review"});
}
