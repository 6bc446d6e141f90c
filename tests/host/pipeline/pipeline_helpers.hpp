#pragma once
// In-process doubles for the pipeline's services: a tracker, a code host, an agent that
// really commits in the worktree, workspaces as real git worktrees of a temp repo, and
// reviewers driven by a function. Enough to run the whole loop without plugins.

#include "host/pipeline/fleet.hpp"
#include "host/pipeline/services.hpp"
#include "host/services/process_runner.hpp"
#include "tests/support/temp_dir.hpp"

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace fanout::test {

/// Runs `git <args>` in `dir` with a fixed identity; returns stdout; REQUIREs success.
std::string git(const std::filesystem::path& dir, const std::string& args);

class FakeTracker final : public sdk::IssueTracker {
public:
  std::map<std::string, sdk::Issue> issues;
  std::vector<std::pair<std::string, std::string>> comments; ///< (key, markdown)
  void add(const std::string& key, const std::string& title);
  sdk::Result<std::vector<sdk::Issue>> list(const sdk::IssueQuery& query, const sdk::CancelToken&) override;
  sdk::Result<sdk::Issue> get(const std::string& key, const sdk::CancelToken&) override;
  sdk::Result<void> comment(const std::string& key, const std::string& markdown, const sdk::CancelToken&) override;
  int comments_on(const std::string& key) const;

private:
  mutable std::mutex m_mutex; ///< plugin instances are thread-safe (docs/plugin-abi.md#threading)
};

class FakeCodeHost final : public sdk::CodeHost {
public:
  std::map<std::string, sdk::PullRequest> prs; ///< by head branch
  std::vector<std::pair<std::string, sdk::PullRequestReview>> reviews; ///< (pr id, review)
  int opened = 0;
  int pushes = 0;
  bool refuse_self_review = false; ///< like GitHub: APPROVE/REQUEST_CHANGES fail
  /// Called after a PR is opened and recorded: a test may throw here to simulate a crash.
  std::function<void(const sdk::PullRequest&)> after_open;
  sdk::Result<void> push(const std::filesystem::path&, const std::string&, const sdk::PushOptions&,
                         const sdk::CancelToken&) override;
  sdk::Result<std::optional<sdk::PullRequest>> find(const std::string& branch, const sdk::CancelToken&) override;
  sdk::Result<sdk::PullRequest> open(const sdk::PullRequestDraft& draft, const sdk::CancelToken&) override;
  sdk::Result<sdk::PullRequest> update(const sdk::PullRequest& pr, const sdk::CancelToken&) override;
  sdk::Result<sdk::PullRequest> get(const std::string& id, const sdk::CancelToken&) override;
  sdk::Result<void> review(const sdk::PullRequest& pr, const sdk::PullRequestReview& review,
                           const sdk::CancelToken&) override;

private:
  std::mutex m_mutex; ///< plugin instances are thread-safe (docs/plugin-abi.md#threading)
};

/// What the fake agent does for one issue. Stage is the prompt's first word: PLAN, BUILD, FIX.
struct AgentScript {
  sdk::SessionOutcome build_outcome = sdk::SessionOutcome::success;
  bool build_commits = true;
  bool fix_commits = true;
  /// Files the build / fix session writes and leaves uncommitted (path -> content).
  std::map<std::string, std::string> build_leaves;
  std::map<std::string, std::string> fix_leaves;
  std::int64_t tokens_per_session = 10; ///< streamed as one usage event per 10 tokens
  bool hang_in_build = false;           ///< wait for the cancel token in build
  bool throw_after_commit = false;      ///< commit, then throw (a crash mid-build)
};

class FakeAgent final : public sdk::AgentProvider {
public:
  std::map<std::string, AgentScript> scripts; ///< by issue key; default script otherwise
  std::vector<sdk::SessionRequest> requests;  ///< every request, in order
  bool resumable = true;
  /// Builds wait here until this many are in (0: no wait), to make overlap certain.
  int rendezvous = 0;
  std::atomic<int> in_build{0};
  std::atomic<int> peak_in_build{0};
  std::atomic<int> hanging{0};
  std::atomic<int> cancels_seen{0};

  sdk::Result<sdk::SessionResult> run(const sdk::SessionRequest& request, const sdk::EventSink& on_event,
                                      const sdk::CancelToken& cancel) override;
  bool can_resume() const override { return resumable; }
  std::vector<sdk::SessionRequest> requests_for(const std::string& word, const std::string& key);
  /// Blocks until `count` builds hang (hang_in_build) or `limit` passes; true when they do.
  bool await_hanging(int count, std::chrono::milliseconds limit);

private:
  std::mutex m_mutex;
  std::condition_variable m_cv;
  int m_arrived = 0;
};

/// Workspaces as `git worktree add` of a temp repo with a "main" branch.
class FakeWorkspaces final : public pipeline::Workspaces {
public:
  explicit FakeWorkspaces(std::filesystem::path repo) : m_repo(std::move(repo)) {}
  sdk::Result<sdk::WorkspaceInfo> up(const sdk::Issue& issue, const sdk::CancelToken&) override;

private:
  std::filesystem::path m_repo;
  std::mutex m_mutex;
  std::map<std::string, int> m_ports;
};

/// A reviewer whose answer is a function of the request.
class FakeReviewer final : public sdk::Reviewer {
public:
  using Policy = std::function<sdk::Result<sdk::Review>(const sdk::ReviewRequest&)>;
  explicit FakeReviewer(Policy policy) : m_policy(std::move(policy)) {}
  sdk::Result<sdk::Review> review(const sdk::ReviewRequest& request, const sdk::CancelToken&) override {
    return m_policy(request);
  }

private:
  Policy m_policy;
};

sdk::Review approve();
sdk::Review request_changes(const std::string& message, const std::string& file = "", int line = 0);

/// A repo, the doubles and settings wired together. Prompts: PLAN/BUILD/FIX templates.
struct Harness {
  Harness();
  TempDir dir{"pipeline"};
  std::filesystem::path repo;
  FakeTracker tracker;
  FakeCodeHost code_host;
  FakeAgent agent;
  std::unique_ptr<FakeWorkspaces> workspaces;
  services::LocalProcessRunner runner;
  std::vector<std::pair<std::string, FakeReviewer::Policy>> reviewers; ///< (name, policy)
  std::atomic<int> reviewers_made{0};
  pipeline::Services services;
  pipeline::Settings settings;

  /// Runs a fleet over `issues` and returns the end states.
  std::map<std::string, pipeline::RunState> run(const std::vector<std::string>& issues,
                                                pipeline::FleetOptions options = {});
};

} // namespace fanout::test
