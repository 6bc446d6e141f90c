#include "host/runner/remote_sessions.hpp"

#include "host/git/changes.hpp"
#include "host/git/remote_branch.hpp"
#include "host/services/secrets.hpp"

#include <algorithm>

namespace fanout::runner {
namespace fs = std::filesystem;
namespace {

bool inside(const fs::path& dir, const fs::path& path) {
  const auto rel = path.lexically_normal().lexically_relative(dir.lexically_normal());
  return !rel.empty() && *rel.begin() != "..";
}

bool same_labels(const sdk::SessionLabels& a, const sdk::SessionLabels& b) {
  return a.repo == b.repo && a.issue == b.issue && a.run == b.run && a.stage == b.stage;
}

/// One session's process runner: see remote_sessions.hpp for its four steps.
class SessionRunner final : public sdk::ProcessRunner {
public:
  SessionRunner(RemoteSessions& sessions, pipeline::SessionPlace place)
      : m_sessions(sessions), m_place(std::move(place)) {}

  sdk::Result<sdk::ProcessResult> run(const sdk::ProcessSpec& spec, const sdk::LineCallback& on_line,
                                      const sdk::CancelToken& cancel) override {
    if (!inside(m_place.worktree, spec.workdir))
      return failed(sdk::FailureKind::invalid_input, "the session's workdir \"" + spec.workdir.string() +
                                                         "\" is not in its worktree \"" + m_place.worktree.string() +
                                                         "\", so it cannot run from a clone");
    auto url = m_sessions.clone_url(cancel);
    if (!url.ok()) return failed(url.failure().kind, url.failure().message);
    auto base = prepare_branch(cancel);
    if (!base.ok()) return failed(base.failure().kind, base.failure().message);

    sdk::RunnerSession session;
    session.process = spec;
    session.workspace = {*url, m_place.branch, *base, m_place.worktree};
    session.labels = m_sessions.labels_of(m_place);
    session.secret_env = secret_names(spec.env);
    auto ran = m_sessions.runner().run(session, on_line, cancel);
    if (!ran.ok()) return failed(ran.failure().kind, ran.failure().message);

    const std::string& pushed = ran->pushed_head;
    if (!pushed.empty() && pushed != *base) {
      auto fetched = take_commits(pushed, cancel);
      if (!fetched.ok())
        return failed(fetched.failure().kind, "the session pushed " + pushed + " to \"" + m_place.branch +
                                                  "\", but it could not be brought into the worktree: " +
                                                  fetched.failure().message);
    }
    if (!ran->process.cancelled && !ran->process.timed_out && !ran->process.stopped) forget(session.labels, cancel);
    return std::move(ran->process);
  }

private:
  sdk::Failure failed(sdk::FailureKind kind, const std::string& message) const {
    return sdk::Failure{kind, "[runner] " + m_sessions.settings().runner_name + ": " + message};
  }

  const std::string& remote() const { return m_sessions.settings().remote; }

  /// Step 1: the commit the session starts from, on the remote's branch. Returns it.
  sdk::Result<std::string> prepare_branch(const sdk::CancelToken& cancel) {
    auto& git = m_sessions.git();
    const auto& worktree = m_place.worktree;
    auto head = git::head(git, worktree, cancel);
    if (!head.ok()) return head;
    auto theirs = git::remote_head(git, worktree, remote(), m_place.branch, cancel);
    if (!theirs.ok()) return theirs;
    if (*theirs == *head) return head;
    if (!theirs->empty()) {
      if (auto fetched = git::fetch_branch(git, worktree, remote(), m_place.branch, cancel); !fetched.ok())
        return std::move(fetched).failure();
      auto behind = git::is_ancestor(git, worktree, *head, *theirs, cancel);
      if (!behind.ok()) return std::move(behind).failure();
      if (*behind) {
        // An earlier session pushed these and fanout was killed before it fetched them.
        if (auto moved = git::fast_forward(git, worktree, *theirs, cancel); !moved.ok())
          return std::move(moved).failure();
        return theirs;
      }
      auto ahead = git::is_ancestor(git, worktree, *theirs, *head, cancel);
      if (!ahead.ok()) return std::move(ahead).failure();
      if (!*ahead)
        return sdk::fail(sdk::FailureKind::conflict,
                         "the branch \"" + m_place.branch + "\" on remote \"" + remote() + "\" (" + *theirs +
                             ") and the worktree (" + *head +
                             ") have diverged: merge or reset one onto the other, then run \"fanout resume " +
                             m_place.issue + "\"");
    }
    if (auto pushed = git::push_commit(git, worktree, remote(), *head, m_place.branch, cancel); !pushed.ok())
      return std::move(pushed).failure();
    return head;
  }

  /// Step 3: the worktree fast-forwarded to `pushed`.
  sdk::Result<void> take_commits(const std::string& pushed, const sdk::CancelToken& cancel) {
    auto& git = m_sessions.git();
    if (auto fetched = git::fetch_branch(git, m_place.worktree, remote(), m_place.branch, cancel); !fetched.ok())
      return fetched;
    return git::fast_forward(git, m_place.worktree, pushed, cancel);
  }

  /// Step 4: what the runner made for the finished session, removed (best effort: what is
  /// left is `fanout doctor`'s to list and `fanout clean`'s to remove).
  void forget(const sdk::SessionLabels& labels, const sdk::CancelToken& cancel) {
    auto made = m_sessions.runner().list(labels.repo, cancel);
    if (!made.ok()) return;
    for (const auto& resource : *made)
      if (same_labels(resource.labels, labels)) (void)m_sessions.runner().remove(resource, cancel);
  }

  RemoteSessions& m_sessions;
  pipeline::SessionPlace m_place;
};

} // namespace

std::vector<std::string> secret_names(const std::map<std::string, std::string>& env) {
  const auto& secrets = services::SecretRegistry::global();
  std::vector<std::string> names;
  for (const auto& [name, value] : env)
    if (!value.empty() && secrets.redact(value) != value) names.push_back(name);
  return names; // a std::map iterates in name order
}

RemoteSessions::RemoteSessions(sdk::Runner& runner, sdk::ProcessRunner& git, RemoteSettings settings)
    : m_runner(runner), m_git(git), m_settings(std::move(settings)) {}

std::unique_ptr<sdk::ProcessRunner> RemoteSessions::runner_for(const pipeline::SessionPlace& place) {
  return std::make_unique<SessionRunner>(*this, place);
}

sdk::SessionLabels RemoteSessions::labels_of(const pipeline::SessionPlace& place) const {
  return {m_settings.repo_id, place.issue, place.run, place.stage};
}

sdk::Result<std::string> RemoteSessions::clone_url(const sdk::CancelToken& cancel) {
  std::lock_guard lock(m_mutex);
  if (m_clone_url.empty()) {
    auto url = git::remote_url(m_git, m_settings.repo_root, m_settings.remote, cancel);
    if (!url.ok()) return url;
    m_clone_url = std::move(*url);
  }
  return m_clone_url;
}

} // namespace fanout::runner
