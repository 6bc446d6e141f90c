#include "host/git/repo.hpp"

#include "host/git/linked_worktree.hpp"

#include <algorithm>
#include <string_view>
#include <mutex>

namespace fanout::git {
namespace fs = std::filesystem;

namespace {

void init_libgit2() {
  static std::once_flag once;
  std::call_once(once, [] {
    git_libgit2_init();
    // libgit2 re-hashes every object it reads (SHA-1 with collision detection), which git
    // itself does not on reads; the pack's own checksums and zlib's still catch corruption,
    // and `git fsck` is the tool for verifying hashes.
    git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
  });
}

template <typename T, void (*F)(T*)> struct Deleter {
  void operator()(T* p) const noexcept { F(p); }
};
template <typename T, void (*F)(T*)> using Owned = std::unique_ptr<T, Deleter<T, F>>;
using Object = Owned<git_object, git_object_free>;
using Reference = Owned<git_reference, git_reference_free>;
using Commit = Owned<git_commit, git_commit_free>;
using Config = Owned<git_config, git_config_free>;

std::string owner_key(const std::string& branch) { return "branch." + branch + ".fanoutIssue"; }

/// "<what>: <libgit2's last message>", for a call that returned `rc` < 0.
sdk::Failure failure(const std::string& what) {
  const git_error* error = git_error_last();
  return sdk::fail(sdk::FailureKind::error,
                   what + ": " + (error && error->message ? error->message : "unknown libgit2 error"));
}

sdk::Result<git_oid> resolve(git_repository* repo, const std::string& spec) {
  git_object* raw = nullptr;
  if (git_revparse_single(&raw, repo, spec.c_str()) < 0) return failure("cannot resolve \"" + spec + "\"");
  Object object(raw);
  git_object* peeled = nullptr;
  if (git_object_peel(&peeled, object.get(), GIT_OBJECT_COMMIT) < 0) return failure("\"" + spec + "\" is not a commit");
  Object commit(peeled);
  return *git_object_id(commit.get());
}

std::string hex_of(const git_oid& oid) {
  char hex[GIT_OID_HEXSZ + 1];
  return git_oid_tostr(hex, sizeof hex, &oid);
}

} // namespace

sdk::Result<Repo> Repo::open(const fs::path& path) {
  init_libgit2();
  git_repository* raw = nullptr;
  if (git_repository_open(&raw, path.c_str()) < 0) return failure("cannot open git repository \"" + path.string() + "\"");
  return Repo(raw);
}

sdk::Result<std::string> Repo::head_branch() const {
  git_reference* raw = nullptr;
  const int rc = git_repository_head(&raw, get());
  if (rc == GIT_EUNBORNBRANCH)
    return sdk::fail(sdk::FailureKind::error, "the repository has no commits yet (commit something first)");
  if (rc < 0) return failure("cannot read HEAD");
  Reference head(raw);
  return std::string(git_reference_is_branch(head.get()) ? git_reference_shorthand(head.get()) : "");
}

sdk::Result<std::string> Repo::default_branch() const {
  git_reference* raw = nullptr;
  if (git_reference_lookup(&raw, get(), "refs/remotes/origin/HEAD") == 0) {
    Reference origin_head(raw);
    constexpr std::string_view prefix = "refs/remotes/origin/";
    if (git_reference_type(origin_head.get()) == GIT_REFERENCE_SYMBOLIC) {
      const std::string_view target = git_reference_symbolic_target(origin_head.get());
      if (target.size() > prefix.size() && target.substr(0, prefix.size()) == prefix)
        return std::string(target.substr(prefix.size()));
    }
  }
  auto configured = config_value("init.defaultBranch");
  if (!configured.ok()) return std::move(configured).failure();
  std::vector<std::string> candidates{"main", "master"};
  if (*configured && !(*configured)->empty()) candidates.insert(candidates.begin(), **configured);
  for (const auto& name : candidates) {
    auto exists = branch_exists(name);
    if (!exists.ok()) return std::move(exists).failure();
    if (*exists) return name;
  }
  return head_branch();
}

sdk::Result<std::string> Repo::commit_of(const std::string& spec) const {
  auto oid = resolve(get(), spec);
  if (!oid.ok()) return std::move(oid).failure();
  return hex_of(*oid);
}

sdk::Result<std::vector<std::string>> Repo::branches() const {
  git_branch_iterator* raw = nullptr;
  if (git_branch_iterator_new(&raw, get(), GIT_BRANCH_LOCAL) < 0) return failure("cannot list branches");
  Owned<git_branch_iterator, git_branch_iterator_free> iterator(raw);
  std::vector<std::string> out;
  git_reference* ref = nullptr;
  git_branch_t type;
  while (git_branch_next(&ref, &type, iterator.get()) == 0) {
    Reference owned(ref);
    const char* name = nullptr;
    if (git_branch_name(&name, owned.get()) == 0) out.emplace_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

sdk::Result<std::optional<std::string>> Repo::config_value(const std::string& key) const {
  git_config* raw = nullptr;
  if (git_repository_config_snapshot(&raw, get()) < 0) return failure("cannot read the git config");
  Config config(raw);
  const char* value = nullptr;
  if (git_config_get_string(&value, config.get(), key.c_str()) != 0) return std::optional<std::string>();
  return std::optional<std::string>(value);
}

sdk::Result<std::string> Repo::branch_owner(const std::string& name) const {
  auto value = config_value(owner_key(name));
  if (!value.ok()) return std::move(value).failure();
  return value->value_or("");
}

sdk::Result<void> Repo::set_branch_owner(const std::string& name, const std::string& key) {
  git_config* raw = nullptr;
  if (git_repository_config(&raw, get()) < 0) return failure("cannot open the git config");
  Config config(raw);
  // The repository's own .git/config, also when extensions.worktreeConfig would make a
  // plain write go to the main checkout's config.worktree (which linked worktrees do not read).
  git_config* raw_local = nullptr;
  if (git_config_open_level(&raw_local, config.get(), GIT_CONFIG_LEVEL_LOCAL) < 0) return failure("cannot open .git/config");
  Config local(raw_local);
  if (git_config_set_string(local.get(), owner_key(name).c_str(), key.c_str()) < 0)
    return failure("cannot record the owner of branch \"" + name + "\"");
  return {};
}

std::string Repo::branch_start(const std::string& name) const {
  git_reflog* raw = nullptr;
  if (git_reflog_read(&raw, get(), ("refs/heads/" + name).c_str()) != 0) return "";
  Owned<git_reflog, git_reflog_free> reflog(raw);
  const size_t count = git_reflog_entrycount(reflog.get());
  if (count == 0) return "";
  const git_reflog_entry* oldest = git_reflog_entry_byindex(reflog.get(), count - 1); // 0 is the newest
  if (!git_oid_is_zero(git_reflog_entry_id_old(oldest))) return ""; // the creation entry has expired
  return hex_of(*git_reflog_entry_id_new(oldest));
}

sdk::Result<bool> Repo::branch_exists(const std::string& name) const {
  git_reference* raw = nullptr;
  const int rc = git_branch_lookup(&raw, get(), name.c_str(), GIT_BRANCH_LOCAL);
  if (rc == GIT_ENOTFOUND) return false;
  if (rc < 0) return failure("cannot look up branch \"" + name + "\"");
  git_reference_free(raw);
  return true;
}

sdk::Result<void> Repo::create_branch(const std::string& name, const std::string& start) {
  auto oid = resolve(get(), start);
  if (!oid.ok()) return std::move(oid).failure();
  git_commit* raw_commit = nullptr;
  if (git_commit_lookup(&raw_commit, get(), &*oid) < 0) return failure("cannot read \"" + start + "\"");
  Commit commit(raw_commit);
  git_reference* raw = nullptr;
  if (git_branch_create(&raw, get(), name.c_str(), commit.get(), 0) < 0)
    return failure("cannot create branch \"" + name + "\"");
  git_reference_free(raw);
  return {};
}

sdk::Result<void> Repo::delete_branch(const std::string& name) {
  git_reference* raw = nullptr;
  const int rc = git_branch_lookup(&raw, get(), name.c_str(), GIT_BRANCH_LOCAL);
  if (rc == GIT_ENOTFOUND) return {};
  if (rc < 0) return failure("cannot look up branch \"" + name + "\"");
  Reference branch(raw);
  if (git_branch_delete(branch.get()) < 0) return failure("cannot delete branch \"" + name + "\"");
  return {};
}

sdk::Result<bool> Repo::is_merged(const std::string& branch, const std::string& base) const {
  auto tip = resolve(get(), "refs/heads/" + branch);
  if (!tip.ok()) return std::move(tip).failure();
  auto base_tip = resolve(get(), base);
  if (!base_tip.ok()) return std::move(base_tip).failure();
  if (git_oid_equal(&*tip, &*base_tip)) return true;
  const int rc = git_graph_descendant_of(get(), &*base_tip, &*tip);
  if (rc < 0) return failure("cannot compare \"" + branch + "\" with \"" + base + "\"");
  return rc == 1;
}

fs::path Repo::checked_out_in(const std::string& name) const {
  const std::string ref = "refs/heads/" + name;
  git_repository* main = get();
  git_repository* raw = nullptr;
  if (git_repository_is_worktree(get()) && git_repository_open(&raw, common_dir().c_str()) == 0) main = raw;
  std::unique_ptr<git_repository, Free> opened(raw);
  git_reference* head = nullptr;
  if (git_reference_lookup(&head, main, "HEAD") == 0) {
    Reference owned(head);
    const char* target = git_reference_symbolic_target(owned.get());
    if (target && ref == target && git_repository_workdir(main)) return fs::path(git_repository_workdir(main)).parent_path(); // without its "/"
  }
  for (const auto& wt : list_worktrees(common_dir()))
    if (wt.present && wt.head == ref) return wt.path;
  return {};
}

fs::path Repo::common_dir() const { return git_repository_commondir(get()); }

std::optional<std::string> remote_url(const fs::path& repo_root, const std::string& name) {
  init_libgit2();
  git_repository* raw = nullptr;
  if (git_repository_open(&raw, repo_root.c_str()) != 0) return std::nullopt;
  Owned<git_repository, git_repository_free> repo(raw);
  git_remote* raw_remote = nullptr;
  if (git_remote_lookup(&raw_remote, repo.get(), name.c_str()) != 0) return std::nullopt;
  Owned<git_remote, git_remote_free> remote(raw_remote);
  const char* url = git_remote_url(remote.get());
  return url ? std::optional<std::string>(url) : std::nullopt;
}

std::optional<fs::path> config_path(const fs::path& repo_root, const std::string& key) {
  init_libgit2();
  git_repository* raw = nullptr;
  if (git_repository_open(&raw, repo_root.c_str()) != 0) return std::nullopt;
  Owned<git_repository, git_repository_free> repo(raw);
  git_config* raw_config = nullptr;
  if (git_repository_config(&raw_config, repo.get()) != 0) return std::nullopt;
  Config config(raw_config);
  git_buf buf{};
  std::optional<fs::path> path;
  if (git_config_get_path(&buf, config.get(), key.c_str()) == 0) path = fs::path(buf.ptr);
  git_buf_dispose(&buf);
  return path;
}

sdk::Result<void> enable_worktree_config(const fs::path& repo_root) {
  init_libgit2();
  git_repository* raw = nullptr;
  if (git_repository_open(&raw, repo_root.c_str()) != 0) return {};
  Owned<git_repository, git_repository_free> repo(raw);
  git_config* raw_config = nullptr;
  if (git_repository_config(&raw_config, repo.get()) != 0) return {};
  Config config(raw_config);
  int enabled = 0;
  if (git_config_get_bool(&enabled, config.get(), "extensions.worktreeConfig") == 0 && enabled) return {};
  if (git_config_set_bool(config.get(), "extensions.worktreeConfig", 1) == 0) return {};
  const git_error* error = git_error_last();
  return sdk::fail(sdk::FailureKind::error, std::string("cannot set extensions.worktreeConfig in the repository's git config: ") +
                                                (error && error->message ? error->message : "unknown error"));
}

} // namespace fanout::git
