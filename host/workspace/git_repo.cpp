#include "host/workspace/git_repo.hpp"

#include "host/util/error.hpp"

#include <algorithm>
#include <cstdlib>
#include <string_view>
#include <mutex>

namespace fanout::workspace {
namespace fs = std::filesystem;

namespace {

void init_libgit2() {
  static std::once_flag once;
  std::call_once(once, [] {
    git_libgit2_init();
    // libgit2 re-hashes every object it reads (SHA-1 with collision detection): over half
    // of a checkout's CPU. git itself does not on checkout; the pack's own checksums and
    // zlib's still catch corruption, and `git fsck` is the tool for verifying hashes.
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
using WorktreeHandle = Owned<git_worktree, git_worktree_free>;
using Config = Owned<git_config, git_config_free>;

std::string owner_key(const std::string& branch) { return "branch." + branch + ".fanoutIssue"; }

git_oid resolve(git_repository* repo, const std::string& spec) {
  git_object* raw = nullptr;
  check(git_revparse_single(&raw, repo, spec.c_str()), "cannot resolve \"" + spec + "\"");
  Object object(raw);
  git_object* peeled = nullptr;
  check(git_object_peel(&peeled, object.get(), GIT_OBJECT_COMMIT), "\"" + spec + "\" is not a commit");
  Object commit(peeled);
  return *git_object_id(commit.get());
}

} // namespace

void check(int rc, const std::string& what) {
  if (rc >= 0) return;
  const git_error* error = git_error_last();
  throw UserError(what + ": " + (error && error->message ? error->message : "unknown libgit2 error"));
}

Repo::Repo(const fs::path& path) {
  init_libgit2();
  git_repository* raw = nullptr;
  check(git_repository_open(&raw, path.c_str()), "cannot open git repository \"" + path.string() + "\"");
  m_repo.reset(raw);
}

std::string Repo::head_branch() const {
  git_reference* raw = nullptr;
  const int rc = git_repository_head(&raw, get());
  if (rc == GIT_EUNBORNBRANCH) throw UserError("the repository has no commits yet (commit something first)");
  check(rc, "cannot read HEAD");
  Reference head(raw);
  return git_reference_is_branch(head.get()) ? git_reference_shorthand(head.get()) : "";
}

std::string Repo::default_branch() const {
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
  git_config* raw_config = nullptr;
  check(git_repository_config_snapshot(&raw_config, get()), "cannot read the git config");
  Config config(raw_config);
  const char* configured = nullptr;
  if (git_config_get_string(&configured, config.get(), "init.defaultBranch") == 0 && *configured &&
      branch_exists(configured))
    return configured;
  for (const char* name : {"main", "master"})
    if (branch_exists(name)) return name;
  return head_branch();
}

std::string Repo::commit_of(const std::string& spec) const {
  const git_oid oid = resolve(get(), spec);
  char hex[GIT_OID_HEXSZ + 1];
  return git_oid_tostr(hex, sizeof hex, &oid);
}

std::vector<std::string> Repo::branches() const {
  git_branch_iterator* raw = nullptr;
  check(git_branch_iterator_new(&raw, get(), GIT_BRANCH_LOCAL), "cannot list branches");
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

std::string Repo::branch_owner(const std::string& name) const {
  git_config* raw = nullptr;
  check(git_repository_config_snapshot(&raw, get()), "cannot read the git config");
  Config config(raw);
  const char* key = nullptr;
  if (git_config_get_string(&key, config.get(), owner_key(name).c_str()) != 0) return "";
  return key;
}

void Repo::set_branch_owner(const std::string& name, const std::string& key) {
  git_config* raw = nullptr;
  check(git_repository_config(&raw, get()), "cannot open the git config");
  Config config(raw);
  // The repository's own .git/config, also when extensions.worktreeConfig would make a
  // plain write go to the main checkout's config.worktree (which linked worktrees do not read).
  git_config* raw_local = nullptr;
  check(git_config_open_level(&raw_local, config.get(), GIT_CONFIG_LEVEL_LOCAL), "cannot open .git/config");
  Config local(raw_local);
  check(git_config_set_string(local.get(), owner_key(name).c_str(), key.c_str()),
        "cannot record the owner of branch \"" + name + "\"");
}

std::string Repo::branch_start(const std::string& name) const {
  git_reflog* raw = nullptr;
  if (git_reflog_read(&raw, get(), ("refs/heads/" + name).c_str()) != 0) return "";
  Owned<git_reflog, git_reflog_free> reflog(raw);
  const size_t count = git_reflog_entrycount(reflog.get());
  if (count == 0) return "";
  const git_reflog_entry* oldest = git_reflog_entry_byindex(reflog.get(), count - 1); // 0 is the newest
  if (!git_oid_is_zero(git_reflog_entry_id_old(oldest))) return ""; // the creation entry has expired
  char hex[GIT_OID_HEXSZ + 1];
  return git_oid_tostr(hex, sizeof hex, git_reflog_entry_id_new(oldest));
}

bool Repo::branch_exists(const std::string& name) const {
  git_reference* raw = nullptr;
  const int rc = git_branch_lookup(&raw, get(), name.c_str(), GIT_BRANCH_LOCAL);
  if (rc == GIT_ENOTFOUND) return false;
  check(rc, "cannot look up branch \"" + name + "\"");
  git_reference_free(raw);
  return true;
}

void Repo::create_branch(const std::string& name, const std::string& start) {
  const git_oid oid = resolve(get(), start);
  git_commit* raw_commit = nullptr;
  check(git_commit_lookup(&raw_commit, get(), &oid), "cannot read \"" + start + "\"");
  Commit commit(raw_commit);
  git_reference* raw = nullptr;
  check(git_branch_create(&raw, get(), name.c_str(), commit.get(), 0), "cannot create branch \"" + name + "\"");
  git_reference_free(raw);
}

void Repo::delete_branch(const std::string& name) {
  git_reference* raw = nullptr;
  const int rc = git_branch_lookup(&raw, get(), name.c_str(), GIT_BRANCH_LOCAL);
  if (rc == GIT_ENOTFOUND) return;
  check(rc, "cannot look up branch \"" + name + "\"");
  Reference branch(raw);
  check(git_branch_delete(branch.get()), "cannot delete branch \"" + name + "\"");
}

bool Repo::is_merged(const std::string& branch, const std::string& base) const {
  const git_oid tip = resolve(get(), "refs/heads/" + branch);
  const git_oid base_tip = resolve(get(), base);
  if (git_oid_equal(&tip, &base_tip)) return true;
  const int rc = git_graph_descendant_of(get(), &base_tip, &tip);
  check(rc, "cannot compare \"" + branch + "\" with \"" + base + "\"");
  return rc == 1;
}

bool Repo::add_worktree(const std::string& name, const fs::path& path, const std::string& branch) {
  git_reference* raw = nullptr;
  check(git_branch_lookup(&raw, get(), branch.c_str(), GIT_BRANCH_LOCAL), "cannot find branch \"" + branch + "\"");
  Reference ref(raw);
  fs::create_directories(path.parent_path());
  git_worktree_add_options options;
  git_worktree_add_options_init(&options, GIT_WORKTREE_ADD_OPTIONS_VERSION);
  options.ref = ref.get();
  // Files come from parallel_checkout; FANOUT_CHECKOUT=libgit2 keeps libgit2's own
  // single-threaded checkout, for bench/ to compare against.
  const char* mode = std::getenv("FANOUT_CHECKOUT");
  const bool stock = mode && std::string_view(mode) == "libgit2";
  // The index is written last, by parallel_checkout: its presence marks a complete checkout.
  options.checkout_options.checkout_strategy = stock ? GIT_CHECKOUT_FORCE : GIT_CHECKOUT_NONE | GIT_CHECKOUT_DONT_WRITE_INDEX;
  git_worktree* raw_worktree = nullptr;
  check(git_worktree_add(&raw_worktree, get(), name.c_str(), path.c_str(), &options),
        "cannot add worktree \"" + path.string() + "\"");
  WorktreeHandle worktree(raw_worktree);
  return !stock;
}

std::vector<Repo::Worktree> Repo::worktrees() const {
  git_strarray names{};
  check(git_worktree_list(&names, get()), "cannot list worktrees");
  std::vector<Worktree> out;
  for (size_t i = 0; i < names.count; ++i) {
    git_worktree* raw = nullptr;
    if (git_worktree_lookup(&raw, get(), names.strings[i]) < 0) continue;
    WorktreeHandle worktree(raw);
    out.push_back({names.strings[i], git_worktree_path(worktree.get()), git_worktree_validate(worktree.get()) == 0});
  }
  git_strarray_dispose(&names);
  std::sort(out.begin(), out.end(), [](const Worktree& a, const Worktree& b) { return a.name < b.name; });
  return out;
}

void Repo::remove_worktree(const std::string& name, const fs::path& path) {
  std::error_code ec;
  fs::remove_all(path, ec);
  if (ec) throw UserError("cannot delete \"" + path.string() + "\": " + ec.message());
  git_worktree* raw = nullptr;
  if (git_worktree_lookup(&raw, get(), name.c_str()) < 0) return;
  WorktreeHandle worktree(raw);
  git_worktree_prune_options options;
  git_worktree_prune_options_init(&options, GIT_WORKTREE_PRUNE_OPTIONS_VERSION);
  options.flags = GIT_WORKTREE_PRUNE_VALID | GIT_WORKTREE_PRUNE_LOCKED;
  check(git_worktree_prune(worktree.get(), &options), "cannot prune worktree \"" + name + "\"");
}

bool checkout_complete(const fs::path& path) {
  if (!fs::exists(path / ".git")) return false;
  try {
    Repo repo(path);
    return fs::exists(fs::path(git_repository_path(repo.get())) / "index");
  } catch (const UserError&) {
    return false;
  }
}

std::vector<std::string> uncommitted_changes(const fs::path& path, const std::vector<std::string>& excluded) {
  Repo repo(path);
  git_status_options options;
  git_status_options_init(&options, GIT_STATUS_OPTIONS_VERSION);
  options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
  options.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
  git_status_list* raw = nullptr;
  check(git_status_list_new(&raw, repo.get(), &options), "cannot read the status of \"" + path.string() + "\"");
  Owned<git_status_list, git_status_list_free> list(raw);
  std::vector<std::string> out;
  for (size_t i = 0; i < git_status_list_entrycount(list.get()); ++i) {
    const git_status_entry* entry = git_status_byindex(list.get(), i);
    const git_diff_delta* delta = entry->index_to_workdir ? entry->index_to_workdir : entry->head_to_index;
    if (!delta) continue;
    std::string file = delta->new_file.path ? delta->new_file.path : delta->old_file.path;
    std::string bare = file;
    if (!bare.empty() && bare.back() == '/') bare.pop_back();
    bool skip = false;
    for (const auto& ex : excluded)
      if (bare == ex || bare.rfind(ex + "/", 0) == 0) skip = true;
    if (!skip) out.push_back(file);
  }
  return out;
}

} // namespace fanout::workspace
