#include "watch_helpers.hpp"

#include "host/watch/watch_store.hpp"

#include <catch2/catch.hpp>

using namespace fanout;
using namespace fanout::test;
using pipeline::RunState;

namespace {

/// Lands a change on main that conflicts with issue 7's build (both add feature-7.txt).
void land_conflict(WatchHarness& w) {
  write_text(w.h.repo / "feature-7.txt", "main's own version\n");
  test::git(w.h.repo, "add feature-7.txt");
  test::git(w.h.repo, "commit -q -m 'land a conflicting change'");
}

bool is_ancestor(const std::filesystem::path& dir, const std::string& ancestor, const std::string& of) {
  return std::system(("git -C '" + dir.string() + "' merge-base --is-ancestor " + ancestor + " " + of).c_str()) == 0;
}

} // namespace

TEST_CASE("watch: a conflicting pull request is rebased, resolved by the builder, reviewed again and force-pushed",
          "[watch]") {
  WatchHarness w;
  w.publish();
  const std::string old_head = w.forge.pr(w.branch()).head_sha;
  land_conflict(w);
  w.forge.set_mergeable(w.branch(), sdk::Mergeable::conflicting);
  const int reviews_before = w.h.reviewers_made.load();

  w.tick();
  REQUIRE(w.agent.prompts.size() == 1);
  CHECK(w.agent.prompts[0].find("fanout ran `git rebase main`") != std::string::npos);
  CHECK(w.agent.prompts[0].find("- `feature-7.txt`") != std::string::npos);
  CHECK(w.h.reviewers_made.load() == reviews_before + 1);
  REQUIRE(!w.forge.pushes.empty());
  CHECK(w.forge.pushes.back().force_with_lease);
  CHECK(w.forge.pushes.back().expected_remote_head == old_head);
  const std::string new_head = w.forge.pr(w.branch()).head_sha;
  CHECK(new_head != old_head);
  CHECK(is_ancestor(w.worktree(), "main", new_head));
  CHECK(read_text(w.worktree() / "feature-7.txt") == "resolved\n");
  CHECK(w.run().state == RunState::done);
  CHECK(w.run().stage == "update");
  CHECK(read_text(w.h.settings.runs_dir / "7" / "update.jsonl").find("conflicts with \\\"main\\\": rebasing") !=
        std::string::npos);
}

TEST_CASE("watch: update = merge merges the base and pushes without force", "[watch]") {
  WatchHarness w;
  w.options.update = git::UpdateStrategy::merge;
  w.publish();
  land_conflict(w);
  w.forge.set_mergeable(w.branch(), sdk::Mergeable::conflicting);
  w.tick();
  REQUIRE(w.agent.prompts.size() == 1);
  CHECK(w.agent.prompts[0].find("fanout ran `git merge main`") != std::string::npos);
  REQUIRE(!w.forge.pushes.empty());
  CHECK_FALSE(w.forge.pushes.back().force_with_lease);
  // A merge commit: two parents, main among them.
  CHECK(test::git(w.worktree(), "rev-list --parents -n 1 HEAD").find(' ', 41) != std::string::npos);
  CHECK(is_ancestor(w.worktree(), "main", "HEAD"));
}

TEST_CASE("watch: when the code host does not say, git merge-tree finds the conflict", "[watch]") {
  WatchHarness w;
  w.publish();
  land_conflict(w);
  w.forge.set_mergeable(w.branch(), sdk::Mergeable::unknown);
  w.tick();
  CHECK(w.agent.prompts.size() == 1);
  CHECK(watch::WatchStore(w.h.settings.db_path).get("7").mergeable == "conflicting"); // what git found
  CHECK(is_ancestor(w.worktree(), "main", "HEAD"));
}

TEST_CASE("watch: a branch only behind its base is updated by the code host, not the builder", "[watch]") {
  WatchHarness w;
  w.publish();
  w.forge.set_mergeable(w.branch(), sdk::Mergeable::behind);
  w.tick();
  CHECK(w.forge.updates == 1);
  CHECK(w.agent.prompts.empty());
  CHECK(w.h.agent.requests_for("FIX", "7").empty());
}

TEST_CASE("watch: conflict markers the builder leaves abort the update and the run needs a human", "[watch]") {
  WatchHarness w;
  w.publish();
  const std::string old_head = w.forge.pr(w.branch()).head_sha;
  land_conflict(w);
  w.forge.set_mergeable(w.branch(), sdk::Mergeable::conflicting);
  w.agent.resolution = "<<<<<<< HEAD\nmine\n=======\ntheirs\n>>>>>>> main\n";
  w.tick();
  CHECK(w.run().state == RunState::needs_human);
  CHECK(w.run().error == "update: conflict markers remain in \"feature-7.txt\"");
  CHECK(test::git(w.worktree(), "rev-parse HEAD").substr(0, 40) == old_head); // the rebase was aborted
  CHECK(test::git(w.worktree(), "status --porcelain").empty());
  CHECK(w.forge.pr(w.branch()).head_sha == old_head); // nothing pushed
}

TEST_CASE("watch: a branch that still conflicts after update_rounds needs a human", "[watch]") {
  WatchHarness w;
  w.options.update_rounds = 1;
  w.publish();
  land_conflict(w);
  w.forge.set_mergeable(w.branch(), sdk::Mergeable::conflicting);
  w.tick();
  REQUIRE(w.agent.prompts.size() == 1);
  w.forge.set_mergeable(w.branch(), sdk::Mergeable::conflicting); // the host still says so
  w.tick();
  CHECK(w.agent.prompts.size() == 1);
  CHECK(w.run().state == RunState::needs_human);
  CHECK(w.run().error == "update: the branch still conflicts with \"main\" after 1 update(s)");
}
