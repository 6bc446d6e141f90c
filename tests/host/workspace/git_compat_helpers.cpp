#include "tests/host/workspace/git_compat_helpers.hpp"

#include "tests/host/workspace/workspace_helpers.hpp"
#include "tests/support/paths.hpp"

#include <catch2/catch.hpp>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

namespace fanout::test {
namespace fs = std::filesystem;

namespace {

/// Reads everything from `fd` (then closes it).
std::string read_fd(int fd) {
  std::string out;
  char buf[65536];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
  ::close(fd);
  return out;
}

void scan_dir(int dir_fd, const std::string& prefix, std::map<std::string, TreeEntry>& out) {
  DIR* dir = ::fdopendir(dir_fd);
  REQUIRE(dir != nullptr);
  while (const dirent* e = ::readdir(dir)) {
    const std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    if (prefix.empty() && (name == ".git" || name == ".env.fanout")) continue;
    const std::string path = prefix + name;
    struct stat st {};
    REQUIRE(::fstatat(::dirfd(dir), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0);
    TreeEntry entry;
    entry.mode = st.st_mode & 07777;
    if (S_ISLNK(st.st_mode)) {
      entry.type = 'l';
      std::string target(static_cast<size_t>(st.st_size) + 1, '\0');
      const ssize_t n = ::readlinkat(::dirfd(dir), name.c_str(), target.data(), target.size());
      REQUIRE(n >= 0);
      target.resize(static_cast<size_t>(n));
      entry.content = target;
    } else if (S_ISREG(st.st_mode)) {
      entry.type = 'f';
      const int fd = ::openat(::dirfd(dir), name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
      REQUIRE(fd >= 0);
      entry.content = read_fd(fd);
    } else if (S_ISDIR(st.st_mode)) {
      entry.type = 'd';
      const int fd = ::openat(::dirfd(dir), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      REQUIRE(fd >= 0);
      scan_dir(fd, path + "/", out);
    }
    out[path] = entry;
  }
  ::closedir(dir);
}

std::string type_name(char type) {
  switch (type) {
  case 'f': return "file";
  case 'l': return "symlink";
  case 'd': return "folder";
  default: return "special file";
  }
}

std::string octal(unsigned mode) {
  std::ostringstream out;
  out << std::oct << mode;
  return out.str();
}

/// A short, printable excerpt of `s` around `at`.
std::string excerpt(const std::string& s, size_t at) {
  std::string out;
  for (size_t i = at > 8 ? at - 8 : 0; i < s.size() && i < at + 16; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    }
  }
  return "\"" + out + "\"";
}

std::string describe(const std::string& path, const TreeEntry& ours, const TreeEntry& git) {
  const std::string at = "\"" + path + "\": ";
  if (ours.type != git.type) return at + type_name(ours.type) + " in fanout's worktree, " + type_name(git.type) + " in git's";
  if (ours.type == 'l' && ours.content != git.content)
    return at + "symlink to \"" + ours.content + "\" in fanout's worktree, to \"" + git.content + "\" in git's";
  if (ours.content != git.content) {
    size_t i = 0;
    while (i < ours.content.size() && i < git.content.size() && ours.content[i] == git.content[i]) ++i;
    return at + "content differs from byte " + std::to_string(i) + ": fanout's " + std::to_string(ours.content.size()) +
           " bytes " + excerpt(ours.content, i) + ", git's " + std::to_string(git.content.size()) + " bytes " +
           excerpt(git.content, i);
  }
  return at + "mode " + octal(ours.mode) + " in fanout's worktree, " + octal(git.mode) + " in git's";
}

/// Every file under `dir` by relative path ("" when `dir` does not exist).
std::set<std::string> file_names(const fs::path& dir) {
  std::set<std::string> out;
  if (!fs::is_directory(dir)) return out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (!e.is_directory()) out.insert(fs::relative(e.path(), dir).string());
  return out;
}

std::string joined(const std::set<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : " ") + n;
  return out;
}

std::string optional_file(const fs::path& path) { return fs::exists(path) ? read_file(path) : "(none)"; }

/// `config.worktree` of fanout's worktree without what fanout adds on purpose: the
/// core.excludesFile that keeps copied files out of commits (docs/workspaces.md), and the
/// [core] header when nothing else is under it. "(none)" when nothing else is left.
std::string without_fanout_exclude(const std::string& text) {
  if (text == "(none)") return text;
  std::istringstream in(text);
  std::string line, out, core_header;
  while (std::getline(in, line)) {
    if (line == "[core]") {
      core_header = line + "\n";
      continue;
    }
    if (line.find("excludesFile") != std::string::npos && line.find("fanout-exclude") != std::string::npos) continue;
    if (!line.empty() && line.front() == '[') core_header.clear();
    out += core_header + line + "\n";
    core_header.clear();
  }
  return out.empty() ? "(none)" : out;
}

/// What differs between the admin folders of the two worktrees, "" when nothing does.
/// fanout's own per-worktree exclude file (fanout-exclude) is not a difference.
std::string admin_difference(const fs::path& ours, const fs::path& git) {
  auto a = file_names(ours);
  const auto b = file_names(git);
  a.erase("fanout-exclude");
  if (without_fanout_exclude(optional_file(ours / "config.worktree")) == "(none)") a.erase("config.worktree");
  if (a != b)
    return "worktree admin folder: fanout's has [" + joined(a) + "], git's has [" + joined(b) + "]";
  for (const char* name : {"commondir", "config.worktree", "info/sparse-checkout", "locked"}) {
    const auto x = std::string(name) == "config.worktree" ? without_fanout_exclude(optional_file(ours / name))
                                                          : optional_file(ours / name);
    const auto y = optional_file(git / name);
    if (x != y) return std::string("worktree admin folder: ") + name + " is \"" + x + "\" in fanout's, \"" + y + "\" in git's";
  }
  return "";
}

} // namespace

CompatRepo::CompatRepo() {
  fs::create_directories(m_home / ".config");
  const char* path = std::getenv("PATH");
  m_path = path ? path : "/usr/bin:/bin";
  git("init -q -b main");
  git("config user.email t@example.com");
  git("config user.name Test");
  git("config commit.gpgsign false");
  write("README.md", "hello\n");
  commit("initial");
}

void CompatRepo::write(const std::string& path, const std::string& content) const { write_text(m_root / path, content); }

void CompatRepo::write_home(const std::string& path, const std::string& content) const {
  write_text(m_home / path, content);
}

std::string CompatRepo::env() const {
  return "export HOME=" + shell_quote(m_home.string()) +
         " XDG_CONFIG_HOME=" + shell_quote((m_home / ".config").string()) +
         " GIT_CONFIG_NOSYSTEM=1 PATH=" + shell_quote(m_path) + "; ";
}

std::string CompatRepo::run(const std::string& command) const {
  const auto result = sh(env() + command, m_root);
  INFO(command << "\n" << result.out);
  REQUIRE(result.rc == 0);
  return result.out;
}

void CompatRepo::commit(const std::string& message) const { git("add -A && git commit -q -m '" + message + "'"); }

void CompatRepo::hide_git_lfs() {
  const fs::path bin = m_home / "bin-without-git-lfs";
  fs::create_directories(bin);
  std::istringstream dirs(m_path);
  for (std::string dir; std::getline(dirs, dir, ':');) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      const auto name = e.path().filename();
      if (name == "git-lfs" || fs::exists(fs::symlink_status(bin / name))) continue;
      fs::create_symlink(e.path(), bin / name, ec);
    }
  }
  m_path = bin.string();
  REQUIRE(sh(env() + "command -v git-lfs").out == "");
}

