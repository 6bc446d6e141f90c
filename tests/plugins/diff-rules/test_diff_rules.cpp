// diff-rules, the real built plugin loaded through the registry and hosted by PluginHost.
#include "host/plugins/plugin_host.hpp"
#include "host/plugins/registry.hpp"
#include "tests/support/paths.hpp"

#include <catch2/catch.hpp>

using namespace fanout;

namespace {

/// The plugin's reviewer with `config`, plus what it is bound to (destroyed in order).
struct DiffRules {
  explicit DiffRules(nlohmann::json config = nlohmann::json::object()) {
    registry.discover({{test::plugin_dir(), "build"}});
    host = std::make_unique<plugins::PluginHost>(plugins::HostServices{}, "diff-rules", std::move(config),
                                                 std::filesystem::temp_directory_path(),
                                                 std::filesystem::temp_directory_path());
    auto made = registry.create<sdk::Reviewer>("diff-rules", *host);
    if (!made.ok()) FAIL(made.failure().message);
    reviewer = std::move(*made);
  }

  sdk::Review review(const std::string& diff) {
    sdk::ReviewRequest request;
    request.issue.key = "1";
    request.diff = diff;
    auto result = reviewer->review(request, sdk::CancelToken());
    REQUIRE(result.ok());
    return std::move(result).value();
  }

  plugins::Registry registry;
  std::unique_ptr<plugins::PluginHost> host;
  plugins::Instance<sdk::Reviewer> reviewer;
};

std::string diff_adding(const std::string& file, int at, const std::vector<std::string>& added) {
  std::string diff = "diff --git a/" + file + " b/" + file + "\n--- a/" + file + "\n+++ b/" + file + "\n";
  diff += "@@ -" + std::to_string(at) + ",1 +" + std::to_string(at) + "," + std::to_string(added.size() + 1) + " @@\n";
  diff += " context\n";
  for (const auto& line : added) diff += "+" + line + "\n";
  return diff;
}

std::string describe(const sdk::Finding& f) {
  return std::string(sdk::to_string(f.severity)) + " " + f.file + ":" + std::to_string(f.line) + " " + f.message;
}

std::vector<std::string> described(const sdk::Review& review) {
  std::vector<std::string> out;
  for (const auto& finding : review.findings) out.push_back(describe(finding));
  return out;
}

} // namespace

TEST_CASE("diff-rules: a clean diff is approved", "[diff-rules]") {
  DiffRules plugin;
  auto review = plugin.review(diff_adding("src/a.cpp", 10, {"int x = 1;", "return x;"}));
  CHECK(review.verdict == sdk::Verdict::approve);
  CHECK(review.findings.empty());
  CHECK(review.summary == "diff-rules: 2 added lines checked; no conflict markers, secrets or TODOs.");
}

TEST_CASE("diff-rules: conflict markers are critical, on their new-side lines", "[diff-rules]") {
  DiffRules plugin;
  auto review = plugin.review(diff_adding("src/a.cpp", 10, {"<<<<<<< HEAD", "a();", "=======", "b();", ">>>>>>> feature"}));
  CHECK(review.verdict == sdk::Verdict::request_changes);
  CHECK(described(review) ==
        std::vector<std::string>{
            "critical src/a.cpp:11 merge conflict marker \"<<<<<<<\" is added; resolve the conflict",
            "critical src/a.cpp:13 merge conflict marker \"=======\" is added; resolve the conflict",
            "critical src/a.cpp:15 merge conflict marker \">>>>>>>\" is added; resolve the conflict"});
}

TEST_CASE("diff-rules: a bare ======= underline alone is not a conflict", "[diff-rules]") {
  DiffRules plugin;
  auto review = plugin.review(diff_adding("docs/index.rst", 1, {"Title", "=======", "x <<<<<<< y"}));
  CHECK(review.verdict == sdk::Verdict::approve);
}

