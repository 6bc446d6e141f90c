// Watcher's work on one run: look at its pull request, then act on one thing.

#include "host/git/changes.hpp"
#include "host/git/cli.hpp"
#include "host/state/process_ledger.hpp"
#include "host/state/run_lock.hpp"
#include "host/watch/feedback.hpp"
#include "host/watch/watch_store.hpp"
#include "host/watch/watcher.hpp"

#include <fmt/format.h>

namespace fanout::watch {

using pipeline::RunState;

namespace {

/// The update the builder finishes: git starts it, each conflict goes to the builder.
class GitBranchUpdate final : public pipeline::BranchUpdate {
public:
  GitBranchUpdate(sdk::ProcessRunner& runner, std::filesystem::path worktree, std::string base,
                  git::UpdateStrategy strategy)
      : m_runner(runner), m_worktree(std::move(worktree)), m_base(std::move(base)), m_strategy(strategy) {}

  sdk::Result<std::string> start(const sdk::CancelToken& cancel) override {
    return described(git::start_update(m_runner, m_worktree, m_base, m_strategy, cancel));
  }
  sdk::Result<std::string> resume(const sdk::CancelToken& cancel) override {
    return described(git::continue_update(m_runner, m_worktree, cancel));
  }
  void abort() override { git::abort_update(m_runner, m_worktree); }

private:
  sdk::Result<std::string> described(sdk::Result<std::vector<std::string>> files) {
    if (!files.ok()) return std::move(files).failure();
    if (files->empty()) return std::string();
    const bool rebase = m_strategy == git::UpdateStrategy::rebase;
    std::string out = fmt::format("### Conflicts with `{}`\n\nfanout ran `git {} {}` in your worktree; git stopped "
                                  "with conflicts in:\n\n",
                                  m_base, rebase ? "rebase" : "merge", m_base);
    for (const auto& file : *files) out += "- `" + file + "`\n";
    out += "\nResolve each file (keep what both sides meant), remove every conflict marker and save. Do not run "
           "`git rebase --continue`, `git commit` or `git merge --abort`: fanout continues the " +
           std::string(rebase ? "rebase" : "merge") + " when you are done.\n";
    return out;
  }

