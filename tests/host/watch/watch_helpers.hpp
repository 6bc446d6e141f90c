#pragma once
// The watch loop's doubles: a code host that also has checks, comments, replies, a
// mergeable state and "update branch" (the pipeline's FakeCodeHost has none of these), an
// agent that resolves conflicts the way a builder would, and a harness that publishes a run
// through the real pipeline (tests/host/pipeline/pipeline_helpers.hpp) before watching it.

#include "host/watch/watcher.hpp"
#include "tests/host/pipeline/pipeline_helpers.hpp"

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace fanout::test {

class WatchForge final : public sdk::CodeHost {
public:
  explicit WatchForge(std::filesystem::path repo) : m_repo(std::move(repo)) {}

  /// The checks of a head; none by default.
  std::function<std::vector<sdk::Check>(const sdk::PullRequest&)> checks_of;
  std::map<std::string, std::string> logs; ///< by check id
  std::vector<sdk::PullRequestComment> posted; ///< every comment on every PR, replies included
  struct Reply {
    std::string to;
    std::string text;
  };
  std::vector<Reply> replies;
  std::vector<sdk::PushOptions> pushes;
  int updates = 0; ///< update_branch calls
  sdk::Result<void> update_result;
  bool can_read_checks = true;

  /// Sets a field of the PR whose head is `branch`.
  void set_state(const std::string& branch, sdk::PullRequestState state);
  void set_mergeable(const std::string& branch, sdk::Mergeable mergeable);
  sdk::PullRequest pr(const std::string& branch);
  /// Adds a comment as a person (or a bot) would; returns its id.
  std::string comment(const std::string& author, const std::string& body, const std::string& path = "", int line = 0,
                      bool bot = false);

  sdk::Result<void> push(const std::filesystem::path& worktree, const std::string& branch,
                         const sdk::PushOptions& options, const sdk::CancelToken&) override;
  sdk::Result<std::optional<sdk::PullRequest>> find(const std::string& branch, const sdk::CancelToken&) override;
  sdk::Result<sdk::PullRequest> open(const sdk::PullRequestDraft& draft, const sdk::CancelToken&) override;
  sdk::Result<sdk::PullRequest> update(const sdk::PullRequest& pr, const sdk::CancelToken&) override;
  sdk::Result<sdk::PullRequest> get(const std::string& id, const sdk::CancelToken&) override;
  sdk::Result<void> review(const sdk::PullRequest&, const sdk::PullRequestReview& review,
                           const sdk::CancelToken&) override;
  sdk::Result<std::vector<sdk::Check>> checks(const sdk::PullRequest& pr, const sdk::CancelToken&) override;
  sdk::Result<std::string> check_log(const sdk::PullRequest&, const sdk::Check& check, std::size_t max_bytes,
                                     const sdk::CancelToken&) override;
  sdk::Result<std::vector<sdk::PullRequestComment>> comments(const sdk::PullRequest& pr,
                                                             const sdk::CancelToken&) override;
  sdk::Result<std::string> reply(const sdk::PullRequest& pr, const sdk::PullRequestComment& to,
                                 const std::string& markdown, const sdk::CancelToken&) override;
  sdk::Result<void> update_branch(const sdk::PullRequest& pr, const sdk::CancelToken&) override;

private:
  std::filesystem::path m_repo;
  std::mutex m_mutex;
  std::map<std::string, sdk::PullRequest> m_prs; ///< by head branch
  std::map<std::string, std::string> m_pushed_heads; ///< by branch, before a PR exists
  int m_next_comment = 1;
};

/// The pipeline's FakeAgent, plus RESOLVE prompts (the watch tests' update prompt): writes
/// `resolution` into every conflicted file the findings list ("- `file`").
class ResolvingAgent final : public sdk::AgentProvider {
public:
  explicit ResolvingAgent(FakeAgent& inner) : m_inner(inner) {}
  std::string resolution = "resolved\n";
  std::vector<std::string> prompts; ///< RESOLVE prompts
  sdk::Result<sdk::SessionResult> run(const sdk::SessionRequest& request, const sdk::EventSink& on_event,
                                      const sdk::CancelToken& cancel) override;
  bool can_resume() const override { return m_inner.can_resume(); }

private:
  FakeAgent& m_inner;
  std::mutex m_mutex;
};

/// A published run of issue "7" (plan, build, PR, approved review) and a watcher over it.
struct WatchHarness {
  WatchHarness();
  Harness h;
  WatchForge forge;
  ResolvingAgent agent;
  std::vector<std::string> notes; ///< "<issue> <stage>: <text>"
  std::vector<std::string> cleaned;
  watch::WatchOptions options;
  std::mutex notes_mutex;
  std::unique_ptr<watch::Watcher> watcher;

  /// Runs the pipeline for `key` to its end (done with the default reviewer).
  void publish(const std::string& key = "7");
  /// One tick of a fresh watcher (as after a restart of `fanout watch`), or with
  /// `restart` false of the watcher of the previous tick (one watch process).
  void tick(bool restart = true);
  std::string branch(const std::string& key = "7") const { return "fanout/" + key; }
  std::filesystem::path worktree(const std::string& key = "7") const;
  pipeline::RunRecord run(const std::string& key = "7");
  /// Notes containing `text`.
  int notes_with(const std::string& text) const;
};

} // namespace fanout::test
