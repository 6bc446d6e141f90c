#include "tests/plugins/local/local_helpers.hpp"

#include <catch2/catch.hpp>

using fanout::sdk::CancelToken;
using fanout::sdk::FailureKind;
using fanout::sdk::IssueQuery;
using fanout::test::LocalPluginFixture;

namespace {

const char* k_health = "---\ntitle: Add a health endpoint\nstate: open\nlabels: [api, small]\n---\n\nGET /health returns 200.\n";
const char* k_docs = "---\ntitle: \"Write docs: config\"\nlabels: docs\n---\nExplain every key.\n";
const char* k_done = "---\ntitle: Old thing\nstate: closed\nlabels: []\n---\nDone.\n";

void write_issues(const LocalPluginFixture& f) {
  f.write(".fanout/issues/add-health.md", k_health);
  f.write(".fanout/issues/docs.md", k_docs);
  f.write(".fanout/issues/old.md", k_done);
}

} // namespace

TEST_CASE("local tracker: get reads front matter and body", "[local]") {
  LocalPluginFixture f;
  write_issues(f);
  auto issue = f.tracker().get("add-health", CancelToken());
  REQUIRE(issue.ok());
  CHECK(issue->key == "add-health");
  CHECK(issue->title == "Add a health endpoint");
  CHECK(issue->state == "open");
  CHECK(issue->labels == std::vector<std::string>{"api", "small"});
  CHECK(issue->body == "GET /health returns 200.\n");
  CHECK(issue->url == "file://" + (f.root() / ".fanout/issues/add-health.md").string());

  auto docs = f.tracker().get("docs", CancelToken());
  REQUIRE(docs.ok());
  CHECK(docs->title == "Write docs: config");
  CHECK(docs->state == "open");
  CHECK(docs->labels == std::vector<std::string>{"docs"});
}

TEST_CASE("local tracker: list filters by state and labels", "[local]") {
  LocalPluginFixture f;
  write_issues(f);
  auto keys = [&](IssueQuery query) {
    auto issues = f.tracker().list(query, CancelToken());
    REQUIRE(issues.ok());
    std::vector<std::string> out;
    for (const auto& issue : *issues) out.push_back(issue.key);
    return out;
  };
  CHECK(keys({}) == std::vector<std::string>{"add-health", "docs"});
  CHECK(keys({.labels = {"api"}}) == std::vector<std::string>{"add-health"});
  CHECK(keys({.labels = {"api", "docs"}}).empty());
  CHECK(keys({.state = "closed"}) == std::vector<std::string>{"old"});
  CHECK(keys({.state = "all"}) == std::vector<std::string>{"add-health", "docs", "old"});
  CHECK(keys({.state = "all", .limit = 1}) == std::vector<std::string>{"add-health"});
}

TEST_CASE("local tracker: an empty or missing directory lists nothing", "[local]") {
  LocalPluginFixture f;
  auto issues = f.tracker().list({}, CancelToken());
  REQUIRE(issues.ok());
  CHECK(issues->empty());
}

TEST_CASE("local tracker: the directory is configurable", "[local]") {
  LocalPluginFixture f(false, "issues_dir = \"docs/issues\"\n");
  f.write("docs/issues/x.md", k_health);
  auto issue = f.tracker().get("x", CancelToken());
  REQUIRE(issue.ok());
  CHECK(issue->title == "Add a health endpoint");
  auto missing = f.tracker().get("nope", CancelToken());
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.failure().message == "issue \"nope\" not found in docs/issues");
}

