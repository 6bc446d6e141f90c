#include "host/workspace/git_cli.hpp"

#include "host/services/process_runner.hpp"
#include "host/services/process_support.hpp"
#include "host/util/error.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

namespace fanout::workspace {
namespace fs = std::filesystem;

namespace {

constexpr size_t k_shown_error_bytes = 2000;

/// What git itself clears when it runs a command in another repository (`local_repo_env` in
/// git's environment.c): set by a hook or `git rebase --exec` that started fanout, they would
/// point git at that repository instead of the workspace.
constexpr const char* k_repo_local_env[] = {
    "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_CONFIG", "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT",
    "GIT_OBJECT_DIRECTORY", "GIT_DIR", "GIT_WORK_TREE", "GIT_IMPLICIT_WORK_TREE", "GIT_GRAFT_FILE",
    "GIT_INDEX_FILE", "GIT_NO_REPLACE_OBJECTS", "GIT_REPLACE_REF_BASE", "GIT_PREFIX",
    "GIT_INTERNAL_SUPER_PREFIX", "GIT_SHALLOW_FILE", "GIT_COMMON_DIR"};

/// The git subcommand of `args`, for messages: "worktree add" from {"-c", "x=y", "worktree", "add", ...}.
std::string what_of(const std::vector<std::string>& args) {
  size_t i = 0;
  while (i + 1 < args.size() && (args[i] == "-c" || args[i] == "--no-optional-locks")) i += args[i] == "-c" ? 2 : 1;
  std::string what = i < args.size() ? args[i] : "";
  if (what == "worktree" && i + 1 < args.size()) what += " " + args[i + 1];
  return what;
}

/// git's stderr, trimmed, for a message; its last bytes when long (git ends with the cause).
std::string shown_error(std::string err) {
  while (!err.empty() && (err.back() == '\n' || err.back() == ' ')) err.pop_back();
  if (err.size() > k_shown_error_bytes) err = "..." + err.substr(err.size() - k_shown_error_bytes);
  return err;
}

/// An exclusive flock on a file, released on destruction. Taken by polling, so that a cancel
/// token can end the wait (a blocking flock cannot be interrupted from another thread).
class FileLock {
public:
  FileLock(const fs::path& file, const sdk::CancelToken& cancel) {
    fs::create_directories(file.parent_path());
    m_fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (m_fd < 0) throw UserError("cannot open \"" + file.string() + "\": " + std::strerror(errno));
    while (::flock(m_fd, LOCK_EX | LOCK_NB) != 0) {
      if (errno != EWOULDBLOCK && errno != EINTR) {
        const std::string error = std::strerror(errno);
        ::close(m_fd);
        throw UserError("cannot lock \"" + file.string() + "\": " + error);
      }
      if (cancel.cancelled()) {
        ::close(m_fd);
        throw UserError("cancelled while waiting for another \"git worktree add\" of this repository");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  ~FileLock() { ::close(m_fd); } // closing the only descriptor releases the lock
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

private:
  int m_fd = -1;
};

} // namespace

std::string run_git(sdk::ProcessRunner* runner, const std::vector<std::string>& args, const fs::path& workdir,
                    const sdk::CancelToken& cancel) {
  static services::LocalProcessRunner own_runner;
  sdk::ProcessSpec spec{{"git"}, workdir};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  // The user's own environment (filters and hooks see it as under git) minus what would point
  // git at another repository, and no password prompt: stdin is not a terminal, and a prompt
  // on /dev/tty would hang the workspace.
  spec.env = services::child_environment(spec, &services::SecretRegistry::global());
  for (const char* name : k_repo_local_env) spec.env.erase(name);
  spec.env["GIT_TERMINAL_PROMPT"] = "0";
  spec.replace_env = true;
  auto result = (runner ? *runner : own_runner).run(spec, {}, cancel);
  const std::string what = "git " + what_of(args);
  if (!result.ok()) throw UserError("\"" + what + "\" could not start: " + result.failure().message);
  if (result->cancelled) throw UserError("\"" + what + "\" was cancelled");
  if (result->signaled)
    throw UserError("\"" + what + "\" was killed by signal " + std::to_string(result->signal) + ": " +
                    shown_error(result->err));
  if (result->exit_code != 0) throw UserError("\"" + what + "\" failed: " + shown_error(result->err));
  return std::move(result->out);
}

void git_worktree_add(sdk::ProcessRunner* runner, const fs::path& repo_root, const fs::path& lock_file,
                      const fs::path& path, const std::string& branch, unsigned workers,
                      const sdk::CancelToken& cancel) {
  const FileLock lock(lock_file, cancel);
  std::vector<std::string> args;
  if (workers > 0) args = {"-c", "checkout.workers=" + std::to_string(workers)};
  // "--" ends the options: neither the path nor the branch can be read as one.
  args.insert(args.end(), {"worktree", "add", "--quiet", "--", path.string(), branch});
  run_git(runner, args, repo_root, cancel);
}

std::vector<std::string> git_status(const fs::path& worktree, const std::vector<std::string>& excluded) {
  const sdk::CancelToken never;
  const std::string out = run_git(
      nullptr, {"--no-optional-locks", "status", "--porcelain", "-z", "--untracked-files=normal"}, worktree, never);
  std::vector<std::string> paths;
  // Entries "XY path\0"; a rename or copy is followed by "\0<source>", which is not listed.
  for (size_t at = 0; at < out.size();) {
    const size_t end = std::min(out.find('\0', at), out.size());
    const std::string entry = out.substr(at, end - at);
    at = end + 1;
    if (entry.size() < 4) continue;
    if (entry[0] == 'R' || entry[0] == 'C') at = std::min(out.find('\0', at), out.size()) + 1;
    const std::string file = entry.substr(3);
    std::string bare = file;
    if (!bare.empty() && bare.back() == '/') bare.pop_back();
    const bool ours = std::any_of(excluded.begin(), excluded.end(), [&](const std::string& ex) {
      return bare == ex || bare.rfind(ex + "/", 0) == 0;
    });
    if (!ours) paths.push_back(file);
  }
  return paths;
}

unsigned checkout_threads() { return std::clamp(std::thread::hardware_concurrency(), 2u, 8u); }

} // namespace fanout::workspace
