#include "pipeline_helpers.hpp"

#include "tests/support/shell.hpp"
#include "tests/support/wait.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <thread>

namespace fanout::test {

namespace fs = std::filesystem;

std::string git(const fs::path& dir, const std::string& args) {
  const auto ran = sh("git -c user.name=fanout-test -c user.email=test@fanout.invalid -c commit.gpgsign=false " + args, dir);
  INFO("git " << args << ": " << ran.out);
  REQUIRE(ran.rc == 0);
  return ran.out;
}

// ---- tracker

void FakeTracker::add(const std::string& key, const std::string& title) {
  issues[key] = sdk::Issue{key, title, "Please " + title + ".", "open", {}, "https://tracker.test/" + key};
}

sdk::Result<std::vector<sdk::Issue>> FakeTracker::list(const sdk::IssueQuery&, const sdk::CancelToken&) {
  std::lock_guard lock(m_mutex);
  std::vector<sdk::Issue> out;
  for (const auto& [key, issue] : issues) out.push_back(issue);
  return out;
}

sdk::Result<sdk::Issue> FakeTracker::get(const std::string& key, const sdk::CancelToken&) {
  std::lock_guard lock(m_mutex);
  auto found = issues.find(key);
  if (found == issues.end()) return sdk::fail(sdk::FailureKind::not_found, "issue \"" + key + "\" not found");
  return found->second;
}

sdk::Result<void> FakeTracker::comment(const std::string& key, const std::string& markdown, const sdk::CancelToken&) {
  std::lock_guard lock(m_mutex);
  comments.emplace_back(key, markdown);
  return {};
}

int FakeTracker::comments_on(const std::string& key) const {
  std::lock_guard lock(m_mutex);
  int n = 0;
  for (const auto& [k, text] : comments) n += k == key ? 1 : 0;
  return n;
}

// ---- code host

sdk::Result<void> FakeCodeHost::push(const fs::path&, const std::string&, const sdk::PushOptions&,
                                     const sdk::CancelToken&) {
  std::lock_guard lock(m_mutex);
  ++pushes;
  return {};
}

sdk::Result<std::optional<sdk::PullRequest>> FakeCodeHost::find(const std::string& branch, const sdk::CancelToken&) {
  std::lock_guard lock(m_mutex);
  auto found = prs.find(branch);
  if (found == prs.end()) return std::optional<sdk::PullRequest>{};
  return std::optional<sdk::PullRequest>{found->second};
}

sdk::Result<sdk::PullRequest> FakeCodeHost::open(const sdk::PullRequestDraft& draft, const sdk::CancelToken&) {
  std::lock_guard lock(m_mutex);
  ++opened;
  sdk::PullRequest pr;
  pr.id = std::to_string(100 + opened);
  pr.url = "https://forge.test/pull/" + pr.id;
  pr.title = draft.title;
  pr.body = draft.body;
  pr.head = draft.head;
  pr.base = draft.base;
  prs[draft.head] = pr;
  if (after_open) after_open(pr);
  return pr;
}

sdk::Result<sdk::PullRequest> FakeCodeHost::update(const sdk::PullRequest& pr, const sdk::CancelToken&) {
  std::lock_guard lock(m_mutex);
  prs[pr.head] = pr;
  return pr;
}

sdk::Result<sdk::PullRequest> FakeCodeHost::get(const std::string& id, const sdk::CancelToken&) {
  std::lock_guard lock(m_mutex);
  for (const auto& [branch, pr] : prs)
    if (pr.id == id) return pr;
  return sdk::fail(sdk::FailureKind::not_found, "pull request \"" + id + "\" not found");
}

sdk::Result<void> FakeCodeHost::review(const sdk::PullRequest& pr, const sdk::PullRequestReview& review,
                                       const sdk::CancelToken&) {
  std::lock_guard lock(m_mutex);
  if (refuse_self_review && review.event != sdk::ReviewEvent::comment)
    return sdk::fail(sdk::FailureKind::error, "can not approve your own pull request");
  reviews.emplace_back(pr.id, review);
  return {};
}

// ---- agent

namespace {

std::string word_of(const std::string& prompt) { return prompt.substr(0, prompt.find(' ')); }

std::string key_of(const std::string& prompt) {
  const auto start = prompt.find(' ') + 1;
  const auto end = prompt.find_first_of(" \n", start);
  return prompt.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

/// Appends `text` to `name` and commits it (appending: every call makes a new commit).
void commit_file(const fs::path& dir, const std::string& name, const std::string& text) {
  std::ofstream(dir / name, std::ios::app) << text;
  git(dir, "add -A");
  git(dir, "commit -q -m '" + name + "'");
}

} // namespace

std::vector<sdk::SessionRequest> FakeAgent::requests_for(const std::string& word, const std::string& key) {
  std::lock_guard lock(m_mutex);
  std::vector<sdk::SessionRequest> out;
  for (const auto& request : requests)
    if (word_of(request.prompt) == word && key_of(request.prompt) == key) out.push_back(request);
  return out;
}

bool FakeAgent::await_hanging(int count, std::chrono::milliseconds limit) {
  std::unique_lock lock(m_mutex);
  return m_cv.wait_for(lock, limit, [&] { return hanging.load() >= count; });
}

sdk::Result<sdk::SessionResult> FakeAgent::run(const sdk::SessionRequest& request, const sdk::EventSink& on_event,
                                               const sdk::CancelToken& cancel) {
  const std::string word = word_of(request.prompt);
  const std::string key = key_of(request.prompt);
  AgentScript script;
  {
    std::lock_guard lock(m_mutex);
    requests.push_back(request);
    if (auto found = scripts.find(key); found != scripts.end()) script = found->second;
  }
  sdk::SessionResult result;
  result.outcome = sdk::SessionOutcome::success;
  result.session_id = "session-" + key;
  for (std::int64_t used = 10; used <= script.tokens_per_session; used += 10) {
    sdk::AgentEvent usage;
    usage.type = sdk::AgentEvent::Type::usage;
    usage.usage.output = used;
    on_event(usage);
    result.usage.output = used;
    if (cancel.cancelled()) {
      ++cancels_seen;
      result.outcome = sdk::SessionOutcome::cancelled;
      return result;
    }
  }
  on_event(sdk::AgentEvent{sdk::AgentEvent::Type::text, word + " working on " + key, "", "", {}, ""});

  if (word == "PLAN") {
    result.text = "1. do the thing for " + key;
    return result;
  }
  if (word == "BUILD") {
    const int now = ++in_build;
    for (int peak = peak_in_build.load(); now > peak && !peak_in_build.compare_exchange_weak(peak, now);) {
    }
    if (rendezvous > 0) {
      std::unique_lock lock(m_mutex);
      ++m_arrived;
      m_cv.notify_all();
      m_cv.wait_for(lock, std::chrono::seconds(5), [&] { return m_arrived % rendezvous == 0; });
    }
    if (script.hang_in_build) {
      {
        std::lock_guard lock(m_mutex);
        ++hanging;
      }
      m_cv.notify_all();
      // The token is a flag agents poll (sdk/cancel.hpp); bounded, so a pipeline that never
      // cancels fails its test with this text instead of hanging it.
      const bool cancelled = poll_until([&] { return cancel.cancelled(); }, std::chrono::seconds(60),
                                        std::chrono::milliseconds(5));
      --in_build;
      if (!cancelled) {
        result.outcome = sdk::SessionOutcome::error;
        result.text = "the fake agent waited 60 s in build for a cancel that never came";
        return result;
      }
      ++cancels_seen;
      result.outcome = sdk::SessionOutcome::cancelled;
      return result;
    }
    if (script.build_commits) commit_file(request.workdir, "feature-" + key + ".txt", "built " + key + "\n");
    for (const auto& [file, content] : script.build_leaves) std::ofstream(request.workdir / file) << content;
    --in_build;
    if (script.throw_after_commit) throw std::runtime_error("agent host crashed");
    result.outcome = script.build_outcome;
    result.text = script.build_outcome == sdk::SessionOutcome::success ? "built" : "the build broke";
    return result;
  }
  if (word == "FIX") {
    if (script.fix_commits) commit_file(request.workdir, "fixed-" + key + ".txt", "fixed\n");
    for (const auto& [file, content] : script.fix_leaves) std::ofstream(request.workdir / file) << content;
    result.text = "fixed";
    return result;
  }
  result.outcome = sdk::SessionOutcome::error;
  result.text = "unknown prompt";
  return result;
}

// ---- workspaces

sdk::Result<sdk::WorkspaceInfo> FakeWorkspaces::up(const sdk::Issue& issue, const sdk::CancelToken&) {
  std::lock_guard lock(m_mutex);
  sdk::WorkspaceInfo info;
  info.branch = "fanout/" + issue.key;
  info.base = "main";
  info.path = m_repo / ".fanout" / "worktrees" / issue.key;
  if (!fs::exists(info.path)) git(m_repo, "worktree add -q -b " + info.branch + " '" + info.path.string() + "' main");
  auto [it, added] = m_ports.emplace(issue.key, 4000 + 10 * static_cast<int>(m_ports.size()));
  info.ports = {it->second};
  info.env = {{"PORT", std::to_string(it->second)}, {"FANOUT_ISSUE", issue.key}};
  return info;
}

// ---- reviewers

sdk::Review approve() { return sdk::Review{sdk::Verdict::approve, "looks good", {}}; }

sdk::Review request_changes(const std::string& message, const std::string& file, int line) {
  sdk::Review review{sdk::Verdict::request_changes, "needs work", {}};
  review.findings.push_back({sdk::Severity::important, file, line, message, ""});
  return review;
}

// ---- harness

Harness::Harness() : repo(dir / "repo") {
  init_git_repo(repo, {{"README.md", "sample\n"}, {".gitignore", ".fanout/\n"}}, "init");
  git(repo, "config --remove-section user"); // no identity of its own: tests set one or check fanout's
  const fs::path prompts = repo / ".fanout" / "prompts"; // the repo's overrides win
  fs::create_directories(prompts);
  std::ofstream(prompts / "plan.md") << "PLAN {{issue.key}} {{issue.title}}";
  std::ofstream(prompts / "build.md") << "BUILD {{issue.key}} port {{workspace.port}}\n{{plan}}";
  std::ofstream(prompts / "fix.md") << "FIX {{issue.key}}\n{{findings}}";
  workspaces = std::make_unique<FakeWorkspaces>(repo);

  services.tracker = &tracker;
  services.code_host = &code_host;
  services.agent = &agent;
  services.workspaces = workspaces.get();
  services.processes = &runner;
  services.make_reviewers = [this](const pipeline::AgentWrapper&) {
    std::vector<pipeline::ReviewerSlot> slots;
    for (const auto& [name, policy] : reviewers) slots.push_back({name, std::make_shared<FakeReviewer>(policy)});
    ++reviewers_made;
    return sdk::Result<std::vector<pipeline::ReviewerSlot>>(std::move(slots));
  };
  settings.repo_root = repo;
  settings.db_path = repo / ".fanout" / "state.db";
  settings.runs_dir = repo / ".fanout" / "runs";
  settings.fix_rounds = 2;
  reviewers.emplace_back("scope", [](const sdk::ReviewRequest&) { return sdk::Result<sdk::Review>(approve()); });
}

std::map<std::string, pipeline::RunState> Harness::run(const std::vector<std::string>& issues,
                                                       pipeline::FleetOptions options) {
  pipeline::Fleet fleet(services, settings, options, nullptr);
  return fleet.run(issues);
}

} // namespace fanout::test
