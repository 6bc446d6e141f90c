#include "host/workspace/deps.hpp"

#include "host/util/error.hpp"
#include "host/workspace/naming.hpp"

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
#include <thread>

namespace fanout::workspace {
namespace fs = std::filesystem;

namespace {

struct Node {
  std::string rel; ///< "" for the root itself
  struct stat st {};
};

[[noreturn]] void fail_errno(const std::string& what, const std::string& path) {
  throw UserError(what + " \"" + path + "\": " + std::strerror(errno));
}

/// Walks `root` depth-first, parents before children.
void walk(const fs::path& root, const std::string& rel, std::vector<Node>& dirs, std::vector<Node>& files,
          std::vector<Node>& links) {
  const std::string dir_path = rel.empty() ? root.string() : (root / rel).string();
  DIR* dir = ::opendir(dir_path.c_str());
  if (!dir) fail_errno("cannot read", dir_path);
  std::vector<std::string> names;
  while (const dirent* entry = ::readdir(dir)) {
    const std::string_view name = entry->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  ::closedir(dir);
  for (const auto& name : names) {
    Node node{rel.empty() ? name : rel + "/" + name};
    const std::string full = (root / node.rel).string();
    if (::lstat(full.c_str(), &node.st) != 0) fail_errno("cannot read", full);
    if (S_ISDIR(node.st.st_mode)) {
      dirs.push_back(node);
      walk(root, node.rel, dirs, files, links);
    } else if (S_ISLNK(node.st.st_mode)) {
      links.push_back(std::move(node));
    } else if (S_ISREG(node.st.st_mode)) {
      files.push_back(std::move(node));
    } // sockets, fifos, devices: not dependencies
  }
}

/// Copies one regular file: FICLONE, else copy_file_range, else read/write.
bool copy_file(const std::string& from, const std::string& to, const struct stat& st) {
  const int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) fail_errno("cannot read", from);
  const int out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (out < 0) {
    ::close(in);
    fail_errno("cannot create", to);
  }
  bool cloned = ::ioctl(out, FICLONE, in) == 0;
  off_t left = cloned ? 0 : st.st_size;
  bool kernel_copy = true;
  while (left > 0) {
    ssize_t n = kernel_copy ? ::copy_file_range(in, nullptr, out, nullptr, static_cast<size_t>(left), 0) : -1;
    if (n < 0 && kernel_copy && (errno == EXDEV || errno == ENOSYS || errno == EINVAL || errno == EOPNOTSUPP)) {
      kernel_copy = false;
      continue;
    }
    if (!kernel_copy) {
      char buf[1 << 16];
      n = ::read(in, buf, std::min<size_t>(sizeof buf, static_cast<size_t>(left)));
      if (n > 0 && ::write(out, buf, static_cast<size_t>(n)) != n) n = -1;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(in);
      ::close(out);
      fail_errno("cannot copy to", to);
    }
    left -= n;
  }
  ::fchmod(out, st.st_mode & 07777);
  const timespec times[2] = {st.st_atim, st.st_mtim};
  ::futimens(out, times);
  ::close(in);
  ::close(out);
  return cloned;
}

void check_relative(const std::string& entry, const char* key) {
  const fs::path p(entry);
  bool escapes = p.is_absolute() || entry.empty();
  for (const auto& part : p)
    if (part == "..") escapes = true;
  if (escapes) throw UserError(std::string("[workspace] ") + key + ": \"" + entry + "\" must be a relative path inside the repository");
}

} // namespace

CopyStats copy_tree(const fs::path& from, const fs::path& to, unsigned threads) {
  CopyStats stats;
  Node root;
  if (::lstat(from.c_str(), &root.st) != 0) fail_errno("cannot read", from.string());
  if (S_ISLNK(root.st.st_mode)) {
    std::error_code ec;
    fs::copy_symlink(from, to, ec);
    if (ec) throw UserError("cannot copy \"" + from.string() + "\": " + ec.message());
    stats.symlinks = 1;
    return stats;
  }
  if (!S_ISDIR(root.st.st_mode)) {
    stats.cloned = copy_file(from, to, root.st) ? 1 : 0;
    stats.files = 1;
    stats.bytes = static_cast<size_t>(root.st.st_size);
    return stats;
  }
  std::vector<Node> dirs{root}, files, links;
  walk(from, "", dirs, files, links);
  for (const auto& dir : dirs) {
    const std::string target = dir.rel.empty() ? to.string() : (to / dir.rel).string();
    if (::mkdir(target.c_str(), 0700) != 0) fail_errno("cannot create", target);
  }
  std::atomic<size_t> next{0}, cloned{0};
  std::mutex error_mutex;
  std::string first_error;
  const auto work = [&] {
    try {
      for (size_t i = next++; i < files.size(); i = next++) {
        if (copy_file((from / files[i].rel).string(), (to / files[i].rel).string(), files[i].st)) ++cloned;
      }
    } catch (const std::exception& e) {
      std::lock_guard lock(error_mutex);
      if (first_error.empty()) first_error = e.what();
      next = files.size();
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < std::max(threads, 1u); ++t) pool.emplace_back(work);
  work();
  for (auto& thread : pool) thread.join();
  if (!first_error.empty()) throw UserError(first_error);
  for (const auto& link : links) {
    std::string target(static_cast<size_t>(link.st.st_size) + 1, '\0');
    const std::string source = (from / link.rel).string(), dest = (to / link.rel).string();
    const ssize_t n = ::readlink(source.c_str(), target.data(), target.size());
    if (n < 0) fail_errno("cannot read", source);
    target.resize(static_cast<size_t>(n));
    if (::symlink(target.c_str(), dest.c_str()) != 0) fail_errno("cannot create", dest);
    const timespec times[2] = {link.st.st_atim, link.st.st_mtim};
    ::utimensat(AT_FDCWD, dest.c_str(), times, AT_SYMLINK_NOFOLLOW);
  }
  // Children first, so setting a folder's mtime is not undone by writing into it.
  for (auto it = dirs.rbegin(); it != dirs.rend(); ++it) {
    const std::string target = it->rel.empty() ? to.string() : (to / it->rel).string();
    ::chmod(target.c_str(), it->st.st_mode & 07777);
    const timespec times[2] = {it->st.st_atim, it->st.st_mtim};
    ::utimensat(AT_FDCWD, target.c_str(), times, 0);
  }
  stats.files = files.size();
  stats.dirs = dirs.size();
  stats.symlinks = links.size();
  stats.cloned = cloned;
  for (const auto& f : files) stats.bytes += static_cast<size_t>(f.st.st_size);
  return stats;
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

DepsReport prepare_dependencies(const fs::path& main_root, const fs::path& worktree,
                                const config::WorkspaceConfig& config, unsigned threads) {
  DepsReport report;
  for (const auto& entry : config.copy) {
    check_relative(entry, "copy");
    std::error_code ec;
    if (!fs::exists(fs::symlink_status(main_root / entry, ec)) || fs::exists(fs::symlink_status(worktree / entry, ec)))
      continue;
    fs::create_directories((worktree / entry).parent_path());
    copy_tree(main_root / entry, worktree / entry, threads);
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
      fs::create_directories((worktree / dir).parent_path());
      // Copy under a temporary name and rename, so an interrupted copy never looks reused.
      const fs::path partial = worktree / (dir + ".fanout-partial");
      fs::remove_all(partial, ec);
      copy_tree(main_root / dir, partial, threads);
      fs::rename(partial, worktree / dir);
      report.reused.push_back(dir);
    }
  }
  return report;
}

} // namespace fanout::workspace
