// runner::RemoteSessions with a tiny in-test sdk::Runner: what a runner gets (the branch on
// the remote at the worktree's HEAD, labels, secret names) and what fanout does with its
// result (the worktree fast-forwarded to the pushed head), on real git repositories.
#include "host/runner/remote_sessions.hpp"
#include "host/services/process_runner.hpp"
#include "host/services/secrets.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <functional>

using namespace fanout;
using namespace fanout::test;
namespace fs = std::filesystem;

namespace {

std::string git(const fs::path& dir, const std::string& args) {
  const auto out = dir.parent_path() / ("git-" + std::to_string(::getpid()) + ".out");
  const std::string command = "git -C '" + dir.string() + "' -c user.name=t -c user.email=t@t.invalid " + args +
                              " > '" + out.string() + "' 2>&1";
  INFO(command << "\n" << read_text(out));
  REQUIRE(std::system(command.c_str()) == 0);
  std::string text = read_text(out);
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

/// A runner that records each session and runs `work` (given a clone of the session's
/// clone URL at its base commit), then pushes the clone's HEAD to the branch.
class InTestRunner final : public sdk::Runner {
public:
  std::vector<sdk::RunnerSession> sessions;
  std::function<void(const fs::path& clone)> work;
  std::optional<sdk::Failure> failure;
  std::string pushed_override; ///< reported as pushed_head instead of the clone's HEAD
  std::vector<sdk::RunnerResource> made;
  std::vector<std::string> removed;
  fs::path scratch;

  sdk::Result<sdk::RunnerResult> run(const sdk::RunnerSession& session, const sdk::LineCallback& on_line,
                                     const sdk::CancelToken&) override {
    sessions.push_back(session);
    if (failure) return *failure;
    const fs::path clone = scratch / ("clone-" + std::to_string(sessions.size()));
    git(scratch, "clone --quiet '" + session.workspace.clone_url + "' '" + clone.string() + "'");
    git(clone, "checkout --quiet -B " + session.workspace.branch + " " + session.workspace.base_commit);
    if (work) work(clone);
    git(clone, "push --quiet origin HEAD:refs/heads/" + session.workspace.branch);
    on_line(sdk::Stream::out, "{\"type\":\"result\"}");
    made.push_back({"job/" + session.labels.stage, session.labels, "succeeded", ""});
    made.push_back({"job/other", {session.labels.repo, "9", "1", "build"}, "running", ""});
    sdk::RunnerResult result;
    result.process.exit_code = 0;
    result.pushed_head = pushed_override.empty() ? git(clone, "rev-parse HEAD") : pushed_override;
    return result;
  }
  sdk::Result<std::vector<sdk::RunnerResource>> list(const std::string&, const sdk::CancelToken&) override {
    return made;
  }
  sdk::Result<void> remove(const sdk::RunnerResource& resource, const sdk::CancelToken&) override {
    removed.push_back(resource.id);
    return {};
  }
};

struct Setup {
  TempDir dir{"remote-sessions"};
  fs::path origin = dir / "origin.git";
  fs::path repo = dir / "repo";
  fs::path worktree = dir / "worktree";
  services::LocalProcessRunner processes;
  InTestRunner runner;
  std::unique_ptr<runner::RemoteSessions> sessions;
  pipeline::SessionPlace place;

  Setup() {
    init_git_repo(repo, {{"app.py", "print('app')\n"}});
    git(dir.path(), "init --quiet --bare '" + origin.string() + "'");
    git(repo, "remote add origin '" + origin.string() + "'");
    git(repo, "push --quiet origin main");
    git(repo, "worktree add --quiet -b fanout/7-x '" + worktree.string() + "' main");
    runner.scratch = dir.path();
    sessions = std::make_unique<runner::RemoteSessions>(
        runner, processes, runner::RemoteSettings{"in-test", repo, "origin", "repo-0123abcd"});
    place = {"7", "1733500000", "build", worktree, "fanout/7-x"};
  }

  sdk::Result<sdk::ProcessResult> run(sdk::ProcessSpec spec = {}) {
    if (spec.argv.empty()) spec.argv = {"agent"};
    if (spec.workdir.empty()) spec.workdir = worktree;
    return sessions->runner_for(place)->run(spec, nullptr, sdk::CancelToken());
  }
};

} // namespace

TEST_CASE("remote sessions: the runner starts from the worktree's HEAD on the remote; its commits come back",
          "[runner]") {
  Setup s;
  const std::string head = git(s.worktree, "rev-parse HEAD");
  s.runner.work = [](const fs::path& clone) {
    write_text(clone / "feature.txt", "done\n");
    git(clone, "add feature.txt");
    git(clone, "commit --quiet -m 'implement 7'");
  };
  sdk::ProcessSpec spec;
  spec.argv = {"claude", "-p"};
  spec.workdir = s.worktree / "src";
  spec.env = {{"PATH", "/usr/bin"}, {"E2E_SECRET_TOKEN", "tok-0123456789abcdef"}};
  services::SecretRegistry::global().add("tok-0123456789abcdef");
  auto ran = s.run(spec);
  REQUIRE(ran.ok());
  CHECK(ran->exit_code == 0);

  REQUIRE(s.runner.sessions.size() == 1);
  const auto& session = s.runner.sessions[0];
  CHECK(session.workspace.clone_url == s.origin.string());
  CHECK(session.workspace.branch == "fanout/7-x");
  CHECK(session.workspace.base_commit == head);
  CHECK(session.workspace.worktree == s.worktree);
  CHECK(session.process.argv == std::vector<std::string>{"claude", "-p"});
  CHECK(session.process.workdir == s.worktree / "src");
  CHECK(session.labels.repo == "repo-0123abcd");
  CHECK(session.labels.issue == "7");
  CHECK(session.labels.run == "1733500000");
  CHECK(session.labels.stage == "build");
  CHECK(session.secret_env == std::vector<std::string>{"E2E_SECRET_TOKEN"});

  // The worktree has the session's commit, and only the session's own resource was removed.
  CHECK(git(s.worktree, "log -1 --format=%s") == "implement 7");
  CHECK(fs::exists(s.worktree / "feature.txt"));
  CHECK(git(s.worktree, "rev-parse HEAD") == git(s.origin, "rev-parse refs/heads/fanout/7-x"));
  CHECK(s.runner.removed == std::vector<std::string>{"job/build"});
}

TEST_CASE("remote sessions: commits a killed fanout never fetched are taken before the session starts", "[runner]") {
  Setup s;
  // A session of the killed fanout pushed to the branch; the worktree never saw it.
  const fs::path other = s.dir / "other";
  git(s.dir.path(), "clone --quiet --branch main '" + s.origin.string() + "' '" + other.string() + "'");
  git(other, "checkout --quiet -b fanout/7-x");
  write_text(other / "early.txt", "pushed before the kill\n");
  git(other, "add early.txt");
  git(other, "commit --quiet -m early");
  git(other, "push --quiet origin fanout/7-x");
  const std::string pushed = git(other, "rev-parse HEAD");

  auto ran = s.run();
  INFO((ran.ok() ? "" : ran.failure().message));
  REQUIRE(ran.ok());
  REQUIRE(s.runner.sessions.size() == 1);
  CHECK(s.runner.sessions[0].workspace.base_commit == pushed);
  CHECK(git(s.worktree, "rev-parse HEAD") == pushed);
}

TEST_CASE("remote sessions: what stops a session is said with the runner's name", "[runner]") {
  Setup s;
  SECTION("a branch that diverged on the remote") {
    const fs::path other = s.dir / "other";
    git(s.dir.path(), "clone --quiet --branch main '" + s.origin.string() + "' '" + other.string() + "'");
    git(other, "checkout --quiet -b fanout/7-x");
    write_text(other / "theirs.txt", "x\n");
    git(other, "add theirs.txt");
    git(other, "commit --quiet -m theirs");
    git(other, "push --quiet origin fanout/7-x");
    write_text(s.worktree / "ours.txt", "y\n");
    git(s.worktree, "add ours.txt");
    git(s.worktree, "commit --quiet -m ours");
    const std::string theirs = git(other, "rev-parse HEAD"), ours = git(s.worktree, "rev-parse HEAD");

    auto ran = s.run();
    REQUIRE(!ran.ok());
    CHECK(ran.failure().kind == sdk::FailureKind::conflict);
    CHECK(ran.failure().message == "[runner] in-test: the branch \"fanout/7-x\" on remote \"origin\" (" + theirs +
                                       ") and the worktree (" + ours +
                                       ") have diverged: merge or reset one onto the other, then run \"fanout resume "
                                       "7\"");
    CHECK(s.runner.sessions.empty());
  }
  SECTION("a workdir outside the worktree") {
    sdk::ProcessSpec spec;
    spec.argv = {"agent"};
    spec.workdir = s.dir / "elsewhere";
    auto ran = s.run(spec);
    REQUIRE(!ran.ok());
    CHECK(ran.failure().kind == sdk::FailureKind::invalid_input);
    CHECK(ran.failure().message == "[runner] in-test: the session's workdir \"" + (s.dir / "elsewhere").string() +
                                       "\" is not in its worktree \"" + s.worktree.string() +
                                       "\", so it cannot run from a clone");
  }
  SECTION("no such remote") {
    s.sessions = std::make_unique<runner::RemoteSessions>(
        s.runner, s.processes, runner::RemoteSettings{"in-test", s.repo, "upstream", "repo-0123abcd"});
    auto ran = s.run();
    REQUIRE(!ran.ok());
    CHECK(ran.failure().message == "[runner] in-test: no git remote \"upstream\" in \"" + s.repo.string() + "\"");
  }
  SECTION("a pushed head that cannot be brought into the worktree") {
    s.runner.pushed_override = "0123456789abcdef0123456789abcdef01234567";
    auto ran = s.run();
    REQUIRE(!ran.ok());
    CHECK(ran.failure().message.rfind("[runner] in-test: the session pushed 0123456789abcdef0123456789abcdef01234567 "
                                      "to \"fanout/7-x\", but it could not be brought into the worktree: \"git merge\" "
                                      "failed: ",
                                      0) == 0);
  }
  SECTION("the runner's own failure") {
    s.runner.failure = sdk::fail(sdk::FailureKind::auth, "403 on jobs.batch: the service account may not create");
    auto ran = s.run();
    REQUIRE(!ran.ok());
    CHECK(ran.failure().kind == sdk::FailureKind::auth);
    CHECK(ran.failure().message == "[runner] in-test: 403 on jobs.batch: the service account may not create");
  }
}

TEST_CASE("remote sessions: the clone URL never carries the remote's credentials", "[runner]") {
  Setup s;
  git(s.repo, "remote add secret https://ann:ghp_0123456789abcdef@git.example.com/shop.git");
  runner::RemoteSessions sessions(s.runner, s.processes,
                                  runner::RemoteSettings{"in-test", s.repo, "secret", "repo-0123abcd"});
  auto url = sessions.clone_url(sdk::CancelToken());
  REQUIRE(url.ok());
  CHECK(*url == "https://git.example.com/shop.git");
}
