#include "host/workspace/checkout.hpp"

#include "host/util/error.hpp"
#include "host/workspace/git_repo.hpp"
#include "host/workspace/index_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <set>
#include <thread>

namespace fanout::workspace {
namespace fs = std::filesystem;

namespace {

using Entry = IndexEntry;

/// True when blobs may need filters on their way out (attributes files, autocrlf).
bool needs_filters(git_repository* repo, const std::vector<Entry>& entries) {
  for (const auto& e : entries)
    if (e.path == ".gitattributes" || (e.path.size() > 15 && e.path.ends_with("/.gitattributes"))) return true;
  if (fs::exists(fs::path(git_repository_commondir(repo)) / "info" / "attributes")) return true;
  git_config* config = nullptr;
  if (git_repository_config_snapshot(&config, repo) < 0) return true;
  int autocrlf = 0;
  const bool crlf = git_config_get_bool(&autocrlf, config, "core.autocrlf") == 0 && autocrlf;
  git_buf eol = GIT_BUF_INIT;
  const bool has_eol = git_config_get_string_buf(&eol, config, "core.eol") == 0;
  git_buf_dispose(&eol);
  git_config_free(config);
  return crlf || has_eol;
}

void write_all(int fd, const char* data, size_t size, const std::string& path) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw UserError("cannot write \"" + path + "\": " + std::strerror(errno));
    data += n;
    size -= static_cast<size_t>(n);
  }
}

/// Writes one index entry into the work tree and records its stat data.
void write_entry(git_repository* repo, const fs::path& root, Entry& e, bool filters) {
  const std::string full = (root / e.path).string();
  if (e.mode == GIT_FILEMODE_COMMIT) { // a submodule: git leaves an empty folder
    ::mkdir(full.c_str(), 0777);
    return;
  }
  git_blob* blob = nullptr;
  check(git_blob_lookup(&blob, repo, &e.oid), "cannot read \"" + e.path + "\"");
  git_buf filtered = GIT_BUF_INIT;
  const char* data = static_cast<const char*>(git_blob_rawcontent(blob));
  size_t size = static_cast<size_t>(git_blob_rawsize(blob));
  if (filters && e.mode != GIT_FILEMODE_LINK) {
    git_blob_filter_options options = GIT_BLOB_FILTER_OPTIONS_INIT;
    if (git_blob_filter(&filtered, blob, e.path.c_str(), &options) < 0) {
      git_blob_free(blob);
      check(-1, "cannot filter \"" + e.path + "\"");
    }
    data = filtered.ptr;
    size = filtered.size;
  }
  if (e.mode == GIT_FILEMODE_LINK) {
    const std::string target(data, size);
    git_blob_free(blob);
    if (::symlink(target.c_str(), full.c_str()) != 0 || ::lstat(full.c_str(), &e.st) != 0)
      throw UserError("cannot create symlink \"" + e.path + "\": " + std::strerror(errno));
    return;
  }
  const mode_t mode = e.mode == GIT_FILEMODE_BLOB_EXECUTABLE ? 0777 : 0666;
  const int fd = ::open(full.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) {
    git_buf_dispose(&filtered);
    git_blob_free(blob);
    throw UserError("cannot create \"" + e.path + "\": " + std::strerror(errno));
  }
  try {
    write_all(fd, data, size, e.path);
  } catch (...) {
    ::close(fd);
    git_buf_dispose(&filtered);
    git_blob_free(blob);
    throw;
  }
  git_buf_dispose(&filtered);
  git_blob_free(blob);
  ::fstat(fd, &e.st);
  ::close(fd);
}

} // namespace

unsigned checkout_threads() {
  if (const char* forced = std::getenv("FANOUT_CHECKOUT_THREADS")) // for bench/: compare thread counts
    if (const int n = std::atoi(forced); n > 0) return static_cast<unsigned>(std::min(n, 64));
  return std::clamp(std::thread::hardware_concurrency(), 2u, 8u);
}

void parallel_checkout(const fs::path& worktree, unsigned threads, const sdk::CancelToken* cancel) {
  Repo repo(worktree);
  git_object* raw_tree = nullptr;
  check(git_revparse_single(&raw_tree, repo.get(), "HEAD^{tree}"), "cannot read HEAD of \"" + worktree.string() + "\"");
  git_tree* tree = reinterpret_cast<git_tree*>(raw_tree);
  git_index* index = nullptr;
  const int rc = git_repository_index(&index, repo.get());
  if (rc < 0) git_tree_free(tree);
  check(rc, "cannot open the index of \"" + worktree.string() + "\"");
  const int read_rc = git_index_read_tree(index, tree);
  git_tree_free(tree);
  if (read_rc < 0) git_index_free(index);
  check(read_rc, "cannot read HEAD's tree");

  std::vector<Entry> entries(git_index_entrycount(index));
  std::set<std::string> dirs;
  for (size_t i = 0; i < entries.size(); ++i) {
    const git_index_entry* e = git_index_get_byindex(index, i);
    entries[i].path = e->path;
    entries[i].oid = e->id;
    entries[i].mode = e->mode;
    for (auto slash = entries[i].path.rfind('/'); slash != std::string::npos && slash > 0;
         slash = entries[i].path.rfind('/', slash - 1))
      if (!dirs.insert(entries[i].path.substr(0, slash)).second) break;
  }
  for (const auto& dir : dirs) // sorted: parents come before their children
    if (::mkdir((worktree / dir).c_str(), 0777) != 0 && errno != EEXIST)
      throw UserError("cannot create \"" + (worktree / dir).string() + "\": " + std::strerror(errno));

  const bool filters = needs_filters(repo.get(), entries);
  std::atomic<size_t> next{0};
  std::mutex error_mutex;
  std::string first_error;
  const auto work = [&] {
    try {
      Repo own(worktree); // one git_repository per thread
      constexpr size_t k_chunk = 32;
      for (size_t start = next.fetch_add(k_chunk); start < entries.size(); start = next.fetch_add(k_chunk)) {
        if (cancel && cancel->cancelled()) throw UserError("cancelled during the checkout of \"" + worktree.string() + "\"");
        for (size_t i = start; i < std::min(start + k_chunk, entries.size()); ++i)
          write_entry(own.get(), worktree, entries[i], filters);
      }
    } catch (const std::exception& e) {
      std::lock_guard lock(error_mutex);
      if (first_error.empty()) first_error = e.what();
      next = entries.size();
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < std::max(threads, 1u); ++t) pool.emplace_back(work);
  work();
  for (auto& thread : pool) thread.join();
  if (!first_error.empty()) {
    git_index_free(index);
    throw UserError(first_error);
  }

  // The entries came sorted from HEAD's tree; written in one pass with the files' stat data
  // (git_index_add per entry would validate and re-insert each one: ~20% of the CPU).
  const std::filesystem::path index_path = git_index_path(index);
  git_index_free(index);
  write_index_file(index_path, entries);
}

} // namespace fanout::workspace
