#include "host/workspace/deps.hpp"

#include "host/workspace/naming.hpp"
#include "host/workspace/ownership.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <thread>

namespace fanout::workspace {
namespace fs = std::filesystem;

namespace {

/// How the copy below reports a failure from deep in its walk and its worker threads. Private
/// to this file: copy_tree() and prepare_dependencies() turn it into their failure.
struct CopyError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Node {
  std::string name; ///< file name within its folder; for folders, the path relative to the root ("" = root)
  struct stat st {};
};

/// A folder of the tree and the range of `files` that sit directly in it.
struct Folder {
  Node node;
  size_t first_file = 0, file_count = 0;
};

/// Files are copied in batches of at most this many from one folder: one pair of folder
/// handles per batch, small enough that a big flat folder still spreads over the threads.
constexpr size_t k_batch = 128;

/// Files up to this size are copied with one read and one write, which costs less on small
/// files than copy_file_range's splice; larger ones go through the kernel copy.
constexpr off_t k_small_file = 256 * 1024;

[[noreturn]] void fail_errno(const std::string& what, const std::string& path) {
  throw CopyError(what + " \"" + path + "\": " + std::strerror(errno));
}

/// The process umask, read without changing it (umask(2) would race with other threads).
mode_t process_umask() {
  static const mode_t mask = [] {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
      if (line.rfind("Umask:", 0) == 0) return static_cast<mode_t>(std::stoul(line.substr(6), nullptr, 8));
    return static_cast<mode_t>(07777); // unknown: always fchmod
  }();
  return mask;
}

/// Walks the folder `folders[index]` and, after its own files, its subfolders, so the files
/// of one folder are contiguous and parents come before children.
void walk(const fs::path& root, size_t index, std::vector<Folder>& folders, std::vector<Node>& files,
          std::vector<Node>& links) {
  const std::string rel = folders[index].node.name;
  const std::string dir_path = rel.empty() ? root.string() : (root / rel).string();
  DIR* dir = ::opendir(dir_path.c_str());
  if (!dir) fail_errno("cannot read", dir_path);
  const int dir_fd = ::dirfd(dir);
  folders[index].first_file = files.size();
  std::vector<Node> subfolders;
  while (const dirent* entry = ::readdir(dir)) {
    const std::string_view name = entry->d_name;
    if (name == "." || name == "..") continue;
    Node node{std::string(name)};
    if (::fstatat(dir_fd, entry->d_name, &node.st, AT_SYMLINK_NOFOLLOW) != 0) {
      ::closedir(dir);
      fail_errno("cannot read", dir_path + "/" + node.name);
    }
    if (S_ISDIR(node.st.st_mode)) {
      node.name = rel.empty() ? node.name : rel + "/" + node.name;
      subfolders.push_back(std::move(node));
    } else if (S_ISLNK(node.st.st_mode)) {
      node.name = rel.empty() ? node.name : rel + "/" + node.name;
      links.push_back(std::move(node));
    } else if (S_ISREG(node.st.st_mode)) {
      files.push_back(std::move(node));
    } // sockets, fifos, devices: not dependencies
  }
  ::closedir(dir);
  folders[index].file_count = files.size() - folders[index].first_file;
  for (auto& sub : subfolders) {
    folders.push_back(Folder{std::move(sub)});
    walk(root, folders.size() - 1, folders, files, links);
  }
}

/// Whether FICLONE may work on this copy: cleared by the first file it fails on, so a
/// filesystem without reflinks costs one failed ioctl per tree, not one per file.
struct CloneState {
  std::atomic<bool> may_clone{true};
  std::atomic<size_t> cloned{0};
};

void write_all(int fd, const char* data, size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::system_error(n < 0 ? errno : EIO, std::generic_category());
    data += n;
    size -= static_cast<size_t>(n);
  }
}

/// Copies the contents of `in` to `out` (both open): FICLONE, else read/write for small
/// files, else copy_file_range (falling back to read/write across filesystems).
void copy_contents(int in, int out, const struct stat& st, CloneState& clone) {
  if (clone.may_clone.load(std::memory_order_relaxed)) {
    if (::ioctl(out, FICLONE, in) == 0) {
      ++clone.cloned;
      return;
    }
    if (errno == EOPNOTSUPP || errno == ENOTTY || errno == EXDEV || errno == EINVAL || errno == ENOSYS)
      clone.may_clone = false;
  }
  thread_local std::vector<char> buffer(1 << 16);
  off_t left = st.st_size;
  bool kernel_copy = st.st_size > k_small_file;
  while (left > 0) {
    if (kernel_copy) {
      const ssize_t n = ::copy_file_range(in, nullptr, out, nullptr, static_cast<size_t>(left), 0);
      if (n > 0) {
        left -= n;
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL || errno == EOPNOTSUPP)) {
        kernel_copy = false;
        continue;
      }
      throw std::system_error(n == 0 ? EIO : errno, std::generic_category()); // 0: the file shrank under us
    }
    const ssize_t n = ::read(in, buffer.data(), std::min(buffer.size(), static_cast<size_t>(left)));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::system_error(n == 0 ? EIO : errno, std::generic_category());
    write_all(out, buffer.data(), static_cast<size_t>(n));
    left -= n;
  }
}

