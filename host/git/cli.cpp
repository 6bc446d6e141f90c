#include "host/git/cli.hpp"

#include "host/services/process_runner.hpp"
#include "host/services/process_support.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>
#include <sstream>
#include <thread>

namespace fanout::git {
namespace fs = std::filesystem;

namespace {

constexpr size_t k_shown_error_bytes = 2000;
constexpr size_t k_fetch_error_bytes = 500;

/// What git itself clears when it runs a command in another repository (`local_repo_env` in
/// git's environment.c): set by a hook or `git rebase --exec` that started fanout, they would
/// point git at that repository instead of the workspace.
constexpr const char* k_repo_local_env[] = {
    "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_CONFIG", "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT",
    "GIT_OBJECT_DIRECTORY", "GIT_DIR", "GIT_WORK_TREE", "GIT_IMPLICIT_WORK_TREE", "GIT_GRAFT_FILE",
    "GIT_INDEX_FILE", "GIT_NO_REPLACE_OBJECTS", "GIT_REPLACE_REF_BASE", "GIT_PREFIX",
    "GIT_INTERNAL_SUPER_PREFIX", "GIT_SHALLOW_FILE", "GIT_COMMON_DIR"};

sdk::Failure failed(const std::string& message) { return sdk::fail(sdk::FailureKind::error, message); }

/// An exclusive flock on a file, released on destruction. Taken by polling, so that a cancel
/// token can end the wait (a blocking flock cannot be interrupted from another thread).
class FileLock {
public:
  /// nullopt-like: check failure() before relying on the lock.
  FileLock(const fs::path& file, const sdk::CancelToken& cancel) {
    std::error_code ec;
    fs::create_directories(file.parent_path(), ec);
    m_fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (m_fd < 0) {
      m_failure = "cannot open \"" + file.string() + "\": " + std::strerror(errno);
      return;
    }
    while (::flock(m_fd, LOCK_EX | LOCK_NB) != 0) {
      if (errno != EWOULDBLOCK && errno != EINTR) {
        m_failure = "cannot lock \"" + file.string() + "\": " + std::strerror(errno);
        return;
      }
      if (cancel.cancelled()) {
        m_failure = "cancelled while waiting for another \"git worktree add\" of this repository";
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  ~FileLock() {
    if (m_fd >= 0) ::close(m_fd); // closing the only descriptor releases the lock
  }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

  /// Why the lock is not held; nullopt when it is.
  const std::optional<std::string>& failure() const { return m_failure; }

private:
  int m_fd = -1;
  std::optional<std::string> m_failure;
};

} // namespace

std::string what_of(const std::vector<std::string>& args) {
  size_t i = 0;
  while (i + 1 < args.size() && (args[i] == "-c" || args[i] == "-C" || args[i] == "--no-optional-locks"))
    i += args[i] == "--no-optional-locks" ? 1 : 2;
  std::string what = i < args.size() ? args[i] : "";
  if (what == "worktree" && i + 1 < args.size()) what += " " + args[i + 1];
  return "git " + what;
}

sdk::Failure could_not_start(const std::vector<std::string>& args, const sdk::Failure& failure) {
  return sdk::fail(failure.kind, "\"" + what_of(args) + "\" could not start: " + failure.message);
}

std::string shown_error(std::string err) {
  while (!err.empty() && (err.back() == '\n' || err.back() == ' ')) err.pop_back();
  if (err.size() > k_shown_error_bytes) err = "..." + err.substr(err.size() - k_shown_error_bytes);
  return err;
}

sdk::Result<sdk::ProcessResult> run_process(sdk::ProcessRunner* runner, const std::vector<std::string>& args,
                                            const fs::path& workdir, const sdk::CancelToken& cancel,
                                            const RunOptions& options) {
  static services::LocalProcessRunner own_runner;
  sdk::ProcessSpec spec{{"git"}, workdir};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.timeout = options.timeout;
  spec.keep_bytes = options.keep_bytes;
  spec.env = services::child_environment(spec, &services::SecretRegistry::global());
  for (const char* name : k_repo_local_env) spec.env.erase(name);
  spec.env["GIT_TERMINAL_PROMPT"] = "0";
  for (const auto& [name, value] : options.env) spec.env[name] = value;
  spec.replace_env = true;
  return (runner ? *runner : own_runner).run(spec, {}, cancel);
}

sdk::Result<std::string> run(sdk::ProcessRunner* runner, const std::vector<std::string>& args, const fs::path& workdir,
                             const sdk::CancelToken& cancel, const RunOptions& options) {
  auto result = run_process(runner, args, workdir, cancel, options);
  if (!result.ok()) return could_not_start(args, result.failure());
  const std::string what = "\"" + what_of(args) + "\"";
  if (result->cancelled) return sdk::fail(sdk::FailureKind::cancelled, what + " was cancelled");
  if (result->signaled)
    return failed(what + " was killed by signal " + std::to_string(result->signal) + ": " + shown_error(result->err));
  if (result->exit_code != 0) return failed(what + " failed: " + shown_error(result->err));
  return std::move(result->out);
}

sdk::Result<void> worktree_add(sdk::ProcessRunner* runner, const fs::path& repo_root, const fs::path& lock_file,
                               const fs::path& path, const std::string& branch, unsigned workers,
                               const sdk::CancelToken& cancel) {
  const FileLock lock(lock_file, cancel);
  if (lock.failure()) return failed(*lock.failure());
  std::vector<std::string> args;
  if (workers > 0) args = {"-c", "checkout.workers=" + std::to_string(workers)};
  // "--" ends the options: neither the path nor the branch can be read as one.
  args.insert(args.end(), {"worktree", "add", "--quiet", "--", path.string(), branch});
  auto added = run(runner, args, repo_root, cancel);
  if (!added.ok()) return std::move(added).failure();
  return {};
}

sdk::Result<void> fetch_origin(sdk::ProcessRunner& runner, const fs::path& repo_root, const std::string& branch,
                               const sdk::CancelToken& cancel) {
  auto ran = run_process(&runner, {"fetch", "--quiet", "origin", branch}, repo_root, cancel);
  if (!ran.ok()) return std::move(ran).failure();
  if (ran->exit_code != 0)
    return failed("\"git fetch origin " + branch + "\" failed: " + ran->err.substr(0, k_fetch_error_bytes));
  return {};
}

sdk::Result<std::vector<std::string>> changed_paths(const fs::path& worktree, const std::vector<std::string>& excluded) {
  const sdk::CancelToken never;
  auto out = run(nullptr, {"--no-optional-locks", "status", "--porcelain", "-z", "--untracked-files=normal"}, worktree,
                 never);
  if (!out.ok()) return std::move(out).failure();
  std::vector<std::string> paths;
  // Entries "XY path\0"; a rename or copy is followed by "\0<source>", which is not listed.
  for (size_t at = 0; at < out->size();) {
    const size_t end = std::min(out->find('\0', at), out->size());
    const std::string entry = out->substr(at, end - at);
    at = end + 1;
    if (entry.size() < 4) continue;
    if (entry[0] == 'R' || entry[0] == 'C') at = std::min(out->find('\0', at), out->size()) + 1;
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

sdk::Result<std::vector<std::string>> branches_with_prefix(sdk::ProcessRunner& runner, const fs::path& repo_root,
                                                           const std::string& prefix) {
  RunOptions options;
  options.timeout = std::chrono::seconds(30);
  auto out = run(&runner, {"for-each-ref", "--format=%(refname)", "refs/heads/" + prefix + "*", "refs/remotes/*/" + prefix + "*"},
                 repo_root, sdk::CancelToken(), options);
  if (!out.ok()) return std::move(out).failure();
  std::vector<std::string> branches;
  std::istringstream lines(*out);
  for (std::string ref; std::getline(lines, ref);) {
    const size_t at = ref.find(prefix);
    if (at == std::string::npos) continue;
    std::string branch = ref.substr(at);
    if (std::find(branches.begin(), branches.end(), branch) == branches.end()) branches.push_back(std::move(branch));
  }
  return branches;
}

unsigned checkout_threads() { return std::clamp(std::thread::hardware_concurrency(), 2u, 8u); }

} // namespace fanout::git
