#include "watch_helpers.hpp"

#include "host/pipeline/run_store.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <fstream>

namespace fanout::test {

namespace fs = std::filesystem;

namespace {

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

} // namespace

// ---- code host

void WatchForge::set_state(const std::string& branch, sdk::PullRequestState state) {
  std::lock_guard lock(m_mutex);
  m_prs.at(branch).state = state;
}

void WatchForge::set_mergeable(const std::string& branch, sdk::Mergeable mergeable) {
  std::lock_guard lock(m_mutex);
  m_prs.at(branch).mergeable = mergeable;
}

sdk::PullRequest WatchForge::pr(const std::string& branch) {
  std::lock_guard lock(m_mutex);
  return m_prs.at(branch);
}

std::string WatchForge::comment(const std::string& author, const std::string& body, const std::string& path, int line,
                                bool bot) {
  std::lock_guard lock(m_mutex);
  sdk::PullRequestComment comment;
  comment.id = "c" + std::to_string(m_next_comment++);
  comment.kind = path.empty() ? sdk::CommentKind::conversation : sdk::CommentKind::line;
  comment.author = author;
  comment.author_is_bot = bot;
  comment.body = body;
  comment.path = path;
  comment.line = line;
  posted.push_back(comment);
  return comment.id;
}

sdk::Result<void> WatchForge::push(const fs::path& worktree, const std::string& branch, const sdk::PushOptions& options,
                                   const sdk::CancelToken&) {
  const std::string head = trimmed(git(worktree, "rev-parse HEAD"));
  std::lock_guard lock(m_mutex);
  pushes.push_back(options);
  if (auto found = m_prs.find(branch); found != m_prs.end()) {
    // A lease names the head the pusher last saw: refuse like git when it moved.
    if (options.force_with_lease && options.expected_remote_head != found->second.head_sha)
      return sdk::fail(sdk::FailureKind::conflict, "stale info: the remote head moved");
    found->second.head_sha = head;
    found->second.mergeable = sdk::Mergeable::unknown; // the host computes it again
  }
  m_pushed_heads[branch] = head;
  return {};
}

sdk::Result<std::optional<sdk::PullRequest>> WatchForge::find(const std::string& branch, const sdk::CancelToken&) {
  std::lock_guard lock(m_mutex);
  auto found = m_prs.find(branch);
  if (found == m_prs.end()) return std::optional<sdk::PullRequest>{};
  return std::optional<sdk::PullRequest>{found->second};
}

sdk::Result<sdk::PullRequest> WatchForge::open(const sdk::PullRequestDraft& draft, const sdk::CancelToken&) {
  std::lock_guard lock(m_mutex);
  sdk::PullRequest pr;
  pr.id = std::to_string(100 + m_prs.size());
  pr.url = "https://forge.test/pull/" + pr.id;
  pr.title = draft.title;
  pr.body = draft.body;
  pr.head = draft.head;
  pr.base = draft.base;
  pr.head_sha = m_pushed_heads[draft.head];
  pr.mergeable = sdk::Mergeable::clean;
  m_prs[draft.head] = pr;
  return pr;
}

sdk::Result<sdk::PullRequest> WatchForge::update(const sdk::PullRequest& pr, const sdk::CancelToken&) {
  std::lock_guard lock(m_mutex);
  m_prs[pr.head] = pr;
  return pr;
}

sdk::Result<sdk::PullRequest> WatchForge::get(const std::string& id, const sdk::CancelToken&) {
  std::lock_guard lock(m_mutex);
  for (const auto& [branch, pr] : m_prs)
    if (pr.id == id) return pr;
  return sdk::fail(sdk::FailureKind::not_found, "pull request \"" + id + "\" not found");
}

sdk::Result<void> WatchForge::review(const sdk::PullRequest&, const sdk::PullRequestReview&, const sdk::CancelToken&) {
  return {};
}

sdk::Result<std::vector<sdk::Check>> WatchForge::checks(const sdk::PullRequest& pr, const sdk::CancelToken&) {
  if (!can_read_checks) return sdk::fail(sdk::FailureKind::unsupported, "this code host cannot read checks");
  if (!checks_of) return std::vector<sdk::Check>{};
  return checks_of(pr);
}

sdk::Result<std::string> WatchForge::check_log(const sdk::PullRequest&, const sdk::Check& check, std::size_t,
                                               const sdk::CancelToken&) {
  std::lock_guard lock(m_mutex);
  auto found = logs.find(check.id);
  return found == logs.end() ? std::string() : found->second;
}

sdk::Result<std::vector<sdk::PullRequestComment>> WatchForge::comments(const sdk::PullRequest&,
                                                                       const sdk::CancelToken&) {
  std::lock_guard lock(m_mutex);
  return posted;
}

sdk::Result<std::string> WatchForge::reply(const sdk::PullRequest&, const sdk::PullRequestComment& to,
                                           const std::string& markdown, const sdk::CancelToken&) {
  std::lock_guard lock(m_mutex);
  replies.push_back({to.id, markdown});
  sdk::PullRequestComment comment;
  comment.id = "c" + std::to_string(m_next_comment++);
  comment.kind = to.kind == sdk::CommentKind::line ? sdk::CommentKind::line : sdk::CommentKind::conversation;
  comment.author = "ana"; // fanout posts as the user: only the marker tells its words apart
  comment.body = markdown;
  comment.path = to.path;
  comment.line = to.line;
  comment.in_reply_to = to.kind == sdk::CommentKind::line ? to.id : "";
  posted.push_back(comment);
  return comment.id;
}

sdk::Result<void> WatchForge::update_branch(const sdk::PullRequest&, const sdk::CancelToken&) {
  std::lock_guard lock(m_mutex);
  ++updates;
  return update_result;
}

// ---- agent

sdk::Result<sdk::SessionResult> ResolvingAgent::run(const sdk::SessionRequest& request, const sdk::EventSink& on_event,
                                                    const sdk::CancelToken& cancel) {
  if (request.prompt.rfind("RESOLVE ", 0) != 0) return m_inner.run(request, on_event, cancel);
  {
    std::lock_guard lock(m_mutex);
    prompts.push_back(request.prompt);
  }
  const std::string& text = request.prompt;
  for (auto at = text.find("- `"); at != std::string::npos; at = text.find("- `", at + 1)) {
    const auto start = at + 3;
    const auto end = text.find('`', start);
    write_text(request.workdir / text.substr(start, end - start), resolution);
  }
  sdk::SessionResult result;
  result.outcome = sdk::SessionOutcome::success;
  result.session_id = "session-resolve";
  result.text = "resolved";
  return result;
}

// ---- harness

WatchHarness::WatchHarness() : forge(h.repo), agent(h.agent) {
  h.services.code_host = &forge;
  h.services.agent = &agent;
  const fs::path prompts = h.repo / ".fanout" / "prompts";
  write_text(prompts / "ci.md", "FIX {{issue.key}}\n{{findings}}");
  write_text(prompts / "comments.md", "FIX {{issue.key}}\n{{findings}}");
  write_text(prompts / "update.md", "RESOLVE {{issue.key}}\n{{findings}}");
  options.interval = std::chrono::milliseconds(10);
  options.parallel = 2;
}

void WatchHarness::publish(const std::string& key) {
  h.tracker.add(key, "feature " + key);
  auto states = h.run({key});
  REQUIRE(states.at(key) == pipeline::RunState::done);
}

void WatchHarness::tick(bool restart) {
  if (restart || !watcher) {
    watch::WatchHooks hooks;
    hooks.on_note = [this](const std::string& issue, const std::string& stage, const std::string& text) {
      std::lock_guard lock(notes_mutex);
      notes.push_back(issue + " " + stage + ": " + text);
    };
    hooks.clean = [this](const pipeline::RunRecord& run) -> sdk::Result<std::string> {
      std::lock_guard lock(notes_mutex);
      cleaned.push_back(run.issue);
      return std::string("cleaned");
    };
    watcher = std::make_unique<watch::Watcher>(h.services, h.settings, options, hooks);
  }
  watcher->tick();
}

fs::path WatchHarness::worktree(const std::string& key) const { return h.repo / ".fanout" / "worktrees" / key; }

pipeline::RunRecord WatchHarness::run(const std::string& key) {
  auto record = pipeline::RunStore(h.settings.db_path).get(key);
  REQUIRE(record);
  return *record;
}

int WatchHarness::notes_with(const std::string& text) const {
  int n = 0;
  for (const auto& note : notes) n += note.find(text) != std::string::npos ? 1 : 0;
  return n;
}

} // namespace fanout::test
