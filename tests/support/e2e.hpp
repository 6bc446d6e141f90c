#pragma once
// End-to-end fixture (tests/e2e, the dashboard's browser tests): a sample repository with an
// origin remote, the fake GitHub server serving its issues, and the fake `claude` (behind
// tests/e2e/stage_agent.py, which picks a script per stage and issue) as the agent of every
// stage and of the agent reviewer. The real `fanout` executable runs as a child process.

#include "tests/support/fake_github_server.hpp"
#include "tests/support/fanout_runs.hpp"
#include "tests/support/temp_dir.hpp"

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace fanout::test {

class E2e {
public:
  /// Issues 1, 2, 3 on the fake server; a repo with fanout.toml, prompt overrides and an
  /// SQLite database; default scripts: plans and builds succeed, reviewers approve.
  E2e();
  ~E2e();

  /// Writes $E2E_SCRIPTS/<name>.json (e.g. "BUILD-3").
  void script(const std::string& name, const std::string& json);
  /// Appends TOML to fanout.toml.
  void append_config(const std::string& toml);
  /// Takes the [database] table (the SQLite brancher) out of fanout.toml: a remote
  /// [runner] refuses a brancher whose branches only this machine reaches.
  void without_database();

  /// Runs `fanout -C <repo> <args>` to completion.
  Ran fanout(const std::vector<std::string>& args);
  /// Starts it in the background; returns its pid (output goes to files read by wait()).
  pid_t start(const std::vector<std::string>& args);
  Ran wait(pid_t pid);

  /// Stage calls logged by the agent wrapper: "BUILD 2" -> count.
  std::map<std::string, int> calls() const;
  /// The pid logged by the first call `call` ("BUILD 1"), or 0.
  pid_t call_pid(const std::string& call) const;
  /// Blocks (polling the log, up to 60 s) until `call` ("BUILD 1") was logged `times` times.
  bool wait_for_call(const std::string& call, int times = 1) const;
  /// Blocks (polling, up to 60 s) until the transcript of `stage` of `issue` holds an event
  /// of the agent: then it runs and fanout records it (a kill before that would race its
  /// start-up: an agent that finds its fanout gone exits at its first write).
  bool wait_for_agent_event(const std::string& issue, const std::string& stage) const;

  /// The environment every `fanout` child gets: the fake `claude` first on PATH, the
  /// scripts folder, the GitHub token, a user config that trusts the repo.
  std::vector<std::string> environment() const;

  FakeGithubServer server;
  TempDir dir{"e2e"};
  std::filesystem::path root = dir.path();
  std::filesystem::path repo = root / "repo";
  std::filesystem::path origin = root / "origin.git";
  std::filesystem::path scripts = root / "scripts";

private:
  void kill_leftovers() const;
  std::filesystem::path m_bin = root / "bin";
  FanoutRuns m_runs{root, repo};
};

} // namespace fanout::test
