#include "tests/plugins/kubernetes/kube_test_helpers.hpp"
#include "tests/support/shell.hpp"
#include "tests/support/wait.hpp"

#include <catch2/catch.hpp>

#include <thread>

using namespace fanout;
using namespace fanout::test;
using namespace fanout::test::kube;
using namespace std::chrono;

namespace {

bool contains(const std::vector<std::string>& lines, const std::string& line) {
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

} // namespace

TEST_CASE("kubernetes runner: a session runs as a Job, streams its log and pushes its commits", "[kubernetes]") {
  KubeFixture f;
  auto runner = f.load();
  auto session = f.session("echo hello from the pod; pwd; echo work > agent.txt && git add agent.txt && "
                           "git commit --quiet -m 'agent work' && echo committed");
  session.process.workdir = f.worktree / "sub";
  auto ran = run_session(*runner, session);
  REQUIRE(ran.result.ok());
  CHECK(ran.result->process.exit_code == 0);
  CHECK_FALSE(ran.result->process.timed_out);
  CHECK(contains(ran.lines, "hello from the pod"));
  CHECK(contains(ran.lines, "committed"));
  REQUIRE(ran.lines.size() >= 2);
  CHECK_THAT(ran.lines[1], Catch::EndsWith("/repo/sub")); // the same folder relative to the clone
  CHECK_THAT(ran.result->process.out, Catch::Contains("hello from the pod\n"));
  // The marker line that carries the pushed head is the runner's, not the session's output.
  for (const auto& line : ran.lines) CHECK_THAT(line, !Catch::StartsWith("fanout-runner:"));

  const std::string head = f.origin_head();
  CHECK(head != f.base_commit);
  CHECK(ran.result->pushed_head == head);
  CHECK(sh("git log -1 --format=%s " + head, f.origin).out == "agent work\n");

  auto jobs = f.kube->jobs();
  REQUIRE(jobs.size() == 1);
  const auto& job = jobs[0];
  CHECK(job["spec"]["backoffLimit"] == 0);
  CHECK(job["spec"]["activeDeadlineSeconds"] == 60);
  CHECK(job["spec"]["ttlSecondsAfterFinished"] == 3600);
  CHECK(job["spec"]["template"]["spec"]["restartPolicy"] == "Never");
  CHECK(job["spec"]["template"]["spec"]["containers"][0]["image"] == "fanout-agent:test");
  CHECK(job["metadata"]["labels"] == nlohmann::json{{"fanout/repo", "repo-a"}, {"fanout/issue", "7"},
                                                    {"fanout/run", "r1"}, {"fanout/stage", "build"}});
  CHECK(job["status"]["succeeded"] == 1);
  // Finished Jobs stay for their TTL (logs to read); only cancel, timeout and stop delete.
  CHECK(f.kube->deleted_jobs().empty());
}

TEST_CASE("kubernetes runner: a failing session is a result with its exit code", "[kubernetes]") {
  KubeFixture f;
  auto runner = f.load();
  auto ran = run_session(*runner, f.session("echo about to fail; exit 3"));
  REQUIRE(ran.result.ok());
  CHECK(ran.result->process.exit_code == 3);
  CHECK(ran.result->pushed_head == f.base_commit);
  CHECK(ran.lines == std::vector<std::string>{"about to fail"});
}

TEST_CASE("kubernetes runner: changes a session left uncommitted are committed and pushed, not lost with the pod",
          "[kubernetes]") {
  KubeFixture f;
  auto runner = f.load();
  auto ran = run_session(*runner, f.session("echo edited > left.txt; mkdir -p new && echo x > new/file.txt"));
  REQUIRE(ran.result.ok());
  CHECK(ran.result->process.exit_code == 0);
  const std::string head = f.origin_head();
  CHECK(head != f.base_commit);
  CHECK(ran.result->pushed_head == head);
  CHECK(sh("git log -1 --format=%s " + head, f.origin).out == "Changes the build session left uncommitted\n");
  CHECK(sh("git show --name-only --format= " + head, f.origin).out == "left.txt\nnew/file.txt\n");
  CHECK(sh("git rev-parse " + head + "^", f.origin).out == f.base_commit + "\n");
}

TEST_CASE("kubernetes runner: the Job spec takes resources, node selector, tolerations and service account",
          "[kubernetes]") {
  KubeFixture f;
  auto runner = f.load({{"requests", {{"cpu", "500m"}, {"memory", "1Gi"}}},
                        {"limits", {{"memory", "2Gi"}}},
                        {"node_selector", {{"pool", "agents"}}},
                        {"tolerations", {"dedicated=agents:NoSchedule", "spot:NoExecute"}},
                        {"service_account", "fanout-sessions"},
                        {"namespace", "agents"}});
  auto ran = run_session(*runner, f.session("true"));
  REQUIRE(ran.result.ok());
  auto jobs = f.kube->jobs();
  REQUIRE(jobs.size() == 1);
  CHECK(jobs[0]["metadata"]["namespace"] == "agents");
  const auto& pod = jobs[0]["spec"]["template"]["spec"];
  CHECK(pod["containers"][0]["resources"] ==
        nlohmann::json{{"requests", {{"cpu", "500m"}, {"memory", "1Gi"}}}, {"limits", {{"memory", "2Gi"}}}});
  CHECK(pod["nodeSelector"] == nlohmann::json{{"pool", "agents"}});
  CHECK(pod["tolerations"] == nlohmann::json::parse(R"([
    {"key": "dedicated", "operator": "Equal", "value": "agents", "effect": "NoSchedule"},
    {"key": "spot", "operator": "Exists", "effect": "NoExecute"}])"));
  CHECK(pod["serviceAccountName"] == "fanout-sessions");
}

TEST_CASE("kubernetes runner: secrets travel by reference, never in a request", "[kubernetes][secrets]") {
  KubeFixture f;
  const std::string api_key = "sk-ant-secret-value-2f9d1c";
  const std::string git_token = "ghp_token_value_77aa31";
  f.kube->add_secret("default", "agent-keys", {{"anthropic", api_key}});
  f.kube->add_secret("default", "git", {{"token", git_token}});
  auto runner = f.load({{"secrets", {{"ANTHROPIC_API_KEY", "agent-keys/anthropic"}}}, {"git_token_secret", "git/token"}});
  // The expected values are read from files, so that not even the command carries them.
  write_text(f.dir / "expected-key", api_key);
  write_text(f.dir / "expected-token", git_token);
  auto session = f.session("test \"$ANTHROPIC_API_KEY\" = \"$(cat '" + (f.dir / "expected-key").string() +
                           "')\" && echo api key arrived; test \"$FANOUT_GIT_TOKEN\" = \"$(cat '" +
                           (f.dir / "expected-token").string() + "')\" && echo git token arrived");
  session.process.env["ANTHROPIC_API_KEY"] = api_key;
  session.process.env["MODEL"] = "sonnet";
  session.secret_env = {"ANTHROPIC_API_KEY"};
  auto ran = run_session(*runner, session);
  REQUIRE(ran.result.ok());
  CHECK(contains(ran.lines, "api key arrived"));
  CHECK(contains(ran.lines, "git token arrived"));
  const std::string sent = f.all_request_text();
  CHECK(sent.find(api_key) == std::string::npos);
  CHECK(sent.find(git_token) == std::string::npos);
  auto env = f.kube->jobs()[0]["spec"]["template"]["spec"]["containers"][0]["env"];
  CHECK(std::count(env.begin(), env.end(),
                   nlohmann::json{{"name", "ANTHROPIC_API_KEY"},
                                  {"valueFrom", {{"secretKeyRef", {{"name", "agent-keys"}, {"key", "anthropic"}}}}}}) == 1);
  CHECK(std::count(env.begin(), env.end(), nlohmann::json{{"name", "MODEL"}, {"value", "sonnet"}}) == 1);
}

TEST_CASE("kubernetes runner: a secret variable without a Secret mapping fails before any request",
          "[kubernetes][secrets]") {
  KubeFixture f;
  auto runner = f.load();
  auto session = f.session("true");
  session.process.env["OPENAI_API_KEY"] = "sk-openai-value-1234";
  session.secret_env = {"OPENAI_API_KEY"};
  auto ran = run_session(*runner, session);
  REQUIRE_FALSE(ran.result.ok());
  CHECK(ran.result.failure().kind == sdk::FailureKind::invalid_input);
  CHECK(ran.result.failure().message ==
        "the session needs the secret OPENAI_API_KEY, which the kubernetes runner passes only from a Kubernetes "
        "Secret: set [runner] secrets.OPENAI_API_KEY = \"<secret>/<key>\" (docs/runner.md#secrets)");
  CHECK(f.kube->requests().empty());
}

TEST_CASE("kubernetes runner: a second fanout follows the existing Job from the start and creates none",
          "[kubernetes][resume]") {
  KubeFixture f;
  auto first = f.load();
  auto second = f.load();
  const auto gate = f.dir / "gate";
  auto session = f.session("echo started; i=0; while [ ! -f '" + gate.string() +
                           "' ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done; echo finished");
  Ran first_run;
  std::jthread killed([&] { first_run = run_session(*first, session); });
  REQUIRE(f.kube->wait_until_running(f.wait_for_job(), seconds(20)));
  Ran resumed;
  std::jthread again([&] { resumed = run_session(*second, session); });
  // Both follow the one pod's log before the session may end.
  require_within("both runners follow the log", [&] {
    size_t follows = 0;
    for (const auto& request : f.kube->requests())
      if (request.path.size() > 4 && request.path.compare(request.path.size() - 4, 4, "/log") == 0) ++follows;
    return follows >= 2;
  }, seconds(20));
  test::write_text(gate, "open");
  again.join();
  killed.join();
  REQUIRE(resumed.result.ok());
  CHECK(resumed.lines == std::vector<std::string>{"started", "finished"});
  CHECK(f.kube->jobs_created() == 1);
  CHECK(f.kube->jobs().size() == 1);
  REQUIRE(first_run.result.ok());
}

TEST_CASE("kubernetes runner: cancel deletes the Job with background propagation", "[kubernetes]") {
  KubeFixture f;
  auto runner = f.load();
  sdk::CancelToken cancel;
  std::vector<std::string> lines;
  // Cancelled while following the log: the session is running in its pod.
  auto result = runner->run(
      f.session("echo waiting; sleep 30; echo never"),
      [&](sdk::Stream, const std::string& line) {
        lines.push_back(line);
        if (line == "waiting") cancel.cancel();
      },
      cancel);
  if (!result.ok()) FAIL(result.failure().message);
  CHECK(result->process.cancelled);
  CHECK(lines == std::vector<std::string>{"waiting"});
  auto deleted = f.kube->deleted_jobs();
  REQUIRE(deleted.size() == 1);
  CHECK_THAT(deleted[0], Catch::StartsWith("fanout-7-build-") && Catch::EndsWith("?propagationPolicy=Background"));
  CHECK(f.kube->jobs().empty());
  CHECK(f.kube->wait_until_idle(seconds(10))); // the pod's process was stopped, not left running
}

TEST_CASE("kubernetes runner: LineAction::stop deletes the Job and reports stopped", "[kubernetes]") {
  KubeFixture f;
  auto runner = f.load();
  auto ran = run_session(*runner, f.session("echo one; echo enough; sleep 30; echo never"), {}, "enough");
  REQUIRE(ran.result.ok());
  CHECK(ran.result->process.stopped);
  CHECK_FALSE(ran.result->process.cancelled);
  CHECK(ran.lines == std::vector<std::string>{"one", "enough"});
  REQUIRE(f.kube->deleted_jobs().size() == 1);
  CHECK(f.kube->jobs().empty());
}

TEST_CASE("kubernetes runner: list finds the repository's Jobs by label and remove deletes them", "[kubernetes]") {
  KubeFixture f;
  auto runner = f.load();
  REQUIRE(run_session(*runner, f.session("true", "build")).result.ok());
  auto other = f.session("true", "plan");
  other.labels.repo = "repo-b";
  REQUIRE(run_session(*runner, other).result.ok());

  auto listed = runner->list("repo-a", {});
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 1);
  const auto& job = listed->at(0);
  CHECK_THAT(job.id, Catch::StartsWith("job/fanout-7-build-"));
  CHECK(job.labels.repo == "repo-a");
  CHECK(job.labels.issue == "7");
  CHECK(job.labels.run == "r1");
  CHECK(job.labels.stage == "build");
  CHECK(job.state == "succeeded");
  CHECK_FALSE(job.created_at.empty());

  REQUIRE(runner->remove(job, {}).ok());
  CHECK(runner->list("repo-a", {})->empty());
  CHECK(runner->list("repo-b", {})->size() == 1);
  CHECK(runner->remove(job, {}).ok()); // already gone
}

TEST_CASE("kubernetes runner: an issue key that is no label value is hashed, its exact value kept", "[kubernetes]") {
  KubeFixture f;
  auto runner = f.load();
  auto session = f.session("true");
  session.labels.issue = "owner/repo#12";
  REQUIRE(run_session(*runner, session).result.ok());
  auto job = f.kube->jobs().at(0);
  const std::string label = job["metadata"]["labels"]["fanout/issue"];
  CHECK_THAT(label, Catch::StartsWith("owner-repo-12-"));
  CHECK(job["metadata"]["annotations"]["fanout/issue"] == "owner/repo#12");
  auto listed = runner->list("repo-a", {});
  REQUIRE(listed.ok());
  CHECK(listed->at(0).labels.issue == "owner/repo#12");
}