TEST_CASE("diff-rules: secrets are critical and masked", "[diff-rules]") {
  DiffRules plugin;
  const std::string github = "ghp_" + std::string("A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8");
  const std::string aws = "AKIAIOSFODNN7EXAMPLE";
  const std::string slack = "xoxb-123456789012-abcdefghijkl";
  const std::string generic = "9fQ2xLr7Tz1Kp8Wm4Yc6";
  auto review = plugin.review(diff_adding(
      "config/app.env", 3,
      {"GITHUB=" + github, "aws_id = " + aws, "SLACK: " + slack, "api_key = \"" + generic + "\"",
       "-----BEGIN RSA PRIVATE KEY-----", "MIIEowIBAAKCAQEA"}));
  CHECK(review.verdict == sdk::Verdict::request_changes);
  CHECK(described(review) ==
        std::vector<std::string>{
            "critical config/app.env:4 a likely GitHub token \"ghp_***\" is added; remove it and rotate it",
            "critical config/app.env:5 a likely AWS access key id \"AKIA***\" is added; remove it and rotate it",
            "critical config/app.env:6 a likely Slack token \"xoxb***\" is added; remove it and rotate it",
            "critical config/app.env:7 a likely secret \"9fQ2***\" is added; remove it and rotate it",
            "critical config/app.env:8 a private key is added; remove it and revoke the key"});
  for (const auto& finding : review.findings) {
    for (const auto& secret : {github, aws, slack, generic}) {
      CHECK(finding.message.find(secret) == std::string::npos);
      CHECK(finding.detail.find(secret) == std::string::npos);
    }
  }
  CHECK(review.findings[0].detail == "GITHUB=ghp_***");
}

TEST_CASE("diff-rules: placeholders and low-entropy values are not secrets", "[diff-rules]") {
  DiffRules plugin;
  auto review = plugin.review(diff_adding("a.py", 1, {"api_key = \"${API_KEY_FROM_ENVIRONMENT}\"",
                                                      "password = \"xxxxxxxxxxxxxxxxxxxx\"",
                                                      "token = \"<your-token-goes-here>\""}));
  CHECK(review.findings.empty());
}

TEST_CASE("diff-rules: TODO and FIXME alone ask for changes without blocking", "[diff-rules]") {
  DiffRules plugin;
  auto review = plugin.review(diff_adding("a.cpp", 1, {"// TODO: handle errors", "x(); // FIXME", "todo_list();"}));
  CHECK(review.verdict == sdk::Verdict::approve_with_changes);
  CHECK(described(review) == std::vector<std::string>{"suggestion a.cpp:2 TODO added; do it now or link an issue",
                                                      "suggestion a.cpp:3 FIXME added; do it now or link an issue"});
}

TEST_CASE("diff-rules: only added lines count, with line numbers across hunks and files", "[diff-rules]") {
  DiffRules plugin;
  const std::string diff = "diff --git a/a.txt b/a.txt\n"
                           "--- a/a.txt\n"
                           "+++ b/a.txt\n"
                           "@@ -1,3 +1,3 @@\n"
                           " one\n"
                           "-// TODO old, removed\n"
                           "+fixed\n"
                           " three\n"
                           "@@ -20,2 +20,3 @@\n"
                           " twenty\n"
                           "+++ TODO looks like a header but is an added line\n"
                           " twenty-one\n"
                           "diff --git a/gone.txt b/gone.txt\n"
                           "deleted file mode 100644\n"
                           "--- a/gone.txt\n"
                           "+++ /dev/null\n"
                           "@@ -1 +0,0 @@\n"
                           "-<<<<<<< HEAD\n"
                           "diff --git a/b.txt b/b.txt\n"
                           "new file mode 100644\n"
                           "--- /dev/null\n"
                           "+++ b/b.txt\n"
                           "@@ -0,0 +1,2 @@\n"
                           "+first\n"
                           "+FIXME second\n"
                           "\\ No newline at end of file\n";
  auto review = plugin.review(diff);
  CHECK(described(review) == std::vector<std::string>{"suggestion a.txt:21 TODO added; do it now or link an issue",
                                                      "suggestion b.txt:2 FIXME added; do it now or link an issue"});
}

TEST_CASE("diff-rules: each rule can be turned off", "[diff-rules]") {
  const auto diff = diff_adding("a.cpp", 1, {"<<<<<<< HEAD", "token = \"9fQ2xLr7Tz1Kp8Wm4Yc6\"", "// TODO"});
  SECTION("conflict markers") {
    DiffRules plugin(nlohmann::json{{"conflict_markers", false}});
    CHECK(plugin.review(diff).findings.size() == 2);
  }
  SECTION("secrets") {
    DiffRules plugin(nlohmann::json{{"secrets", false}});
    CHECK(plugin.review(diff).findings.size() == 2);
  }
  SECTION("todos") {
    DiffRules plugin(nlohmann::json{{"todos", false}});
    auto review = plugin.review(diff);
    CHECK(review.findings.size() == 2);
    CHECK(review.verdict == sdk::Verdict::request_changes);
  }
  SECTION("all") {
    DiffRules plugin(nlohmann::json{{"conflict_markers", false}, {"secrets", false}, {"todos", false}});
    CHECK(plugin.review(diff).verdict == sdk::Verdict::approve);
  }
}
