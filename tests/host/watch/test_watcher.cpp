#include "watch_helpers.hpp"

#include "host/pipeline/run_store.hpp"
#include "host/state/run_lock.hpp"
#include "host/watch/watch_store.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace fanout;
using namespace fanout::test;
using pipeline::RunState;

namespace {

sdk::Check check(const std::string& name, sdk::CheckState state, const std::string& conclusion = "") {
  sdk::Check out;
  out.id = "check-" + name;
  out.name = name;
  out.state = state;
  out.conclusion = conclusion;
  return out;
}

/// Checks that fail on the head `failing` and pass on every other head.
std::function<std::vector<sdk::Check>(const sdk::PullRequest&)> failing_on(std::string failing) {
  return [failing](const sdk::PullRequest& pr) {
    return std::vector<sdk::Check>{
        check("build", pr.head_sha == failing ? sdk::CheckState::failure : sdk::CheckState::success,
              pr.head_sha == failing ? "failure" : "success"),
        check("lint", sdk::CheckState::success, "success")};
  };
}

} // namespace

TEST_CASE("watch: a failing check goes to the builder as findings, and its fix is validated and pushed",
          "[watch]") {
  WatchHarness w;
  w.publish();
  const std::string failing = w.forge.pr(w.branch()).head_sha;
  REQUIRE(!failing.empty());
  w.forge.checks_of = failing_on(failing);
  w.forge.logs["check-build"] = "compiling\nerror: app.c:3: expected ';'\n";
  const int reviews_before = w.h.reviewers_made.load();

  w.tick();
  auto fixes = w.h.agent.requests_for("FIX", "7");
  REQUIRE(fixes.size() == 1);
  CHECK(fixes[0].prompt.find("CI check \"build\": failure") != std::string::npos);
  CHECK(fixes[0].prompt.find("error: app.c:3: expected ';'") != std::string::npos);
  CHECK(fixes[0].prompt.find("lint") == std::string::npos); // only failing checks
  CHECK(fixes[0].resume_session_id == "session-7");           // the builder, resumed
  CHECK(w.h.reviewers_made.load() == reviews_before + 1);     // fresh reviewers again
  const auto pushed = w.forge.pr(w.branch()).head_sha;
  CHECK(pushed != failing);
  CHECK(w.run().state == RunState::done);
  CHECK(w.run().stage == "ci");
  CHECK(std::filesystem::exists(w.h.settings.runs_dir / "7" / "ci-1.jsonl"));
  CHECK(read_text(w.h.settings.runs_dir / "7" / "ci.jsonl").find("failing checks: build (failure)") !=
        std::string::npos);

  // The new head passes: nothing more to do, and the status says so.
  w.tick();
  CHECK(w.h.agent.requests_for("FIX", "7").size() == 1);
  CHECK(watch::WatchStore(w.h.settings.db_path).get("7").ci == "success");
}

TEST_CASE("watch: checks still failing after ci_rounds make the run need a human, naming them", "[watch]") {
  WatchHarness w;
  w.options.ci_rounds = 1;
  w.publish();
  w.forge.checks_of = [](const sdk::PullRequest&) {
    return std::vector<sdk::Check>{check("build", sdk::CheckState::failure, "timed_out")};
  };
  w.tick();
  CHECK(w.h.agent.requests_for("FIX", "7").size() == 1);
  w.tick(); // the fix's head fails too: the bound is reached
  CHECK(w.h.agent.requests_for("FIX", "7").size() == 1);
  CHECK(w.run().state == RunState::needs_human);
  CHECK(w.run().error == "ci: checks still fail after 1 round(s): build (timed_out)");
  w.tick(); // and it stays there
  CHECK(w.h.agent.requests_for("FIX", "7").size() == 1);
}

TEST_CASE("watch: pending checks are waited for; a host without checks is skipped and said so once", "[watch]") {
  WatchHarness w;
  w.publish();
  w.forge.checks_of = [](const sdk::PullRequest&) {
    return std::vector<sdk::Check>{check("build", sdk::CheckState::failure, "failure"),
                                   check("e2e", sdk::CheckState::pending)};
  };
  w.tick();
  CHECK(w.h.agent.requests_for("FIX", "7").empty());
  CHECK(watch::WatchStore(w.h.settings.db_path).get("7").ci == "failure");

  w.forge.can_read_checks = false;
  w.tick();
  w.tick(/*restart=*/false);
  CHECK(w.notes_with("this code host cannot read checks; fanout watch skips this part") == 1);
  CHECK(watch::WatchStore(w.h.settings.db_path).get("7").ci == "unsupported");
}

