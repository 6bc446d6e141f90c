// `fanout watch` end to end: the real binary, the fake GitHub server backed by a real bare
// repository (heads, merge states from git), the fake claude behind stage_agent.py.
#include "tests/support/e2e.hpp"
#include "tests/support/shell.hpp"
#include "tests/support/wait.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <signal.h>

#include <memory>
#include <set>

using namespace fanout::test;
using nlohmann::json;

namespace {

/// E2e with the watch's prompts, issue 1 run to an open, approved pull request.
struct Watched {
  Watched() {
    e2e.server.use_git_remote(e2e.origin);
    const auto prompts = e2e.repo / ".fanout" / "prompts";
    write_text(prompts / "ci.md", "STAGE=CI ISSUE={{issue.key}}\n{{findings}}\n");
    write_text(prompts / "comments.md", "STAGE=COMMENTS ISSUE={{issue.key}}\n{{findings}}\n");
    write_text(prompts / "update.md", "STAGE=UPDATE ISSUE={{issue.key}}\n{{findings}}\n");
    e2e.script("CI", R"({"files": {"ci-fixed.txt": "fixed\n"}, "commit": "fix the build"})");
    e2e.script("COMMENTS", R"({"files": {"docs.txt": "documented\n"}, "commit": "answer the review"})");
    e2e.script("UPDATE", R"({"files": {"feature-1.txt": "both sides\n"}, "text": "resolved"})");
  }
  void publish() {
    auto ran = e2e.fanout({"run", "1"});
    INFO(ran.out << ran.err);
    REQUIRE(ran.exit_code == 0);
    REQUIRE(e2e.server.pulls().size() == 1);
    pull = e2e.server.pulls().front().number;
  }
  Ran watch_once() {
    auto ran = e2e.fanout({"watch", "--once"});
    INFO(ran.out << ran.err);
    CHECK(ran.exit_code == 0);
    return ran;
  }
  json run_status() {
    auto ran = e2e.fanout({"status", "--json"});
    REQUIRE(ran.exit_code == 0);
    return json::parse(ran.out).at(0);
  }
  /// The pull's head as the remote has it (the server's own record refreshes only when asked).
  std::string head() {
    auto out = sh("git rev-parse refs/heads/" + e2e.server.pull(pull)->head, e2e.origin).out;
    return out.substr(0, out.find('\n'));
  }
  E2e e2e;
  int pull = 0;
};

/// CI that fails on the first head it sees and passes on every later one.
std::function<std::vector<FakeGithubCheckRun>(const std::string&)> fails_first() {
  auto first = std::make_shared<std::string>();
  return [first](const std::string& sha) {
    if (first->empty()) *first = sha;
    FakeGithubCheckRun run;
    run.name = "build";
    run.status = "completed";
    run.conclusion = sha == *first ? "failure" : "success";
    run.log = sha == *first ? "compiling\napp.py:1: SyntaxError: the e2e failure\n" : "ok\n";
    return std::vector<FakeGithubCheckRun>{run};
  };
}

} // namespace

TEST_CASE("e2e watch: a failing check becomes a fix commit and a green check", "[e2e][watch]") {
  Watched w;
  w.publish();
  w.e2e.server.set_ci(fails_first());
  const std::string failing = w.head();
  const int reviews_before = w.e2e.calls()["REVIEW 1"];

  auto ran = w.watch_once();
  INFO(ran.out << ran.err);
  CHECK(ran.out.find("[1] ci: failing checks: build (failure) (round 1 of 2)") != std::string::npos);
  CHECK(w.e2e.calls()["CI 1"] == 1);
  CHECK(w.e2e.calls()["REVIEW 1"] == reviews_before + 1); // validated again, fresh
  const std::string fixed = w.head();
  CHECK(fixed != failing);
  CHECK(sh("git cat-file -e " + fixed + ":ci-fixed.txt", w.e2e.origin).rc == 0); // pushed

  w.watch_once(); // the new head's check passes: nothing to do
  CHECK(w.e2e.calls()["CI 1"] == 1);
  const auto status = w.run_status();
  CHECK(status["state"] == "done");
  CHECK(status["watch"]["ci"] == "success");
  auto logs = w.e2e.fanout({"logs", "1", "--stage", "ci"});
  CHECK(logs.out.find("failing checks: build (failure)") != std::string::npos);
  CHECK(logs.out.find("[ci-1] --- session") != std::string::npos);
}

TEST_CASE("e2e watch: checks that keep failing end in needs_human naming them", "[e2e][watch]") {
  Watched w;
  w.e2e.append_config("\n[watch]\nci_rounds = 1\n");
  w.publish();
  w.e2e.server.set_ci([](const std::string&) {
    FakeGithubCheckRun run;
    run.name = "lint";
    run.conclusion = "failure";
    return std::vector<FakeGithubCheckRun>{run};
  });
  w.watch_once();
  w.watch_once();
  const auto status = w.run_status();
  CHECK(status["state"] == "needs_human");
  CHECK(status["error"] == "ci: checks still fail after 1 round(s): lint (failure)");
  CHECK(w.e2e.calls()["CI 1"] == 1);
}