  sdk::ProcessRunner& m_runner;
  std::filesystem::path m_worktree;
  std::string m_base;
  git::UpdateStrategy m_strategy;
};

/// Runs watch acts on: published, not merged or closed, and not driven by anyone (the caller
/// holds the run lock, so a `running` one was left by a killed process).
bool actionable(const pipeline::RunRecord& run) {
  switch (run.state) {
  case RunState::done:
  case RunState::needs_human:
  case RunState::cancelled:
  case RunState::running: return true;
  case RunState::failed: return run.stage == "ci" || run.stage == "comments" || run.stage == "update";
  case RunState::over_budget:
  case RunState::merged:
  case RunState::closed: return false;
  }
  return false;
}

/// The follow-up ran to an end that judged the change (pushed, or nothing to push), as
/// opposed to one cut short (cancelled, failed, over budget).
bool handled(const pipeline::FollowUpResult& result) {
  return result.state == RunState::done || result.state == RunState::needs_human;
}

} // namespace

struct Watcher::Look {
  std::vector<sdk::Check> checks;
  bool checks_read = false;
  std::vector<sdk::PullRequestComment> pending; ///< people's comments not answered yet
  bool comments_read = false;
  sdk::Mergeable mergeable = sdk::Mergeable::unknown;
  std::string base;     ///< the base branch's name
  std::string base_ref; ///< what the branch is updated from: the base, or origin/<base> after a fetch
};

void Watcher::watch_run(const std::string& issue) {
  state::LockHolder holder;
  auto lock = state::RunLock::take(m_settings.db_path.parent_path(), issue, holder);
  if (!lock.ok()) return note(issue, "watch", lock.failure().message);
  if (!*lock) return; // a `fanout run`, `resume` or another watch drives it now: next pass
  const state::ProcessLedger::IssueTag tag(issue);
  pipeline::RunStore runs(m_settings.db_path);
  const auto run = runs.get(issue); // read again under the lock
  if (!run || run->pr_id.empty() || run->state == RunState::merged || run->state == RunState::closed) return;
  auto pr = m_services.code_host->get(run->pr_id, m_scope.child());
  if (stopped()) return;
  if (!pr.ok()) {
    note(issue, "watch", "cannot read pull request " + run->pr_id + ": " + pr.failure().message);
    return;
  }
  if (pr->state == sdk::PullRequestState::merged) return end(*run, RunState::merged);
  if (pr->state == sdk::PullRequestState::closed) return end(*run, RunState::closed);

  WatchStore store(m_settings.db_path);
  WatchRecord watched = store.get(issue);
  const Look look = look_at(*pr, *run, store);
  watched.ci = look.checks_read ? ci_state(look.checks) : "unsupported";
  watched.unanswered = static_cast<int>(look.pending.size());
  watched.mergeable = sdk::to_string(look.mergeable);
  store.put(watched);
  if (!actionable(*run) || stopped()) return;
  // One change per pass: a conflict first (checks and comments of a stale head can wait).
  if (act_on_conflict(*run, *pr, look, watched, store)) return;
  if (act_on_ci(*run, *pr, look, watched, store)) return;
  act_on_comments(*run, *pr, look, watched, store);
}

Watcher::Look Watcher::look_at(const sdk::PullRequest& pr, const pipeline::RunRecord& run, WatchStore& store) {
  Look look;
  if (auto checks = m_services.code_host->checks(pr, m_scope.child()); checks.ok()) {
    look.checks = std::move(*checks);
    look.checks_read = true;
  } else if (checks.failure().kind == sdk::FailureKind::unsupported) {
    unsupported(run.issue, "ci", checks.failure().message);
  } else {
    note(run.issue, "ci", "cannot read checks: " + checks.failure().message);
  }
  if (auto comments = m_services.code_host->comments(pr, m_scope.child()); comments.ok()) {
    auto answered = store.answered(run.issue);
    // A reply that was posted but not recorded (a crash between the two) still counts.
    for (const auto& id : answered_by_replies(*comments))
      if (answered.insert(id).second) store.answer(run.issue, id, "");
    look.pending = to_answer(*comments, answered, m_options.bots);
    look.comments_read = true;
  } else if (comments.failure().kind == sdk::FailureKind::unsupported) {
    unsupported(run.issue, "comments", comments.failure().message);
  } else {
    note(run.issue, "comments", "cannot read comments: " + comments.failure().message);
  }
  // The branch name on the remote: a workspace started from origin/<base> ([workspace]
  // base_remote) records that as its base, and the pull request may carry it so.
  std::string base = pr.base.empty() ? "main" : pr.base;
  if (m_options.base_remote && base.rfind("origin/", 0) == 0) base = base.substr(7);
  look.base = base;
  look.base_ref = m_options.base_remote ? "origin/" + base : base;
  look.mergeable = pr.mergeable;
  if (look.mergeable == sdk::Mergeable::unknown && !run.worktree.empty() && std::filesystem::exists(run.worktree)) {
    // The host did not say (or cannot): git says whether the branch still merges.
    if (m_options.base_remote)
      (void)git::fetch_origin(*m_services.processes, m_settings.repo_root, base, m_scope.child());
    auto conflicts = git::conflicts_with(*m_services.processes, run.worktree, look.base_ref, m_scope.child());
    if (conflicts.ok()) look.mergeable = *conflicts ? sdk::Mergeable::conflicting : sdk::Mergeable::clean;
  }
  return look;
}

bool Watcher::act_on_conflict(const pipeline::RunRecord& run, const sdk::PullRequest& pr, const Look& look,
                              WatchRecord& watched, WatchStore& store) {
  if (watched.stopped("update")) return false;
  bool conflicting = look.mergeable == sdk::Mergeable::conflicting;
  if (look.mergeable == sdk::Mergeable::behind) {
    auto updated = m_services.code_host->update_branch(pr, m_scope.child());
    if (updated.ok()) {
      note(run.issue, "update", "behind \"" + look.base + "\" without conflicts: the code host updated the branch");
      return true;
    }
    if (updated.failure().kind != sdk::FailureKind::conflict && updated.failure().kind != sdk::FailureKind::unsupported) {
      note(run.issue, "update", "the code host could not update the branch: " + updated.failure().message);
      return false;
    }
    conflicting = true; // refused because of conflicts, or it cannot: update in the worktree
  }
  if (!conflicting || (!pr.head_sha.empty() && watched.update_head == pr.head_sha)) return false;
  if (watched.update_rounds >= m_options.update_rounds) {
    give_up(run.issue, "update",
            fmt::format("update: the branch still conflicts with \"{}\" after {} update(s)", look.base_ref,
                        watched.update_rounds),
            watched, store);
    return true;
  }
  ++watched.update_rounds;
  store.put(watched);
  note(run.issue, "update",
       fmt::format("conflicts with \"{}\": {} (round {} of {})", look.base_ref,
                   m_options.update == git::UpdateStrategy::rebase ? "rebasing" : "merging", watched.update_rounds,
                   m_options.update_rounds));
  if (m_options.base_remote)
    if (auto fetched = git::fetch_origin(*m_services.processes, m_settings.repo_root, look.base, m_scope.child());
        !fetched.ok())
      note(run.issue, "update", "could not fetch \"" + look.base + "\": " + fetched.failure().message);
  GitBranchUpdate update(*m_services.processes, run.worktree, look.base_ref, m_options.update);
  pipeline::FollowUp request;
  request.stage = "update";
  request.round = watched.update_rounds;
  request.prompt = "update";
  request.update = &update;
  request.subject = "Update from " + look.base_ref + " (" + run.issue + ")";
  if (m_options.update == git::UpdateStrategy::rebase) {
    request.push.force_with_lease = true;
    request.push.expected_remote_head = pr.head_sha;
    if (request.push.expected_remote_head.empty())
      if (auto head = git::head(*m_services.processes, run.worktree, m_scope.child()); head.ok())
        request.push.expected_remote_head = *head;
  }
  const auto result = m_pipeline.follow_up(run.issue, m_options.run_limits, request);
  if (handled(result)) watched.update_head = pr.head_sha;
  store.put(watched);
  note(run.issue, "update",
       result.pushed ? fmt::format("pushed the updated branch ({})", pipeline::to_string(result.state))
                     : fmt::format("{}: {}", pipeline::to_string(result.state), result.error));
  state_changed(run.issue);
  return true;
}

bool Watcher::act_on_ci(const pipeline::RunRecord& run, const sdk::PullRequest& pr, const Look& look,
                        WatchRecord& watched, WatchStore& store) {
  if (!look.checks_read || watched.stopped("ci") || ci_state(look.checks) != "failure") return false;
  for (const auto& check : look.checks)
    if (check.state == sdk::CheckState::pending) return false; // all of a head's failures at once
  if (!pr.head_sha.empty() && watched.ci_head == pr.head_sha) return false; // handed over already
  const std::string names = check_names(look.checks);
  if (watched.ci_rounds >= m_options.ci_rounds) {
    give_up(run.issue, "ci", fmt::format("ci: checks still fail after {} round(s): {}", watched.ci_rounds, names),
            watched, store);
    return true;
  }
  ++watched.ci_rounds;
  store.put(watched);
  note(run.issue, "ci", fmt::format("failing checks: {} (round {} of {})", names, watched.ci_rounds, m_options.ci_rounds));
  std::vector<FailedCheck> failed;
  for (const auto& check : look.checks) {
    if (check.state != sdk::CheckState::failure) continue;
    auto log = m_services.code_host->check_log(pr, check, m_options.log_bytes, m_scope.child());
    failed.push_back({check, log.ok() ? *log : ""});
  }
  pipeline::FollowUp request;
  request.stage = "ci";
  request.round = watched.ci_rounds;
  request.prompt = "ci";
  request.findings = ci_findings(failed);
  request.subject = "Fix failing checks: " + names + " (" + run.issue + ")";
  const auto result = m_pipeline.follow_up(run.issue, m_options.run_limits, request);
  // A head is handed over once its round ended; a cancelled or failed one is taken up again
  // by the next pass (its round counts against the bound).
  if (handled(result)) watched.ci_head = pr.head_sha;
  store.put(watched);
  if (handled(result)) {
    if (result.after == result.before) {
      give_up(run.issue, "ci", "ci: the builder changed nothing for the failing checks: " + names, watched, store);
      return true;
    }
    note(run.issue, "ci", fmt::format("pushed {} ({})", result.after.substr(0, 7), pipeline::to_string(result.state)));
  } else {
    note(run.issue, "ci", fmt::format("{}: {}", pipeline::to_string(result.state), result.error));
  }
  state_changed(run.issue);
  return true;
}

bool Watcher::act_on_comments(const pipeline::RunRecord& run, const sdk::PullRequest& pr, const Look& look,
                              WatchRecord& watched, WatchStore& store) {
  if (look.pending.empty() || watched.stopped("comments")) return false;
  if (watched.comment_rounds >= m_options.comment_rounds) {
    give_up(run.issue, "comments",
            fmt::format("comments: {} review comment(s) still unanswered after {} round(s)", look.pending.size(),
                        watched.comment_rounds),
            watched, store);
    return true;
  }
  ++watched.comment_rounds;
  store.put(watched);
  note(run.issue, "comments",
       fmt::format("{} new review comment(s) (round {} of {})", look.pending.size(), watched.comment_rounds,
                   m_options.comment_rounds));
  pipeline::FollowUp request;
  request.stage = "comments";
  request.round = watched.comment_rounds;
  request.prompt = "comments";
  request.findings = comment_findings(look.pending);
  request.subject = "Address review comments (" + run.issue + ")";
  const auto result = m_pipeline.follow_up(run.issue, m_options.run_limits, request);
  state_changed(run.issue);
  if (!handled(result)) {
    note(run.issue, "comments", fmt::format("{}: {}", pipeline::to_string(result.state), result.error));
    return true; // unanswered: the next pass tries again, within the bound
  }
  std::vector<PushedCommit> commits;
  if (result.pushed && result.after != result.before) {
    auto listed = git::commits_between(*m_services.processes, run.worktree, result.before, result.after, m_scope.child());
    if (listed.ok())
      for (const auto& commit : *listed) commits.push_back({commit.sha, commit.subject});
  }
  int replied = 0;
  for (const auto& comment : look.pending) {
    if (stopped()) break;
    auto posted = m_services.code_host->reply(pr, comment, reply_text(comment, commits, pr.url, result.agent_text),
                                              m_scope.child());
    if (!posted.ok()) {
      note(run.issue, "comments", "could not reply to comment " + comment.id + ": " + posted.failure().message);
      continue;
    }
    store.answer(run.issue, comment.id, *posted);
    ++replied;
  }
  watched.unanswered = static_cast<int>(look.pending.size()) - replied;
  store.put(watched);
  note(run.issue, "comments",
       fmt::format("{} ({} commit(s)); replied to {} comment(s)", result.pushed ? "pushed" : "nothing to push",
                   commits.size(), replied));
  return true;
}

} // namespace fanout::watch
