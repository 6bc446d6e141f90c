#include "host/workspace/workspace_manager.hpp"

#include "host/util/error.hpp"
#include "host/util/private_mode.hpp"
#include "host/git/cli.hpp"
#include "host/git/repo.hpp"
#include "host/git/linked_worktree.hpp"
#include "host/workspace/naming.hpp"
#include "host/workspace/ownership.hpp"
#include "host/workspace/private_files.hpp"

#include <unistd.h>

#include <ctime>
#include <fstream>
#include <mutex>

namespace fanout::workspace {
namespace fs = std::filesystem;

namespace {

sdk::Failure failed(std::string message) { return sdk::fail(sdk::FailureKind::error, std::move(message)); }

/// Adds `lines` to the repository's info/exclude (shared by every worktree) unless present,
/// so .fanout/ and the env file never show up as uncommitted work.
sdk::Result<void> ensure_excluded(const fs::path& repo_root, const std::vector<std::string>& lines) {
  static std::mutex mutex; // threads of one `up` would otherwise append the same lines twice
  std::lock_guard lock(mutex);
  auto repo = git::Repo::open(repo_root);
  if (!repo.ok()) return std::move(repo).failure();
  const fs::path exclude = repo->common_dir() / "info" / "exclude";
  std::string content;
  {
    std::ifstream in(exclude);
    content.assign(std::istreambuf_iterator<char>(in), {});
  }
  std::string missing;
  for (const auto& line : lines)
    if (content.find("\n" + line + "\n") == std::string::npos && content.rfind(line + "\n", 0) != 0)
      missing += line + "\n";
  if (missing.empty()) return {};
  fs::create_directories(exclude.parent_path());
  std::ofstream out(exclude, std::ios::app);
  if (!content.empty() && content.back() != '\n') out << '\n';
  out << missing;
  return {};
}

/// An env file value: bare when it is plain, else double-quoted with \ and " escaped.
std::string env_value(const std::string& value) {
  bool plain = !value.empty();
  for (unsigned char c : value)
    if (!std::isalnum(c) && std::string_view("_-./:@,+=%?&").find(static_cast<char>(c)) == std::string_view::npos)
      plain = false;
  if (plain) return value;
  std::string out = "\"";
  for (char c : value) {
    if (c == '\\' || c == '"' || c == '$' || c == '`') out += '\\';
    if (c == '\n') out += "\\n";
    else out += c;
  }
  return out + "\"";
}

/// Whether a new record of `key` may hold `branch`: no row holds it, and it does not exist
/// or is recorded as `key`'s (kept by an earlier clean: the same issue's unmerged work). A
/// branch of another issue, or one made by hand (no owner), is never taken over.
sdk::Result<bool> may_hold(WorkspaceStore& store, const git::Repo& repo, const std::string& branch,
                           const std::string& key) {
  if (store.branch_owner(branch)) return false;
  auto exists = repo.branch_exists(branch);
  if (!exists.ok()) return std::move(exists).failure();
  if (!*exists) return true;
  auto owner = repo.branch_owner(branch);
  if (!owner.ok()) return std::move(owner).failure();
  return *owner == key;
}

/// The branch of a new record: branch_name(), else its with_key_hash() variant.
sdk::Result<std::string> branch_for(WorkspaceStore& store, const git::Repo& repo, const sdk::Issue& issue) {
  const std::string name = branch_name(issue.key, issue.title);
  const std::string hashed = with_key_hash(name, issue.key);
  for (const auto& candidate : {name, hashed}) {
    auto free = may_hold(store, repo, candidate, issue.key);
    if (!free.ok()) return std::move(free).failure();
    if (*free) return candidate;
  }
  return failed("branches \"" + name + "\" and \"" + hashed + "\" belong to other work (rename or delete one)");
}

/// Runs `body`, a step of `up` that returns a Result, and turns what the layers below it still
/// throw (the state store, std::filesystem) into a failure with the exception's message: the
/// one place `up` catches.
template <typename F> auto guarded(F&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const std::exception& e) {
    return failed(e.what());
  }
}

sdk::Failure as_failure(const std::string& key, const std::string& message) {
  return sdk::fail(sdk::FailureKind::error, "issue \"" + key + "\": " + message);
}

} // namespace

Settings Settings::from(const config::Config& config) {
  Settings s;
  s.repo_root = config.repo_root;
  s.workspace = config.workspace;
  if (s.workspace.root.empty()) s.workspace.root = s.repo_root / ".fanout" / "worktrees";
  else if (s.workspace.root.is_relative()) s.workspace.root = s.repo_root / s.workspace.root;
  s.ports = config.ports;
  s.brancher = config.database.brancher.plugin;
  s.url_env = config.database.url_env.empty() ? "DATABASE_URL" : config.database.url_env;
  s.pass_env = config.agent.pass_env;
  return s;
}