std::map<std::string, TreeEntry> scan_tree(const fs::path& root) {
  std::map<std::string, TreeEntry> out;
  const int fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  REQUIRE(fd >= 0);
  scan_dir(fd, "", out);
  return out;
}

std::string first_difference(const std::map<std::string, TreeEntry>& fanout,
                             const std::map<std::string, TreeEntry>& git) {
  auto a = fanout.begin(), b = git.begin();
  while (a != fanout.end() || b != git.end()) {
    if (b == git.end() || (a != fanout.end() && a->first < b->first))
      return "\"" + a->first + "\": only in fanout's worktree (" + type_name(a->second.type) + ")";
    if (a == fanout.end() || b->first < a->first)
      return "\"" + b->first + "\": only in git's worktree (" + type_name(b->second.type) + ")";
    if (!(a->second == b->second)) return describe(a->first, a->second, b->second);
    ++a;
    ++b;
  }
  return "";
}

fs::path admin_dir(const fs::path& worktree) {
  std::string line = read_file(worktree / ".git");
  const std::string prefix = "gitdir: ";
  REQUIRE(line.rfind(prefix, 0) == 0);
  line = line.substr(prefix.size());
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  const fs::path dir = line;
  return dir.is_absolute() ? dir : worktree / dir;
}

void CompatRepo::write_fanout_config() const {
  write("fanout.toml", "[ports]\nbase = " + std::to_string(test_port_base()) + "\nspan = 100\n");
  write_home(".config/fanout/config.toml", "[trust]\nrepos = [\"" + m_root.string() + "\"]\n");
  write(".fanout/issues/7.md", "---\ntitle: Add the login page\n---\nBody.\n");
}

Shell CompatRepo::fanout(const std::string& args) const {
  return sh(env() + shell_quote(fanout_executable().string()) + " " + args, m_root);
}

Comparison compare_with_git(const CompatRepo& repo) {
  repo.write_fanout_config();
  Comparison result{repo.root() / ".fanout/worktrees/7", repo.root() / ".gitref/worktrees/7", ""};
  repo.git("worktree add -q -b gitref/7 " + shell_quote(result.git.string()) + " main");
  const auto up = repo.fanout("up 7");
  if (up.rc != 0) {
    result.difference = "fanout up failed (exit " + std::to_string(up.rc) + "): " + up.out;
    return result;
  }

  result.difference = first_difference(scan_tree(result.fanout), scan_tree(result.git));
  if (!result.difference.empty()) return result;
  const auto in = [&](const fs::path& worktree, const std::string& git_args) {
    return repo.run("cd " + shell_quote(worktree.string()) + " && git " + git_args);
  };
  const auto status_ours = in(result.fanout, "status --porcelain"), status_git = in(result.git, "status --porcelain");
  if (status_ours != "" || status_git != "") {
    result.difference = "git status --porcelain: \"" + status_ours + "\" in fanout's worktree, \"" + status_git +
                        "\" in git's (both must be empty)";
    return result;
  }
  const auto index_ours = in(result.fanout, "ls-files -s -t"), index_git = in(result.git, "ls-files -s -t");
  if (index_ours != index_git) {
    result.difference = "git ls-files -s -t: \"" + index_ours + "\" in fanout's worktree, \"" + index_git + "\" in git's";
    return result;
  }
  result.difference = admin_difference(admin_dir(result.fanout), admin_dir(result.git));
  return result;
}

} // namespace fanout::test
