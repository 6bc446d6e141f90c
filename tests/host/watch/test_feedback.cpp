#include "host/services/secrets.hpp"
#include "host/watch/feedback.hpp"

#include <catch2/catch.hpp>

using namespace fanout;
using namespace fanout::watch;

namespace {

sdk::PullRequestComment comment(const std::string& id, const std::string& body, bool bot = false) {
  sdk::PullRequestComment out;
  out.id = id;
  out.author = bot ? "ci[bot]" : "bea";
  out.author_is_bot = bot;
  out.body = body;
  return out;
}

} // namespace

TEST_CASE("feedback: fanout's own comments, answered ones, empty ones and bots are not to answer", "[watch]") {
  std::vector<sdk::PullRequestComment> comments{
      comment("1", "Please rename."),
      comment("2", "## fanout review: done\n\n<!-- fanout -->"),
      comment("3", "fanout addressed this.\n\n<!-- fanout -->\n<!-- fanout:reply-to=1 -->"),
      comment("4", "  \n"),
      comment("5", "Coverage dropped", true),
      comment("6", "And this one?"),
  };
  const auto answered = answered_by_replies(comments);
  CHECK(answered == std::set<std::string>{"1"});
  auto pending = to_answer(comments, answered, false);
  REQUIRE(pending.size() == 1);
  CHECK(pending[0].id == "6");
  CHECK(to_answer(comments, answered, true).size() == 2); // the bot's too
}

TEST_CASE("feedback: check states add up with failure first", "[watch]") {
  auto check = [](sdk::CheckState state) {
    sdk::Check out;
    out.name = "c";
    out.state = state;
    return out;
  };
  CHECK(ci_state({}) == "none");
  CHECK(ci_state({check(sdk::CheckState::success), check(sdk::CheckState::neutral)}) == "success");
  CHECK(ci_state({check(sdk::CheckState::success), check(sdk::CheckState::pending)}) == "pending");
  CHECK(ci_state({check(sdk::CheckState::pending), check(sdk::CheckState::failure)}) == "failure");
}

TEST_CASE("feedback: CI findings fence the log so that backticks in it cannot close the fence", "[watch]") {
  sdk::Check check;
  check.name = "build";
  check.state = sdk::CheckState::failure;
  check.conclusion = "failure";
  const auto text = ci_findings({{check, "```\nboom\n"}});
  CHECK(text == "### CI check \"build\": failure\n\nThe end of its log:\n\n````\n```\nboom\n````\n\n");
  CHECK(ci_findings({{check, ""}}).find("(the code host keeps no log for this check)") != std::string::npos);
}

TEST_CASE("feedback: findings and replies never carry a registered secret", "[watch]") {
  services::SecretRegistry::global().add("s3cr3t-value-for-watch");
  sdk::Check check;
  check.name = "deploy";
  check.state = sdk::CheckState::failure;
  CHECK(ci_findings({{check, "token=s3cr3t-value-for-watch\n"}}).find("s3cr3t") == std::string::npos);
  auto c = comment("9", "use s3cr3t-value-for-watch");
  CHECK(comment_findings({c}).find("s3cr3t") == std::string::npos);
  CHECK(reply_text(c, {}, "", "I used s3cr3t-value-for-watch").find("s3cr3t") == std::string::npos);
}

TEST_CASE("feedback: a reply links each commit under an http pull request URL and marks whom it answers",
          "[watch]") {
  auto c = comment("42", "Why?");
  const std::vector<PushedCommit> commits{{"0123456789abcdef0123456789abcdef01234567", "Rename the helper"}};
  CHECK(reply_text(c, commits, "https://github.com/a/b/pull/3", "") ==
        "fanout addressed this in:\n\n- [0123456](https://github.com/a/b/pull/3/commits/"
        "0123456789abcdef0123456789abcdef01234567) Rename the helper\n\n<!-- fanout -->\n<!-- fanout:reply-to=42 -->");
  CHECK(reply_text(c, commits, "file:///repo/.fanout/prs/3.json", "").find("- 0123456 Rename the helper") !=
        std::string::npos);
  CHECK(reply_text(c, {}, "", "It is used twice.").rfind("fanout looked at this and changed nothing. The agent's "
                                                           "answer:\n\n> It is used twice.",
                                                           0) == 0);
}
