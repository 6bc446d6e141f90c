#pragma once
// FakeGithubServer: GitHub REST v3 for one repository, in memory, on 127.0.0.1.
// Shapes follow docs/../wire-formats.md section 3: issues (pull requests included, with a
// `pull_request` object), comments (edited and deleted by id too), labels, pulls (head=owner:branch), reviews, Link
// pagination, Bearer/token auth, 401 "Bad credentials", 403 without User-Agent; and what a
// pull request gathers after it is open: check runs and commit statuses of its head, Actions
// job logs (a 302 to a second, signed-URL server), review comments and their replies, the
// PR's mergeable state and "update branch". Optionally backed by a real bare repository
// (use_git_remote: git computes heads, merge states and update-branch merges) and a CI
// service that gives each new head commit its check runs (set_ci).

#include "tests/support/fake_service.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace fanout::test {

struct FakeGithubIssue {
  int number = 0; ///< assigned by add_issue when 0
  std::string title;
  std::string body;
  std::string state = "open"; ///< open | closed
  std::vector<std::string> labels;
  std::string assignee;
  std::string milestone; ///< a milestone number as text ("3"), matched by ?milestone=
  std::vector<std::string> comments;
};

struct FakeGithubPull {
  int number = 0;
  std::string title;
  std::string body;
  std::string head; ///< branch
  std::string base;
  std::string state = "open"; ///< open | closed
  bool draft = false;
  bool merged = false;
  std::vector<std::string> comments;
  std::string head_sha = "abc123";
  /// GitHub's `mergeable`: nullopt is JSON null (not computed yet).
  std::optional<bool> mergeable = true;
  std::string mergeable_state = "clean"; ///< clean | dirty | behind | unstable | blocked | has_hooks | draft | unknown
};

struct FakeGithubReview {
  int pull = 0;
  std::string event; ///< APPROVE | REQUEST_CHANGES | COMMENT as posted
  std::string body;
  nlohmann::json comments = nlohmann::json::array(); ///< [{path, line, side, body}]
  std::string user = "fanout-bot";
  std::string user_type = "User"; ///< "Bot" for apps
  long long id = 0;              ///< assigned when 0
  std::string submitted_at;      ///< assigned from the fake's clock when ""
};

/// A comment on an issue's or a pull request's conversation (GitHub's "issue comment").
struct FakeGithubComment {
  long long id = 0; ///< assigned when 0
  std::string body;
  std::string user = "octocat";
  std::string user_type = "User"; ///< "Bot" for apps
  std::string created_at;         ///< assigned from the fake's clock when ""
};

/// A pull request review comment: on a line of the diff, or a reply in such a thread.
struct FakeGithubReviewComment {
  long long id = 0; ///< assigned when 0
  int pull = 0;
  std::string path;
  int line = 0;                ///< 0 is JSON null (an outdated comment)
  long long in_reply_to = 0;   ///< the thread's first comment; 0 for a first comment
  std::string body;
  std::string user = "octocat";
  std::string user_type = "User";
  std::string created_at;      ///< assigned from the fake's clock when ""
};

/// A check run on a commit (GitHub Actions' jobs are check runs whose id is the job id).
struct FakeGithubCheckRun {
  long long id = 0; ///< assigned when 0; later runs of a name get larger ids
  std::string head_sha = "abc123";
  std::string name;
  std::string status = "completed"; ///< queued | in_progress | completed
  std::string conclusion;           ///< success | failure | neutral | cancelled | skipped | timed_out | action_required; "" is null
  std::string title;                ///< output.title
  std::string summary;              ///< output.summary
  std::string app = "github-actions"; ///< app.slug
  std::string log;                  ///< the job log; "" when the job has none (404)
};

/// A commit status (the legacy statuses API).
struct FakeGithubStatus {
  std::string sha = "abc123";
  std::string context;
  std::string state; ///< error | failure | pending | success
  std::string description;
  std::string target_url;
  long long id = 0; ///< assigned when 0
};

class FakeGithubServer final : public FakeService {
public:
  /// Serves `owner/name`; requests must carry `Authorization: Bearer <token>` (or `token <token>`).
  explicit FakeGithubServer(std::string repo = "acme/widgets", std::string token = "ghp_fake_token_0123456789");
  ~FakeGithubServer() override;

  /// API base URL to configure as `api_url`.
  std::string api_url() const { return url(); }
  const std::string& token() const { return m_token; }
  const std::string& repo() const { return m_repo; }

  /// Adds an issue; returns its number. Issues and pulls share one number sequence.
  int add_issue(FakeGithubIssue issue);
  /// Adds a pull request (as if pushed and opened elsewhere); returns its number.
  int add_pull(FakeGithubPull pull);
  /// Marks a pull merged (state closed, merged true).
  void merge_pull(int number);
  /// Adds a submitted review to a pull; returns its id.
  long long add_review(FakeGithubReview review);
  /// Adds a comment to an issue's or a pull's conversation; returns its id.
  long long add_comment(int number, FakeGithubComment comment);
  /// Adds a review comment (or a reply, with in_reply_to) to a pull; returns its id.
  long long add_review_comment(FakeGithubReviewComment comment);
  /// Adds a check run; returns its id.
  long long add_check_run(FakeGithubCheckRun run);
  /// Adds a commit status (newer than every earlier one); returns its id.
  long long add_status(FakeGithubStatus status);
  /// A CI service: the first time the check runs of a commit are listed, `ci(sha)` says
  /// which runs that commit gets (their head_sha is set to it, ids assigned). Called on a
  /// server thread with the server's lock held: it must not call the server.
  void set_ci(std::function<std::vector<FakeGithubCheckRun>(const std::string& sha)> ci);
  /// Changes a pull's head commit and mergeable state, as a push or a base change would.
  /// The pull then keeps these values even with use_git_remote().
  void set_pull_head(int number, const std::string& head_sha, std::optional<bool> mergeable,
                     const std::string& mergeable_state);
  /// Reads pulls from a real (bare) repository, as GitHub reads its own: an open pull's
  /// head sha is refs/heads/<head> there, it is "dirty" when `git merge-tree --write-tree`
  /// of base and head conflicts, "behind" when `require_up_to_date` and the base is not in
  /// the head, else "clean"; update-branch makes a real merge commit on the head branch.
  void use_git_remote(const std::filesystem::path& bare_repo, bool require_up_to_date = false);

