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

/// Adds `lines` to the repository's info/exclude (shared by every worktree) unless present,
/// so .fanout/ and the env file never show up as uncommitted work.
void ensure_excluded(const fs::path& repo_root, const std::vector<std::string>& lines) {
  static std::mutex mutex; // threads of one `up` would otherwise append the same lines twice
  std::lock_guard lock(mutex);
  git::Repo repo(repo_root);
  const fs::path exclude = repo.common_dir() / "info" / "exclude";
  std::string content;
  {
    std::ifstream in(exclude);
    content.assign(std::istreambuf_iterator<char>(in), {});
  }
  std::string missing;
  for (const auto& line : lines)
    if (content.find("\n" + line + "\n") == std::string::npos && content.rfind(line + "\n", 0) != 0)
      missing += line + "\n";
  if (missing.empty()) return;
  fs::create_directories(exclude.parent_path());
  std::ofstream out(exclude, std::ios::app);
  if (!content.empty() && content.back() != '\n') out << '\n';
  out << missing;
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
bool may_hold(WorkspaceStore& store, const git::Repo& repo, const std::string& branch, const std::string& key) {
  if (store.branch_owner(branch)) return false;
  return !repo.branch_exists(branch) || repo.branch_owner(branch) == key;
}

/// The branch of a new record: branch_name(), else its with_key_hash() variant.
std::string branch_for(WorkspaceStore& store, const git::Repo& repo, const sdk::Issue& issue) {
  const std::string name = branch_name(issue.key, issue.title);
  if (may_hold(store, repo, name, issue.key)) return name;
  const std::string hashed = with_key_hash(name, issue.key);
  if (may_hold(store, repo, hashed, issue.key)) return hashed;
  throw UserError("branches \"" + name + "\" and \"" + hashed + "\" belong to other work (rename or delete one)");
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
  const auto registered = git::find_workspace_worktree(git::Repo(m_settings.repo_root).common_dir(), record.path, record.branch,
                                                  directory_name(record.key));
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

void WorkspaceManager::write_env_file(const Record& record, const PortBlock& ports) const {
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
    if (!out) throw UserError("cannot write \"" + shown(file) + "\"");
  }
  fs::rename(partial, file);
}

std::map<std::string, std::string> WorkspaceManager::env(const std::string& key) {
  WorkspaceStore store(m_settings.repo_root);
  auto record = store.find(key);
  if (!record) throw UserError("no workspace for issue \"" + key + "\" (run \"fanout up " + key + "\")");
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
  Workspace ws;
  try {
    const std::string dir = directory_name(issue.key);
    ws.log = m_settings.repo_root / ".fanout" / "workspaces" / dir / "setup.log";
    ensure_excluded(m_settings.repo_root, {"/.fanout/", "/" + m_settings.workspace.env_file});
    std::string base = m_settings.workspace.base;
    if (base.empty()) base = git::Repo(m_settings.repo_root).default_branch();
    if (base.empty()) base = "HEAD";
    const std::string base_spec = m_settings.workspace.base_remote ? "origin/" + base : base;

    WorkspaceStore store(m_settings.repo_root);
    store.db().transaction([&] {
      auto existing = store.find(issue.key);
      if (existing) {
        const bool busy = (existing->state == State::creating || existing->state == State::removing) &&
                          existing->pid != ::getpid() && process_alive(existing->pid);
        if (busy)
          throw UserError("workspace is being " + std::string(existing->state == State::creating ? "created" : "removed") +
                          " by process " + std::to_string(existing->pid));
        ws.record = *existing;
        follow_worktree(ws.record);
        ws.existed = existing->state == State::ready && fs::exists(ws.record.path / ".git");
      } else {
        Record& r = ws.record;
        r.key = issue.key;
        r.title = issue.title;
        const git::Repo repo(m_settings.repo_root);
        r.branch = branch_for(store, repo, issue);
        if (repo.branch_exists(r.branch)) r.start_commit = repo.branch_start(r.branch);
        r.path = m_settings.workspace.root / dir;
        r.base = base_spec;
        r.brancher = m_settings.brancher;
        r.created_at = std::time(nullptr);
      }
      ws.record.pid = ::getpid();
      if (!ws.existed) ws.record.state = State::creating;
      ws.ports = lease_ports(store.db(), m_settings.ports, m_settings.repo_root.string(), issue.key);
      store.save(ws.record);
    });
    if (ws.existed) {
      write_env_file(ws.record, ws.ports);
      step("reused");
      return ws;
    }
    try {
      Record& r = ws.record;
      step("worktree");
      git::Repo repo(m_settings.repo_root);
      if (m_settings.workspace.base_remote && m_processes) {
        auto fetched = git::fetch_origin(*m_processes, m_settings.repo_root, base, cancel);
        if (!fetched.ok()) throw UserError(fetched.failure().message);
      }
      if (!repo.branch_exists(r.branch)) {
        // The start commit (for clean --merged) is saved before the branch is made, so a
        // crash leaves at worst a row with a start and no branch (the next up makes both
        // anew), never a branch whose row lacks its start. The branch's reflog is weaker:
        // libgit2 writes it apart from the ref, core.logAllRefUpdates=false skips it and
        // `git gc` expires it; it only stands in where no row saw the branch made (a
        // branch kept by an earlier clean, rows older than the column).
        r.start_commit = repo.commit_of(r.base);
        store.save(r);
        // Git config writes fail on a concurrent writer's lock: serialised with the store's.
        store.db().transaction([&] {
          repo.create_branch(r.branch, r.start_commit);
          repo.set_branch_owner(r.branch, r.key);
        });
      } else if (repo.branch_owner(r.branch) != r.key) { // killed before the owner was written, or an older row
        store.db().transaction([&] { repo.set_branch_owner(r.branch, r.key); });
      }
      // The worktree's place holds only what fanout made, or nothing: never a folder of the
      // user's ([workspace] root = "~" and an issue keyed "src") or a symlink out of the repo.
      const fs::path common_dir = repo.common_dir();
      const fs::path anchor = deletion_anchor(m_settings.repo_root, m_settings.workspace.root, r.path);
      if (auto why = why_not_ours(common_dir, dir, anchor, r.path))
        throw UserError("refused to use \"" + shown(r.path) + "\" for the worktree: " + *why +
                        " (move or delete it yourself, or set [workspace] root elsewhere)");
      const auto registered = git::find_workspace_worktree(common_dir, r.path, r.branch, dir);
      if (!registered || !registered->complete()) {
        // Leftovers of a git killed (SIGKILL) mid-checkout; on SIGTERM git removes them itself.
        if (registered) {
          if (registered->locked() && *registered->lock != git::k_initializing_lock)
            throw UserError("the unfinished worktree " + shown(registered->path) + " is " + git::describe_lock(*registered) +
                            " (run \"git worktree unlock " + shown(registered->path) + "\", then up again)");
          git::remove_worktree(*registered);
        }
        remove_worktree_folder(common_dir, dir, anchor, r.path, shown(r.path));
        mark_made(common_dir, dir, r.path);
        // The user's own checkout.workers, when set, is theirs to choose (as with any config).
        const unsigned workers = repo.config_value("checkout.workers") ? 0 : m_settings.threads;
        auto added = git::worktree_add(m_processes, m_settings.repo_root,
                                       m_settings.repo_root / ".fanout" / "worktree-add.lock", r.path, r.branch,
                                       workers, cancel);
        if (!added.ok()) throw UserError(added.failure().message);
      }
      if (cancel.cancelled()) throw UserError("cancelled");
      step("dependencies");
      ws.deps = prepare_dependencies(m_settings.repo_root, r.path, m_settings.workspace, m_settings.threads, &cancel);
      // What fanout copies or writes into the worktree stays out of its commits.
      store.db().transaction([&] { exclude_in_worktree(m_settings.repo_root, r.path, private_files(m_settings.workspace)); });
      if (cancel.cancelled()) throw UserError("cancelled");
      if (!r.brancher.empty()) {
        step("database");
        if (!m_brancher) throw UserError("database brancher \"" + r.brancher + "\" is not available");
        r.db_branch = database_branch(r.key);
        auto branch = m_brancher->create(r.db_branch, cancel);
        if (!branch.ok()) throw UserError("database branch \"" + r.db_branch + "\": " + branch.failure().message);
        r.db_url = branch->url;
        store.save(r);
      }
      write_env_file(r, ws.ports);
      if (!m_settings.workspace.install.empty() || !m_settings.workspace.setup.empty()) {
        step("setup");
        run_setup(r, ws.ports, ws.deps, cancel);
      }
      r.state = State::ready;
      r.error.clear();
      store.save(r);
      step("ready");
      return ws;
    } catch (const std::exception& e) {
      store.set_state(issue.key, State::failed, e.what());
      throw;
    }
  } catch (const std::exception& e) {
    step("failed");
    return as_failure(issue.key, e.what());
  }
}

} // namespace fanout::workspace