TEST_CASE("e2e watch: two review comments become one fix commit and two replies, never repeated after a restart",
          "[e2e][watch]") {
  Watched w;
  w.publish();
  const auto before = w.head();
  const auto line = w.e2e.server.add_review_comment({0, w.pull, "feature-1.txt", 1, 0, "Say which issue this is.",
                                                     "octocat", "User", ""});
  w.e2e.server.add_comment(w.pull, {0, "Please document it.", "hubot", "User", ""});

  auto first = w.watch_once();
  INFO(first.out << first.err);
  CHECK(w.e2e.calls()["COMMENTS 1"] == 1);
  const auto after = w.head();
  REQUIRE(after != before);
  CHECK(sh("git rev-list --count " + before + ".." + after, w.e2e.origin).out == "1\n"); // one fix commit
  // The line comment is answered in its thread, the conversation comment on the conversation.
  int thread_replies = 0;
  for (const auto& comment : w.e2e.server.review_comments(w.pull))
    if (comment.in_reply_to == line) {
      ++thread_replies;
      CHECK(comment.body.find("/commits/" + after) != std::string::npos);
    }
  CHECK(thread_replies == 1);
  int conversation_replies = 0;
  for (const auto& comment : w.e2e.server.comments(w.pull))
    conversation_replies += comment.body.find("<!-- fanout:reply-to=") != std::string::npos ? 1 : 0;
  CHECK(conversation_replies == 1);

  w.watch_once(); // a restart: nothing is answered twice
  CHECK(w.e2e.calls()["COMMENTS 1"] == 1);
  CHECK(w.e2e.server.review_comments(w.pull).size() == 2);
  CHECK(w.run_status()["watch"]["unanswered"] == 0);
}

TEST_CASE("e2e watch: a pull request made unmergeable by another merge is updated, resolved, reviewed and pushed",
          "[e2e][watch]") {
  Watched w;
  w.e2e.append_config("\n[workspace]\nbase_remote = true\n");
  w.publish();
  const auto before = w.head();
  // Another change lands on main and conflicts with issue 1's file.
  const auto other = w.e2e.root / "other";
  REQUIRE(sh("git clone -q -b main '" + w.e2e.origin.string() + "' '" + other.string() + "'").rc == 0);
  write_text(other / "feature-1.txt", "main's version\n");
  REQUIRE(sh("git add -A && git -c user.name=o -c user.email=o@example.invalid commit -qm 'land a conflict' && "
             "git push -q origin HEAD:main",
             other)
              .rc == 0);
  const int reviews_before = w.e2e.calls()["REVIEW 1"];

  auto ran = w.watch_once();
  INFO(ran.out << w.run_status().dump());
  CHECK(ran.out.find("[1] update: conflicts with \"origin/main\": rebasing") != std::string::npos);
  CHECK(w.e2e.calls()["UPDATE 1"] == 1);
  CHECK(w.e2e.calls()["REVIEW 1"] == reviews_before + 1);
  CHECK(w.e2e.server.pull(w.pull)->base == "main"); // opened against the branch, not origin/main
  const auto pushed = w.head();
  CHECK(pushed != before);
  CHECK(sh("git merge-base --is-ancestor main " + pushed, w.e2e.origin).rc == 0);
  CHECK(sh("git show " + pushed + ":feature-1.txt", w.e2e.origin).out == "both sides\n");
  CHECK(w.run_status()["state"] == "done");
  w.watch_once(); // GitHub now finds it mergeable, and nothing more is done
  CHECK(w.run_status()["watch"]["mergeable"] == "clean");
  CHECK(w.e2e.calls()["UPDATE 1"] == 1);
}

TEST_CASE("e2e watch: a merged pull request ends its run", "[e2e][watch]") {
  Watched w;
  w.publish();
  w.e2e.server.merge_pull(w.pull);
  auto ran = w.watch_once();
  CHECK(ran.out.find("merged: the run ends") != std::string::npos);
  CHECK(w.run_status()["state"] == "merged");
}

TEST_CASE("e2e watch: Ctrl-C exits 130 and the next watch takes the cancelled CI round up again", "[e2e][watch]") {
  Watched w;
  w.publish();
  w.e2e.server.set_ci(fails_first());
  w.e2e.script("CI-1", R"({"mode": "hang", "once": true})");
  const pid_t pid = w.e2e.start({"watch"});
  REQUIRE(w.e2e.wait_for_call("CI 1"));
  ::kill(pid, SIGINT);
  auto stopped = w.e2e.wait(pid);
  INFO(stopped.out << stopped.err);
  CHECK(stopped.exit_code == 130);
  CHECK(stopped.err.find("fanout: interrupted; run fanout watch again to continue") != std::string::npos);
  CHECK(w.run_status()["state"] == "cancelled");

  const auto before = w.head();
  w.watch_once();
  CHECK(w.e2e.calls()["CI 1"] == 2);
  CHECK(w.head() != before);
  CHECK(w.run_status()["state"] == "done");
}

TEST_CASE("e2e watch: after a kill -9 the next watch ends the old builder and finishes the CI round", "[e2e][watch]") {
  Watched w;
  w.publish();
  w.e2e.server.set_ci(fails_first());
  w.e2e.script("CI-1", R"({"mode": "hang", "once": true})");
  const pid_t pid = w.e2e.start({"watch"});
  REQUIRE(w.e2e.wait_for_call("CI 1"));
  REQUIRE(w.e2e.wait_for_agent_event("1", "ci-1"));
  const pid_t builder = w.e2e.call_pid("CI 1");
  ::kill(pid, SIGKILL);
  CHECK(w.e2e.wait(pid).exit_code == 128 + SIGKILL);
  REQUIRE(::kill(builder, 0) == 0); // the killed watch's builder still runs

  const auto before = w.head();
  auto ran = w.watch_once();
  CHECK(ran.out.find("ended process group " + std::to_string(builder)) != std::string::npos);
  CHECK(await_process_gone(builder));
  CHECK(w.e2e.calls()["CI 1"] == 2);
  CHECK(w.head() != before);
  CHECK(w.run_status()["state"] == "done");
}