  std::optional<FakeGithubIssue> issue(int number) const;
  std::optional<FakeGithubPull> pull(int number) const;
  std::vector<FakeGithubPull> pulls() const;
  std::vector<FakeGithubReview> reviews(int pull) const;
  /// An issue's or a pull's conversation comments, oldest first.
  std::vector<FakeGithubComment> comments(int number) const;
  /// Deletes conversation comment `id` as a person would on github.com; false when there is none.
  bool delete_comment(long long id);
  /// A pull's review comments (replies included), oldest first.
  std::vector<FakeGithubReviewComment> review_comments(int pull) const;
  /// How many times a pull's branch was updated through PUT .../update-branch.
  int branch_updates(int pull) const;

  /// Base URL of the second server that serves job logs behind signed URLs (GitHub sends
  /// them from another host). Requests it received that carried an Authorization header:
  /// a client must not send the API token there.
  std::string logs_url() const;
  int logs_requests_with_authorization() const;

  /// Default page size when the client sends no per_page (GitHub's is 30).
  void set_default_per_page(int per_page);
  /// Largest page the fake sends whatever per_page asks (GitHub's is 100): a small one makes
  /// every list span pages.
  void set_max_per_page(int per_page);

private:
  bool authorized(const httplib::Request& request) const override;
  FailureAnswers failure_answers() const override;
  void add_routes();
  void add_pull_routes();  // fake_github_pulls.cpp
  void add_check_routes(); // fake_github_checks.cpp
  /// GET/PATCH/DELETE /issues/comments/{id}: one conversation comment by id.
  void add_comment_edit_routes();

  /// Sends `items` paginated by ?page/&per_page with a Link header; with `wrap_key`, the
  /// page goes into {"total_count": N, wrap_key: [...]} (the checks API's shape).
  void paginate(const httplib::Request& req, httplib::Response& res, const nlohmann::json& items,
                const std::string& wrap_key = "") const;

  nlohmann::json issue_json(const FakeGithubIssue& issue) const;
  nlohmann::json pull_as_issue_json(const FakeGithubPull& pull) const;
  /// `full`: the single-pull shape, with mergeable and mergeable_state (lists omit them).
  nlohmann::json pull_json(const FakeGithubPull& pull, bool full = false) const;
  nlohmann::json comment_json(int number, const FakeGithubComment& comment) const;
  nlohmann::json review_json(const FakeGithubReview& review) const;
  nlohmann::json review_comment_json(const FakeGithubReviewComment& comment) const;
  /// The next timestamp of the fake's clock: every stored thing gets a later one. Under m_mutex.
  std::string next_timestamp();
  /// The head sha a ref names: a pull's head branch resolves to its head_sha. Under m_mutex.
  std::string resolve_ref(const std::string& ref) const;
  /// With use_git_remote(): the head sha and mergeable state of every open pull, from git
  /// (fake_github_git.cpp). Under m_mutex.
  void refresh_from_git();
  /// With use_git_remote(): merges the base into the pull's head branch with a merge commit;
  /// false when git could not. Under m_mutex.
  bool merge_base_with_git(FakeGithubPull& pull);

  std::string m_repo;
  std::string m_token;
  /// `asked`, or the next free number when it is 0 (issues and pulls share numbers). Under m_mutex.
  int number_for(int asked);
  int m_next_number = 1;
  int m_default_per_page = 30;
  int m_max_per_page = 100;
  std::map<int, FakeGithubIssue> m_issues;
  std::map<int, FakeGithubPull> m_pulls;
  std::vector<FakeGithubReview> m_reviews;
  std::map<int, std::vector<FakeGithubComment>> m_comments;
  std::vector<FakeGithubReviewComment> m_review_comments;
  std::vector<FakeGithubCheckRun> m_check_runs;
  std::vector<FakeGithubStatus> m_statuses;
  std::function<std::vector<FakeGithubCheckRun>(const std::string&)> m_ci;
  std::set<std::string> m_ci_ran; ///< commits the CI was asked about
  std::map<int, int> m_branch_updates;
  std::filesystem::path m_git_remote;    ///< "" without use_git_remote()
  bool m_require_up_to_date = false;
  std::set<int> m_pinned_heads;           ///< pulls whose head set_pull_head() fixed
  long long m_next_id = 1000;
  int m_clock = 0;

  /// Serves job logs at /job-logs/<id>?sig=..., without auth (a signed URL).
  std::unique_ptr<LocalServer> m_logs;
  std::atomic<int> m_logs_with_authorization{0};
};

} // namespace fanout::test