Settings Settings::defaults(const fs::path& repo_root) {
  config::Config config;
  config.repo_root = repo_root;
  return from(config);
}

std::string relative_to(const fs::path& path, const fs::path& root) {
  const auto rel = path.lexically_relative(root);
  if (rel.empty() || *rel.begin() == "..") return path.string();
  return rel.string();
}

WorkspaceManager::WorkspaceManager(Settings settings, sdk::DatabaseBrancher* brancher, sdk::ProcessRunner* processes)
    : m_settings(std::move(settings)), m_brancher(brancher), m_processes(processes) {
  if (m_settings.threads == 0) m_settings.threads = git::checkout_threads();
}

std::string WorkspaceManager::shown(const fs::path& path) const { return relative_to(path, m_settings.repo_root); }

void WorkspaceManager::follow_worktree(Record& record) const {
  if (fs::exists(record.path / ".git")) return; // where up made it
  const auto repo = git::Repo::open(m_settings.repo_root);
  if (!repo.ok()) return; // no repository: nothing was moved by git
  const auto registered =
      git::find_workspace_worktree(repo->common_dir(), record.path, record.branch, directory_name(record.key));
  if (registered && registered->points_back) record.path = registered->path;
}

std::map<std::string, std::string> WorkspaceManager::env_for(const Record& record, const PortBlock& ports) const {
  std::map<std::string, std::string> env;
  if (!ports.empty()) {
    env["PORT"] = std::to_string(ports.first);
    std::string list;
    for (int port : ports.ports()) list += (list.empty() ? "" : ",") + std::to_string(port);
    env["FANOUT_PORTS"] = list;
  }
  if (!record.db_url.empty()) env[m_settings.url_env] = record.db_url;
  env["FANOUT_ISSUE"] = record.key;
  env["FANOUT_WORKSPACE"] = record.path.string();
  env["COMPOSE_PROJECT_NAME"] = compose_project(m_settings.repo_root.string(), record.key);
  return env;
}

sdk::Result<void> WorkspaceManager::write_env_file(const Record& record, const PortBlock& ports) const {
  const fs::path file = record.path / m_settings.workspace.env_file;
  const fs::path partial = file.string() + ".tmp";
  // The env file can hold a database password: 0600, and never written through a symlink
  // the branch commits in its place (the rename replaces the link itself).
  std::error_code ec;
  fs::remove(partial, ec);
  util::private_file(partial);
  {
    std::ofstream out(partial, std::ios::trunc);
    out << "# written by fanout for issue " << record.key << "; regenerated by \"fanout up\"\n";
    for (const auto& [name, value] : env_for(record, ports)) out << name << '=' << env_value(value) << '\n';
    if (!out) return failed("cannot write \"" + shown(file) + "\"");
  }
  fs::rename(partial, file);
  return {};
}

sdk::Result<std::map<std::string, std::string>> WorkspaceManager::env(const std::string& key) {
  WorkspaceStore store(m_settings.repo_root);
  auto record = store.find(key);
  if (!record) return failed("no workspace for issue \"" + key + "\" (run \"fanout up " + key + "\")");
  follow_worktree(*record);
  return env_for(*record, find_lease(store.db(), key).value_or(PortBlock{}));
}

std::optional<Workspace> WorkspaceManager::find(const std::string& key) {
  WorkspaceStore store(m_settings.repo_root);
  auto record = store.find(key);
  if (!record) return std::nullopt;
  follow_worktree(*record);
  Workspace ws{*record, find_lease(store.db(), key).value_or(PortBlock{})};
  ws.log = m_settings.repo_root / ".fanout" / "workspaces" / directory_name(key) / "setup.log";
  return ws;
}

std::vector<Workspace> WorkspaceManager::list() {
  WorkspaceStore store(m_settings.repo_root);
  std::vector<Workspace> out;
  for (auto& record : store.all()) {
    follow_worktree(record);
    Workspace ws{record, find_lease(store.db(), record.key).value_or(PortBlock{})};
    ws.log = m_settings.repo_root / ".fanout" / "workspaces" / directory_name(record.key) / "setup.log";
    out.push_back(std::move(ws));
  }
  return out;
}