/// Copies the regular file `from_name` in folder `from_dir` to `to_name` in `to_dir` (open
/// folders, or AT_FDCWD with full paths), keeping its mode and times; `shown_*` name the
/// files in errors.
void copy_file_at(int from_dir, const char* from_name, int to_dir, const char* to_name, const struct stat& st,
                  CloneState& clone, const std::string& shown_from, const std::string& shown_to) {
  const int in = ::openat(from_dir, from_name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (in < 0) fail_errno("cannot read", shown_from);
  const mode_t mode = st.st_mode & 07777;
  const int out = ::openat(to_dir, to_name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (out < 0) {
    ::close(in);
    fail_errno("cannot create", shown_to);
  }
  try {
    copy_contents(in, out, st, clone);
  } catch (const std::system_error& e) {
    ::close(in);
    ::close(out);
    throw CopyError("cannot copy to \"" + shown_to + "\": " + std::strerror(e.code().value()));
  }
  if ((mode & process_umask()) != 0) ::fchmod(out, mode); // the umask took bits the source has
  const timespec times[2] = {st.st_atim, st.st_mtim};
  ::futimens(out, times);
  ::close(in);
  ::close(out);
}

/// An open folder handle (O_PATH: enough for the *at calls), closed on scope exit.
class FolderHandle {
public:
  explicit FolderHandle(const std::string& path) : m_fd(::open(path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC)) {
    if (m_fd < 0) fail_errno("cannot open", path);
  }
  ~FolderHandle() { ::close(m_fd); }
  FolderHandle(const FolderHandle&) = delete;
  FolderHandle& operator=(const FolderHandle&) = delete;
  int fd() const { return m_fd; }

private:
  int m_fd;
};

void check_relative(const std::string& entry, const char* key) {
  const fs::path p(entry);
  bool escapes = p.is_absolute() || entry.empty();
  for (const auto& part : p)
    if (part == "..") escapes = true;
  if (escapes) throw CopyError(std::string("[workspace] ") + key + ": \"" + entry + "\" must be a relative path inside the repository");
}

/// A folder on the way to `entry` in the worktree that the branch commits as a symlink
/// would take the copy out of the worktree: refused, never written through.
void check_no_symlink(const fs::path& worktree, const std::string& entry, const char* key) {
  if (auto link = symlink_on_the_way(worktree, (worktree / entry).parent_path()))
    throw CopyError(std::string("[workspace] ") + key + ": \"" + entry + "\": \"" + link->string() +
                    "\" is a symlink in the worktree, and fanout never copies through one");
}

CopyStats copy_or_throw(const fs::path& from, const fs::path& to, unsigned threads, const sdk::CancelToken* cancel) {
  CopyStats stats;
  Node root;
  if (::lstat(from.c_str(), &root.st) != 0) fail_errno("cannot read", from.string());
  if (S_ISLNK(root.st.st_mode)) {
    std::error_code ec;
    fs::copy_symlink(from, to, ec);
    if (ec) throw CopyError("cannot copy \"" + from.string() + "\": " + ec.message());
    stats.symlinks = 1;
    return stats;
  }
  CloneState clone;
  if (!S_ISDIR(root.st.st_mode)) {
    copy_file_at(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), root.st, clone, from.string(), to.string());
    stats.cloned = clone.cloned;
    stats.files = 1;
    stats.bytes = static_cast<size_t>(root.st.st_size);
    return stats;
  }
  std::vector<Folder> folders{Folder{root}};
  std::vector<Node> files, links;
  walk(from, 0, folders, files, links);
  for (const auto& folder : folders) {
    const std::string target = folder.node.name.empty() ? to.string() : (to / folder.node.name).string();
    if (::mkdir(target.c_str(), 0700) != 0) fail_errno("cannot create", target);
  }

  struct Batch {
    size_t folder, begin, end;
  };
  std::vector<Batch> batches;
  for (size_t f = 0; f < folders.size(); ++f)
    for (size_t begin = folders[f].first_file, end = begin + folders[f].file_count; begin < end; begin += k_batch)
      batches.push_back({f, begin, std::min(begin + k_batch, end)});

  std::atomic<size_t> next{0};
  std::mutex error_mutex;
  std::string first_error;
  const auto work = [&] {
    try {
      for (size_t b = next++; b < batches.size(); b = next++) {
        if (cancel && cancel->cancelled()) throw CopyError("cancelled while copying \"" + from.string() + "\"");
        const Batch& batch = batches[b];
        const std::string& rel = folders[batch.folder].node.name;
        const fs::path in_path = rel.empty() ? from : from / rel, out_path = rel.empty() ? to : to / rel;
        FolderHandle in_dir(in_path.string()), out_dir(out_path.string());
        for (size_t i = batch.begin; i < batch.end; ++i)
          copy_file_at(in_dir.fd(), files[i].name.c_str(), out_dir.fd(), files[i].name.c_str(), files[i].st, clone,
                       (in_path / files[i].name).string(), (out_path / files[i].name).string());
      }
    } catch (const std::exception& e) {
      std::lock_guard lock(error_mutex);
      if (first_error.empty()) first_error = e.what();
      next = batches.size();
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < std::min<size_t>(std::max(threads, 1u), std::max<size_t>(batches.size(), 1)); ++t)
    pool.emplace_back(work);
  work();
  for (auto& thread : pool) thread.join();
  if (!first_error.empty()) throw CopyError(first_error);
  for (const auto& link : links) {
    std::string target(static_cast<size_t>(link.st.st_size) + 1, '\0');
    const std::string source = (from / link.name).string(), dest = (to / link.name).string();
    const ssize_t n = ::readlink(source.c_str(), target.data(), target.size());
    if (n < 0) fail_errno("cannot read", source);
    target.resize(static_cast<size_t>(n));
    if (::symlink(target.c_str(), dest.c_str()) != 0) fail_errno("cannot create", dest);
    const timespec times[2] = {link.st.st_atim, link.st.st_mtim};
    ::utimensat(AT_FDCWD, dest.c_str(), times, AT_SYMLINK_NOFOLLOW);
  }
  // Children first, so setting a folder's mtime is not undone by writing into it.
  for (auto it = folders.rbegin(); it != folders.rend(); ++it) {
    const std::string target = it->node.name.empty() ? to.string() : (to / it->node.name).string();
    ::chmod(target.c_str(), it->node.st.st_mode & 07777);
    const timespec times[2] = {it->node.st.st_atim, it->node.st.st_mtim};
    ::utimensat(AT_FDCWD, target.c_str(), times, 0);
  }
  stats.files = files.size();
  stats.dirs = folders.size();
  stats.symlinks = links.size();
  stats.cloned = clone.cloned;
  for (const auto& f : files) stats.bytes += static_cast<size_t>(f.st.st_size);
  return stats;
}

/// `body()`, or its exception as a failure: this file's own, or one of std::filesystem's.
template <typename F> auto as_result(F&& body) -> sdk::Result<decltype(body())> {
  try {
    return body();
  } catch (const std::exception& e) {
    return sdk::fail(sdk::FailureKind::error, e.what());
  }
}

} // namespace

sdk::Result<CopyStats> copy_tree(const fs::path& from, const fs::path& to, unsigned threads,
                                 const sdk::CancelToken* cancel) {
  return as_result([&] { return copy_or_throw(from, to, threads, cancel); });
}

std::string key_files_hash(const fs::path& root, const std::vector<std::string>& key_files) {
  if (key_files.empty()) return "";
  std::uint64_t hash = fnv1a("");
  for (const auto& name : key_files) {
    hash = fnv1a(name, hash);
    std::ifstream in(root / name, std::ios::binary);
    if (!in) {
      hash = fnv1a(std::string_view("\0absent", 7), hash);
      continue;
    }
    std::ostringstream content;
    content << in.rdbuf();
    hash = fnv1a(std::string_view("\0present", 8), hash);
    hash = fnv1a(content.str(), hash);
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(hash));
  return buf;
}

namespace {

DepsReport prepare_or_throw(const fs::path& main_root, const fs::path& worktree, const config::WorkspaceConfig& config,
                            unsigned threads, const sdk::CancelToken* cancel) {
  DepsReport report;
  for (const auto& entry : config.copy) {
    check_relative(entry, "copy");
    std::error_code ec;
    if (!fs::exists(fs::symlink_status(main_root / entry, ec)) || fs::exists(fs::symlink_status(worktree / entry, ec)))
      continue;
    check_no_symlink(worktree, entry, "copy");
    fs::create_directories((worktree / entry).parent_path());
    copy_or_throw(main_root / entry, worktree / entry, threads, cancel);
    report.copied.push_back(entry);
  }
  if (config.reuse.empty()) return report;
  for (const auto& name : config.key_files) check_relative(name, "key_files");
  const std::string main_key = key_files_hash(main_root, config.key_files);
  const std::string own_key = key_files_hash(worktree, config.key_files);
  for (const auto& dir : config.reuse) {
    check_relative(dir, "reuse");
    std::error_code ec;
    if (fs::exists(fs::symlink_status(worktree / dir, ec))) {
      report.reused.push_back(dir); // made by an earlier run of up
    } else if (!fs::is_directory(main_root / dir, ec)) {
      report.not_reused.push_back(dir + " (not in the main checkout)");
    } else if (main_key != own_key) {
      report.not_reused.push_back(dir + " (key files differ from the main checkout)");
    } else {
      check_no_symlink(worktree, dir, "reuse");
      fs::create_directories((worktree / dir).parent_path());
      // Copy under a temporary name and rename, so an interrupted copy never looks reused.
      const fs::path partial = worktree / (dir + ".fanout-partial");
      fs::remove_all(partial, ec);
      copy_or_throw(main_root / dir, partial, threads, cancel);
      fs::rename(partial, worktree / dir);
      report.reused.push_back(dir);
    }
  }
  return report;
}

} // namespace

sdk::Result<DepsReport> prepare_dependencies(const fs::path& main_root, const fs::path& worktree,
                                             const config::WorkspaceConfig& config, unsigned threads,
                                             const sdk::CancelToken* cancel) {
  return as_result([&] { return prepare_or_throw(main_root, worktree, config, threads, cancel); });
}

} // namespace fanout::workspace