TEST_CASE("local tracker: errors name the file and line", "[local]") {
  LocalPluginFixture f;
  auto error_of = [&](const std::string& text) {
    f.write(".fanout/issues/bad.md", text);
    auto issue = f.tracker().get("bad", CancelToken());
    REQUIRE_FALSE(issue.ok());
    CHECK(issue.failure().kind == FailureKind::invalid_input);
    return issue.failure().message;
  };
  SECTION("unknown key") {
    auto issue = f.tracker().get("add-health", CancelToken());
    REQUIRE_FALSE(issue.ok());
    CHECK(issue.failure().kind == FailureKind::not_found);
    CHECK(issue.failure().message == "issue \"add-health\" not found in .fanout/issues");
  }
  SECTION("a key that is a path") {
    auto issue = f.tracker().get("../fanout", CancelToken());
    REQUIRE_FALSE(issue.ok());
    CHECK(issue.failure().message == "invalid issue key \"../fanout\"");
  }
  SECTION("no front matter") {
    CHECK(error_of("# Add health\n") ==
          ".fanout/issues/bad.md:1: front matter: expected \"---\" on the first line, got \"# Add health\"");
  }
  SECTION("empty file") {
    CHECK(error_of("") == ".fanout/issues/bad.md:1: front matter: expected \"---\" on the first line, got \"\"");
  }
  SECTION("a line without a colon") {
    CHECK(error_of("---\nstate: open\ntitle Add\n---\n") ==
          ".fanout/issues/bad.md:3: front matter: expected \"key: value\", got \"title Add\"");
  }
  SECTION("no closing marker") {
    CHECK(error_of("---\ntitle: Add\nstate: open\n") == ".fanout/issues/bad.md:3: front matter: no closing \"---\"");
  }
  SECTION("no title") {
    CHECK(error_of("---\nstate: open\n---\nbody\n") == ".fanout/issues/bad.md:1: front matter: missing \"title\"");
  }
  SECTION("unbalanced labels") {
    CHECK(error_of("---\ntitle: x\nlabels: [a, b\n---\n") ==
          ".fanout/issues/bad.md:3: front matter: labels: expected a list like [a, b], got \"[a, b\"");
  }
  SECTION("a malformed file is skipped by the listing; the others are listed") {
    f.write(".fanout/issues/bad.md", "nope\n");
    f.write(".fanout/issues/good.md", k_health);
    auto issues = f.tracker().list({}, CancelToken());
    REQUIRE(issues.ok()); // the warning naming bad.md is checked by the `fanout issues` CLI test
    REQUIRE(issues->size() == 1);
    CHECK(issues->at(0).key == "good");
  }
}

TEST_CASE("local tracker: comments are appended under one Comments heading", "[local]") {
  LocalPluginFixture f;
  write_issues(f);
  REQUIRE(f.tracker().comment("add-health", "Opened PR 1.", CancelToken()).ok());
  REQUIRE(f.tracker().comment("add-health", "Merged.\n", CancelToken()).ok());
  const std::string text = f.read(".fanout/issues/add-health.md");
  CHECK(text.rfind("---\ntitle: Add a health endpoint\nstate: open\nlabels: [api, small]\n---\n\nGET /health returns 200.\n\n## Comments\n\n### ", 0) == 0);
  CHECK(text.find("## Comments") == text.rfind("## Comments"));
  const auto first = text.find(" fanout\n\nOpened PR 1.\n");
  const auto second = text.find(" fanout\n\nMerged.\n");
  CHECK(first != std::string::npos);
  CHECK(second > first);
  auto issue = f.tracker().get("add-health", CancelToken());
  REQUIRE(issue.ok());
  CHECK(issue->body.find("Merged.") != std::string::npos);
  auto missing = f.tracker().comment("nope", "x", CancelToken());
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.failure().kind == FailureKind::not_found);
}

TEST_CASE("local tracker: set_state and set_labels rewrite the front matter", "[local]") {
  LocalPluginFixture f;
  write_issues(f);
  REQUIRE(f.tracker().set_state("add-health", "in progress", CancelToken()).ok());
  REQUIRE(f.tracker().set_labels("add-health", {"fanout", "api"}, {"small"}, CancelToken()).ok());
  CHECK(f.read(".fanout/issues/add-health.md") ==
        "---\ntitle: Add a health endpoint\nstate: in progress\nlabels: [api, fanout]\n---\n\nGET /health returns 200.\n");
  SECTION("a header without the keys gets them added") {
    f.write(".fanout/issues/min.md", "---\ntitle: Minimal\n---\nx\n");
    REQUIRE(f.tracker().set_state("min", "done", CancelToken()).ok());
    REQUIRE(f.tracker().set_labels("min", {"a"}, {}, CancelToken()).ok());
    CHECK(f.read(".fanout/issues/min.md") == "---\ntitle: Minimal\nstate: done\nlabels: [a]\n---\n\nx\n");
  }
}

TEST_CASE("local tracker: a 10 MB body is capped at 64 KiB for the prompt and says so; the file keeps it all",
          "[local]") {
  LocalPluginFixture f;
  const std::string body(10'000'000, 'x');
  f.write(".fanout/issues/huge.md", "---\ntitle: Huge\n---\n" + body + "\n");
  const std::string marker = "\n\n[body truncated by fanout: 10.0 MB, showing the first 64 KiB]";
  auto issue = f.tracker().get("huge", CancelToken());
  REQUIRE(issue.ok());
  CHECK(issue->body == std::string(64 * 1024, 'x') + marker);
  auto listed = f.tracker().list({}, CancelToken());
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 1);
  CHECK(listed->front().body == issue->body);
  // Commenting rewrites the file from what is on disk, never from the capped body.
  REQUIRE(f.tracker().comment("huge", "Opened PR 1.", CancelToken()).ok());
  CHECK(f.read(".fanout/issues/huge.md").find(body + "\n") != std::string::npos);
}