sdk::Result<Workspace> WorkspaceManager::up(const sdk::Issue& issue, const sdk::CancelToken& cancel,
                                            const Progress& progress) {
  const auto step = [&](const std::string& what) {
    if (progress) progress(issue.key, what);
  };
  const auto stop = [&](const sdk::Failure& failure) -> sdk::Failure {
    step("failed");
    return as_failure(issue.key, failure.message);
  };
  if (auto checked = check_key(issue.key); !checked.ok()) return stop(checked.failure());
  Workspace ws;
  ws.log = m_settings.repo_root / ".fanout" / "workspaces" / directory_name(issue.key) / "setup.log";
  auto base = guarded([&] { return reserve(issue, ws); });
  if (!base.ok()) return stop(base.failure());
  if (ws.existed) {
    if (auto written = guarded([&] { return write_env_file(ws.record, ws.ports); }); !written.ok())
      return stop(written.failure());
    step("reused");
    return ws;
  }
  if (auto made = guarded([&] { return make(ws, *base, cancel, step); }); !made.ok()) {
    // Failures leave the row `failed` with the reason (a failure to record it is the one told).
    auto marked = guarded([&]() -> sdk::Result<void> {
      WorkspaceStore(m_settings.repo_root).set_state(issue.key, State::failed, made.failure().message);
      return {};
    });
    return stop(marked.ok() ? made.failure() : marked.failure());
  }
  step("ready");
  return ws;
}

sdk::Result<std::string> WorkspaceManager::reserve(const sdk::Issue& issue, Workspace& ws) {
  if (auto excluded = ensure_excluded(m_settings.repo_root, {"/.fanout/", "/" + m_settings.workspace.env_file});
      !excluded.ok())
    return std::move(excluded).failure();
  auto repo = git::Repo::open(m_settings.repo_root);
  if (!repo.ok()) return std::move(repo).failure();
  std::string base = m_settings.workspace.base;
  if (base.empty()) {
    auto found = repo->default_branch();
    if (!found.ok()) return std::move(found).failure();
    base = *found;
  }
  if (base.empty()) base = "HEAD";
  const std::string base_spec = m_settings.workspace.base_remote ? "origin/" + base : base;

  WorkspaceStore store(m_settings.repo_root);
  std::optional<sdk::Failure> refused;
  store.db().transaction([&] {
    auto existing = store.find(issue.key);
    if (existing) {
      const bool busy = (existing->state == State::creating || existing->state == State::removing) &&
                        existing->pid != ::getpid() && process_alive(existing->pid);
      if (busy) {
        refused = failed("workspace is being " +
                         std::string(existing->state == State::creating ? "created" : "removed") + " by process " +
                         std::to_string(existing->pid));
        return;
      }
      ws.record = *existing;
      follow_worktree(ws.record);
      ws.existed = existing->state == State::ready && fs::exists(ws.record.path / ".git");
    } else {
      Record& r = ws.record;
      r.key = issue.key;
      r.title = issue.title;
      auto branch = branch_for(store, *repo, issue);
      if (!branch.ok()) {
        refused = std::move(branch).failure();
        return;
      }
      r.branch = *branch;
      auto exists = repo->branch_exists(r.branch);
      if (!exists.ok()) {
        refused = std::move(exists).failure();
        return;
      }
      if (*exists) r.start_commit = repo->branch_start(r.branch);
      r.path = m_settings.workspace.root / directory_name(issue.key);
      r.base = base_spec;
      r.brancher = m_settings.brancher;
      r.created_at = std::time(nullptr);
    }
    ws.record.pid = ::getpid();
    if (!ws.existed) ws.record.state = State::creating;
    auto leased = lease_ports(store.db(), m_settings.ports, m_settings.repo_root.string(), issue.key);
    if (!leased.ok()) {
      refused = std::move(leased).failure();
      return;
    }
    ws.ports = *leased;
    store.save(ws.record);
  });
  if (refused) return *refused; // nothing was written: the transaction ended without a change
  return base;
}