TEST_CASE("watch: two review comments become one fix and two replies, never repeated after a restart", "[watch]") {
  WatchHarness w;
  w.publish();
  const auto line = w.forge.comment("bea", "Off by one here?", "feature-7.txt", 1);
  const auto general = w.forge.comment("carl", "Please also update the README.");
  w.forge.comment("ci-bot", "Coverage dropped 0.1%", "", 0, /*bot=*/true);

  w.tick();
  auto fixes = w.h.agent.requests_for("FIX", "7");
  REQUIRE(fixes.size() == 1);
  CHECK(fixes[0].prompt.find("line comment by bea on `feature-7.txt:1`") != std::string::npos);
  CHECK(fixes[0].prompt.find("> Please also update the README.") != std::string::npos);
  CHECK(fixes[0].prompt.find("Coverage dropped") == std::string::npos); // bots are ignored by default
  REQUIRE(w.forge.replies.size() == 2);
  const auto head = w.forge.pr(w.branch()).head_sha;
  for (const auto& reply : w.forge.replies) {
    CHECK(reply.text.find("https://forge.test/pull/100/commits/" + head) != std::string::npos);
    CHECK(reply.text.find("<!-- fanout -->") != std::string::npos);
  }
  CHECK(w.forge.replies[0].to == line);
  CHECK(w.forge.replies[1].to == general);
  CHECK(w.run().stage == "comments");

  // A restart (a new watcher over the same state store) answers nothing twice, even with
  // fanout's own replies now among the comments.
  w.tick();
  w.tick();
  CHECK(w.h.agent.requests_for("FIX", "7").size() == 1);
  CHECK(w.forge.replies.size() == 2);
  CHECK(watch::WatchStore(w.h.settings.db_path).get("7").unanswered == 0);
}

TEST_CASE("watch: a reply posted but not recorded (a crash between) is not posted again", "[watch]") {
  WatchHarness w;
  w.publish();
  const auto id = w.forge.comment("bea", "Rename this.");
  // What a watch killed right after replying leaves: the reply, no record of it.
  w.forge.comment("ana", "fanout addressed this.\n\n<!-- fanout -->\n<!-- fanout:reply-to=" + id + " -->");
  w.tick();
  CHECK(w.h.agent.requests_for("FIX", "7").empty());
  CHECK(w.forge.replies.empty());
  CHECK(watch::WatchStore(w.h.settings.db_path).answered("7").count(id) == 1);
}

TEST_CASE("watch: comments from bots are acted on when [watch] bots is set", "[watch]") {
  WatchHarness w;
  w.options.bots = true;
  w.publish();
  w.forge.comment("dependabot[bot]", "Bump left-pad", "", 0, true);
  w.tick();
  CHECK(w.h.agent.requests_for("FIX", "7").size() == 1);
  CHECK(w.forge.replies.size() == 1);
}

TEST_CASE("watch: comments still coming after comment_rounds make the run need a human", "[watch]") {
  WatchHarness w;
  w.options.comment_rounds = 1;
  w.publish();
  w.forge.comment("bea", "One.");
  w.tick();
  w.forge.comment("bea", "Two.");
  w.tick();
  CHECK(w.h.agent.requests_for("FIX", "7").size() == 1);
  CHECK(w.run().state == RunState::needs_human);
  CHECK(w.run().error == "comments: 1 review comment(s) still unanswered after 1 round(s)");
}

TEST_CASE("watch: a merged or closed pull request ends its run, and clean = true cleans it", "[watch]") {
  WatchHarness w;
  w.options.clean = true;
  w.publish("7");
  w.publish("8");
  w.forge.set_state(w.branch("7"), sdk::PullRequestState::merged);
  w.forge.set_state(w.branch("8"), sdk::PullRequestState::closed);
  w.tick();
  CHECK(w.run("7").state == RunState::merged);
  CHECK(w.run("8").state == RunState::closed);
  std::sort(w.cleaned.begin(), w.cleaned.end());
  CHECK(w.cleaned == std::vector<std::string>{"7", "8"});
  w.tick(); // ended runs are not looked at again
  CHECK(w.cleaned.size() == 2);
}

TEST_CASE("watch: a run another process drives is left alone until it ends", "[watch]") {
  WatchHarness w;
  w.publish();
  w.forge.comment("bea", "Rename this.");
  state::LockHolder holder;
  auto lock = state::RunLock::take(w.h.settings.db_path.parent_path(), "7", holder);
  REQUIRE(lock.ok());
  REQUIRE(*lock);
  w.tick();
  CHECK(w.h.agent.requests_for("FIX", "7").empty());
  lock->reset();
  w.tick();
  CHECK(w.h.agent.requests_for("FIX", "7").size() == 1);
}

TEST_CASE("watch: intake starts a run for each open issue with the label and no run", "[watch]") {
  WatchHarness w;
  w.publish("7");
  w.h.tracker.add("9", "feature 9");
  w.options.label = "fanout"; // the fake tracker lists every issue for any label
  w.tick();
  CHECK(w.run("9").state == RunState::done);
  CHECK(w.h.agent.requests_for("BUILD", "7").size() == 1); // 7 had a run: not started again
  CHECK(w.h.agent.requests_for("BUILD", "9").size() == 1);
}
