#pragma once
// The whole loop (`fanout run`) with the REAL claude and codex: a sample repository with an
// origin remote, the fake GitHub server serving issue 1, one FakeModelServer per provider
// (each provider's conversation is its own queue: a reviewer's turns never interleave with
// the builder's) and `fanout` as a child process. Builder and reviewer are chosen per test.

#include "tests/support/fake_github_server.hpp"
#include "tests/support/fake_model_server.hpp"
#include "tests/support/fanout_runs.hpp"
#include "tests/support/temp_dir.hpp"

#include <nlohmann/json.hpp>

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace fanout::test {

class RealLoop {
public:
  /// `builder` and `reviewer` are provider plugin names ("claude-code", "codex").
  RealLoop(std::string builder, std::string reviewer);
  ~RealLoop();

  /// The model server the provider talks to.
  FakeModelServer& api(const std::string& provider) { return provider == "codex" ? codex_api : claude_api; }
  /// Appends TOML to fanout.toml.
  void append_config(const std::string& toml);

  /// Runs `fanout -C <repo> <args>` to completion.
  Ran fanout(const std::vector<std::string>& args);
  /// Starts it in its own process group; returns its pid (see wait()).
  pid_t start(const std::vector<std::string>& args);
  Ran wait(pid_t pid);

  /// `fanout status --json`, the run of issue 1.
  nlohmann::json status();
  /// Lines of the transcript .fanout/runs/1/<stage>.jsonl.
  std::vector<nlohmann::json> transcript(const std::string& stage) const;
  /// The worktree's file `relative` at the tip of the run's branch, "" when absent.
  std::string branch_file(const std::string& relative) const;

  FakeGithubServer github;
  FakeModelServer claude_api;
  FakeModelServer codex_api;
  std::string builder;
  std::string reviewer;
  TempDir dir{"real-loop"};
  std::filesystem::path root = dir.path();
  std::filesystem::path repo = root / "repo";
  std::filesystem::path home = root / "home";

private:
  std::vector<std::string> environment() const;
  FanoutRuns m_runs{root, repo};
};

/// The model the tests name for `provider`.
std::string model_of(const std::string& provider);

/// The turns of a build that writes `file` and commits it ("<file>: <message>").
void script_build(FakeModelServer& api, const std::string& file, const std::string& content, ModelUsage usage = {});
/// A review answer through the provider's structured-output mechanism.
void script_review(FakeModelServer& api, const std::string& verdict, nlohmann::json findings = nlohmann::json::array());

} // namespace fanout::test