sdk::Result<void> WorkspaceManager::make(Workspace& ws, const std::string& base, const sdk::CancelToken& cancel,
                                         const std::function<void(const std::string&)>& step) {
  Record& r = ws.record;
  const std::string dir = directory_name(r.key);
  WorkspaceStore store(m_settings.repo_root);
  step("worktree");
  auto opened = git::Repo::open(m_settings.repo_root);
  if (!opened.ok()) return std::move(opened).failure();
  git::Repo& repo = *opened;
  if (m_settings.workspace.base_remote && m_processes)
    if (auto fetched = git::fetch_origin(*m_processes, m_settings.repo_root, base, cancel); !fetched.ok())
      return fetched;
  if (auto branch = make_branch(repo, store, r); !branch.ok()) return branch;
  // The worktree's place holds only what fanout made, or nothing: never a folder of the
  // user's ([workspace] root = "~" and an issue keyed "src") or a symlink out of the repo.
  const fs::path common_dir = repo.common_dir();
  const fs::path anchor = deletion_anchor(m_settings.repo_root, m_settings.workspace.root, r.path);
  if (auto why = why_not_ours(common_dir, dir, anchor, r.path))
    return failed("refused to use \"" + shown(r.path) + "\" for the worktree: " + *why +
                  " (move or delete it yourself, or set [workspace] root elsewhere)");
  const auto registered = git::find_workspace_worktree(common_dir, r.path, r.branch, dir);
  if (!registered || !registered->complete()) {
    // Leftovers of a git killed (SIGKILL) mid-checkout; on SIGTERM git removes them itself.
    if (registered) {
      if (registered->locked() && *registered->lock != git::k_initializing_lock)
        return failed("the unfinished worktree " + shown(registered->path) + " is " + git::describe_lock(*registered) +
                      " (run \"git worktree unlock " + shown(registered->path) + "\", then up again)");
      if (auto removed = git::remove_worktree(*registered); !removed.ok()) return removed;
    }
    if (auto removed = remove_worktree_folder(common_dir, dir, anchor, r.path, shown(r.path)); !removed.ok())
      return removed;
    mark_made(common_dir, dir, r.path);
    // The user's own checkout.workers, when set, is theirs to choose (as with any config).
    auto configured = repo.config_value("checkout.workers");
    if (!configured.ok()) return std::move(configured).failure();
    const unsigned workers = *configured ? 0 : m_settings.threads;
    auto added = git::worktree_add(m_processes, m_settings.repo_root,
                                   m_settings.repo_root / ".fanout" / "worktree-add.lock", r.path, r.branch, workers,
                                   cancel);
    if (!added.ok()) return added;
  }
  if (cancel.cancelled()) return failed("cancelled");
  step("dependencies");
  auto deps = prepare_dependencies(m_settings.repo_root, r.path, m_settings.workspace, m_settings.threads, &cancel);
  if (!deps.ok()) return std::move(deps).failure();
  ws.deps = std::move(deps).value();
  // What fanout copies or writes into the worktree stays out of its commits.
  sdk::Result<void> excluded;
  store.db().transaction(
      [&] { excluded = exclude_in_worktree(m_settings.repo_root, r.path, private_files(m_settings.workspace)); });
  if (!excluded.ok()) return excluded;
  if (cancel.cancelled()) return failed("cancelled");
  if (!r.brancher.empty()) {
    step("database");
    if (!m_brancher) return failed("database brancher \"" + r.brancher + "\" is not available");
    r.db_branch = database_branch(r.key);
    auto branch = m_brancher->create(r.db_branch, cancel);
    if (!branch.ok()) return failed("database branch \"" + r.db_branch + "\": " + branch.failure().message);
    r.db_url = branch->url;
    store.save(r);
  }
  if (auto written = write_env_file(r, ws.ports); !written.ok()) return written;
  if (!m_settings.workspace.install.empty() || !m_settings.workspace.setup.empty()) {
    step("setup");
    if (auto set_up = run_setup(r, ws.ports, ws.deps, cancel); !set_up.ok()) return set_up;
  }
  r.state = State::ready;
  r.error.clear();
  store.save(r);
  return {};
}

sdk::Result<void> WorkspaceManager::make_branch(git::Repo& repo, WorkspaceStore& store, Record& r) {
  auto exists = repo.branch_exists(r.branch);
  if (!exists.ok()) return std::move(exists).failure();
  sdk::Result<void> written;
  if (!*exists) {
    // The start commit (for clean --merged) is saved before the branch is made, so a
    // crash leaves at worst a row with a start and no branch (the next up makes both
    // anew), never a branch whose row lacks its start. The branch's reflog is weaker:
    // libgit2 writes it apart from the ref, core.logAllRefUpdates=false skips it and
    // `git gc` expires it; it only stands in where no row saw the branch made (a
    // branch kept by an earlier clean, rows older than the column).
    auto start = repo.commit_of(r.base);
    if (!start.ok()) return std::move(start).failure();
    r.start_commit = *start;
    store.save(r);
    // Git config writes fail on a concurrent writer's lock: serialised with the store's.
    store.db().transaction([&] {
      written = repo.create_branch(r.branch, r.start_commit);
      if (written.ok()) written = repo.set_branch_owner(r.branch, r.key);
    });
    return written;
  }
  auto owner = repo.branch_owner(r.branch);
  if (!owner.ok()) return std::move(owner).failure();
  if (*owner != r.key) // killed before the owner was written, or an older row
    store.db().transaction([&] { written = repo.set_branch_owner(r.branch, r.key); });
  return written;
}

} // namespace fanout::workspace
