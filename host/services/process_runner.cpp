#include "host/services/process_runner.hpp"

#include "host/services/process_support.hpp"
#include "host/services/process_tree.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace fanout::services {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

/// How often a run looks at its cancel token and clock when nothing else wakes it.
constexpr auto k_tick = 50ms;
/// After SIGKILL, how long we still wait for the pipes to close (a child that escaped the
/// group with setsid may hold them forever) before giving up on the rest of the output.
constexpr auto k_after_kill_wait = 1000ms;

/// A running child as terminate_all() and kill_all_now() see it.
struct Live {
  std::atomic<bool>* stop; ///< that run's stop flag
  std::string tag;         ///< its process tag (process_tree.hpp)
};

std::mutex g_live_mutex;
std::unordered_map<pid_t, Live> g_live; // pgid -> the run

/// Registers a running child so terminate_all() can reach it.
class LiveEntry {
public:
  LiveEntry(pid_t pgid, std::atomic<bool>* stop, std::string tag) : m_pgid(pgid) {
    std::lock_guard lock(g_live_mutex);
    g_live[pgid] = {stop, std::move(tag)};
  }
  ~LiveEntry() {
    std::lock_guard lock(g_live_mutex);
    g_live.erase(m_pgid);
  }
  LiveEntry(const LiveEntry&) = delete;
  LiveEntry& operator=(const LiveEntry&) = delete;

private:
  pid_t m_pgid;
};

std::atomic<SpawnObserver*> g_observer{nullptr};

/// Tells the observer (if any) that a child started, and that it ended when this goes.
class SpawnNotice {
public:
  SpawnNotice(pid_t pgid, const std::vector<std::string>& argv) : m_pgid(pgid), m_observer(g_observer.load()) {
    if (m_observer) m_observer->started(pgid, argv);
  }
  ~SpawnNotice() {
    if (m_observer) m_observer->ended(m_pgid);
  }
  SpawnNotice(const SpawnNotice&) = delete;
  SpawnNotice& operator=(const SpawnNotice&) = delete;

private:
  pid_t m_pgid;
  SpawnObserver* m_observer;
};

/// The leader has exited (it stays a zombie until waitpid, which keeps its pgid reserved).
bool leader_exited(pid_t pid) {
  siginfo_t info{};
  if (waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0) return errno == ECHILD;
  return info.si_pid == pid;
}

sdk::Result<pid_t> spawn(const std::string& path, const sdk::ProcessSpec& spec, const EnvBlock& env,
                         int stdin_fd, int stdout_fd, int stderr_fd) {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attr);
  posix_spawn_file_actions_adddup2(&actions, stdin_fd, 0);
  posix_spawn_file_actions_adddup2(&actions, stdout_fd, 1);
  posix_spawn_file_actions_adddup2(&actions, stderr_fd, 2);
  if (!spec.workdir.empty()) posix_spawn_file_actions_addchdir_np(&actions, spec.workdir.c_str());
  // The host may ignore SIGPIPE or block signals in worker threads; children get defaults.
  sigset_t defaults, empty;
  sigemptyset(&empty);
  sigfillset(&defaults);
  sigdelset(&defaults, SIGKILL);
  sigdelset(&defaults, SIGSTOP);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setsigmask(&attr, &empty);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  std::vector<char*> argv;
  for (const auto& arg : spec.argv) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, path.c_str(), &actions, &attr, argv.data(), env.pointers());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0)
    return sdk::fail(rc == ENOENT ? sdk::FailureKind::not_found : sdk::FailureKind::error,
                     "cannot start \"" + path + "\": " + std::strerror(rc));
  return pid;
}

/// Everything one run() tracks while its child lives.
class Supervisor {
public:
  Supervisor(const sdk::ProcessSpec& spec, const sdk::LineCallback& on_line, const sdk::CancelToken& cancel,
             pid_t pid, std::string tag, Fd out, Fd err, Fd in)
      : m_spec(spec), m_on_line(on_line), m_cancel(cancel), m_pid(pid), m_tag(std::move(tag)), m_out(std::move(out)),
        m_err(std::move(err)), m_in(std::move(in)), m_out_lines(spec.keep_bytes), m_err_lines(spec.keep_bytes) {
    m_start = Clock::now();
    if (spec.timeout.count() > 0) m_deadline = m_start + spec.timeout;
    long fd = syscall(SYS_pidfd_open, pid, 0);
    if (fd >= 0) m_pidfd = Fd(static_cast<int>(fd));
    if (m_in) fcntl(m_in.get(), F_SETFL, fcntl(m_in.get(), F_GETFL) | O_NONBLOCK);
  }

  std::atomic<bool>* stop_flag() { return &m_stop; }

  sdk::ProcessResult supervise() {
    while (!finished()) {
      wait_for_io();
      check_leader();
      check_stop();
    }
    if (m_out_lines.finish(sdk::Stream::out, lines_callback()) == sdk::LineAction::stop) m_lines_stopped = true;
    if (m_err_lines.finish(sdk::Stream::err, lines_callback()) == sdk::LineAction::stop) m_lines_stopped = true;
    return reap();
  }

  /// For an exception thrown by the line callback: kill everything, reap, no zombie.
  void abandon() noexcept {
    signal_everything(SIGKILL);
    int status = 0;
    while (waitpid(m_pid, &status, 0) < 0 && errno == EINTR) {
    }
  }

private:
  bool finished() {
    if (!m_leader_exited) return false;
    if (!m_out && !m_err) return true;
    return m_kill_sent && Clock::now() >= *m_kill_sent + k_after_kill_wait;
  }

  void wait_for_io() {
    pollfd fds[4];
    nfds_t n = 0;
    int out_i = -1, err_i = -1, in_i = -1, pid_i = -1;
    if (m_out) out_i = n, fds[n++] = {m_out.get(), POLLIN, 0};
    if (m_err) err_i = n, fds[n++] = {m_err.get(), POLLIN, 0};
    if (m_in) in_i = n, fds[n++] = {m_in.get(), POLLOUT, 0};
    if (m_pidfd && !m_leader_exited) pid_i = n, fds[n++] = {m_pidfd.get(), POLLIN, 0};
    int ready = poll(fds, n, static_cast<int>(k_tick.count()));
    if (ready <= 0) return;
    if (out_i >= 0 && fds[out_i].revents) read_from(m_out, m_out_lines, sdk::Stream::out);
    if (err_i >= 0 && fds[err_i].revents) read_from(m_err, m_err_lines, sdk::Stream::err);
    if (in_i >= 0 && fds[in_i].revents) write_stdin();
    (void)pid_i; // readable pidfd just wakes us; check_leader() does the rest
  }

  /// The caller's callback until it returns LineAction::stop, then none.
  const sdk::LineCallback& lines_callback() const { return m_lines_stopped ? m_no_lines : m_on_line; }

  void read_from(Fd& fd, LineSplitter& lines, sdk::Stream stream) {
    char buffer[65536];
    ssize_t got = read(fd.get(), buffer, sizeof buffer);
    if (got > 0) {
      if (lines.feed(buffer, static_cast<size_t>(got), stream, lines_callback()) == sdk::LineAction::stop)
        m_lines_stopped = true;
    } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
      fd.reset();
    }
  }

  void write_stdin() {
    const std::string& data = *m_spec.stdin_data;
    if (m_in_written < data.size()) {
      ssize_t put = write(m_in.get(), data.data() + m_in_written, data.size() - m_in_written);
      if (put > 0) m_in_written += static_cast<size_t>(put);
      else if (errno != EINTR && errno != EAGAIN) m_in.reset(); // EPIPE: the child closed stdin
    }
    if (m_in_written >= data.size()) m_in.reset();
  }

  void check_leader() {
    if (m_leader_exited || !leader_exited(m_pid)) return;
    m_leader_exited = true;
    // Whatever the leader left behind (in its group or not) is asked to go too.
    signal_everything(SIGTERM);
    if (!m_term_sent) m_term_sent = Clock::now();
  }

  void check_stop() {
    auto now = Clock::now();
    if (!m_stop_requested) {
      if (m_cancel.cancelled() || m_stop.load()) m_result.cancelled = m_stop_requested = true;
      else if (m_lines_stopped) m_stop_requested = true;
      else if (m_deadline && now >= *m_deadline) m_result.timed_out = m_stop_requested = true;
      if (m_stop_requested) {
        signal_everything(SIGTERM);
        m_term_sent = now;
      }
    }
    if (m_term_sent && !m_kill_sent && now >= *m_term_sent + m_spec.kill_grace) {
      signal_everything(SIGKILL);
      m_kill_sent = now;
    }
  }

  /// The child's group, its descendants and every process carrying its tag: what escaped
  /// the group with setsid, or was reparented when its parent died, included.
  void signal_everything(int signal) noexcept {
    try {
      signal_all(m_pid, processes_of(m_pid, m_tag), signal);
    } catch (...) {
      kill(-m_pid, signal);
    }
  }

  sdk::ProcessResult reap() {
    // Nothing the child started may outlive the run; the leader (a zombie) keeps the pgid ours.
    signal_everything(SIGKILL);
    int status = 0;
    while (waitpid(m_pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status)) {
      m_result.exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
      m_result.signaled = true;
      m_result.signal = WTERMSIG(status);
    }
    m_result.stopped = m_lines_stopped;
    m_result.out = m_out_lines.take_tail();
    m_result.err = m_err_lines.take_tail();
    m_result.duration = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - m_start);
    return std::move(m_result);
  }

  const sdk::ProcessSpec& m_spec;
  const sdk::LineCallback& m_on_line;
  const sdk::LineCallback m_no_lines;
  bool m_lines_stopped = false; ///< the callback returned LineAction::stop
  const sdk::CancelToken& m_cancel;
  pid_t m_pid;
  std::string m_tag;
  Fd m_out, m_err, m_in, m_pidfd;
  size_t m_in_written = 0;
  LineSplitter m_out_lines, m_err_lines;
  Clock::time_point m_start;
  std::optional<Clock::time_point> m_deadline, m_term_sent, m_kill_sent;
  std::atomic<bool> m_stop{false};
  bool m_stop_requested = false;
  bool m_leader_exited = false;
  sdk::ProcessResult m_result;
};

} // namespace

LocalProcessRunner::LocalProcessRunner(const SecretRegistry* secrets) : m_secrets(secrets) {}

sdk::Result<sdk::ProcessResult> LocalProcessRunner::run(const sdk::ProcessSpec& spec, const sdk::LineCallback& on_line,
                                                        const sdk::CancelToken& cancel) {
  if (spec.argv.empty() || spec.argv[0].empty())
    return sdk::fail(sdk::FailureKind::invalid_input, "no command to run");
  std::error_code ec;
  if (!spec.workdir.empty() && !std::filesystem::is_directory(spec.workdir, ec))
    return sdk::fail(sdk::FailureKind::not_found, "working directory \"" + spec.workdir.string() + "\" does not exist");
  // The tag marks everything the child starts, so that it can be found however it leaves
  // the process group (process_tree.hpp).
  const std::string tag = new_process_tag();
  auto environment = child_environment(spec, m_secrets);
  environment[std::string(k_process_tag_env)] = tag;
  EnvBlock env(environment);
  auto path = resolve_executable(spec.argv[0], env.value("PATH"), spec.workdir);
  if (!path) return std::move(path).failure();

  auto out = make_pipe(), err = make_pipe();
  std::optional<Pipe> in;
  Fd dev_null;
  if (spec.stdin_data) in = make_pipe();
  else dev_null = Fd(open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (!out || !err || (spec.stdin_data && !in) || (!spec.stdin_data && !dev_null))
    return sdk::fail(sdk::FailureKind::error, std::string("cannot create pipes: ") + std::strerror(errno));

  auto pid = spawn(*path, spec, env, in ? in->read.get() : dev_null.get(), out->write.get(), err->write.get());
  if (!pid) return std::move(pid).failure();
  // Our copies of the child's ends must close, or we would never see end-of-file.
  out->write.reset();
  err->write.reset();
  if (in) in->read.reset();
  dev_null.reset();

  Supervisor supervisor(spec, on_line, cancel, *pid, tag, std::move(out->read), std::move(err->read),
                        in ? std::move(in->write) : Fd());
  SpawnNotice notice(*pid, spec.argv);
  LiveEntry live(*pid, supervisor.stop_flag(), tag);
  try {
    return supervisor.supervise();
  } catch (...) {
    supervisor.abandon();
    throw;
  }
}

std::size_t terminate_all() {
  std::lock_guard lock(g_live_mutex);
  for (auto& [pgid, live] : g_live) live.stop->store(true);
  return g_live.size();
}

std::size_t kill_all_now(std::chrono::milliseconds grace) {
  std::vector<std::pair<pid_t, std::string>> groups;
  {
    std::lock_guard lock(g_live_mutex);
    for (auto& [pgid, live] : g_live) {
      live.stop->store(true);
      groups.emplace_back(pgid, live.tag);
    }
  }
  // A group counts as running while its run has not reaped it (so its pgid cannot have
  // been reused by an unrelated process) and something in it still takes signals.
  const auto running = [](pid_t pgid) {
    std::lock_guard lock(g_live_mutex);
    return g_live.count(pgid) > 0 && ::kill(-pgid, 0) == 0;
  };
  // Everything each child started, wherever it went (setsid, reparented): found once
  // before the first signal, while the parent links still lead there, and again before
  // SIGKILL for what was started or orphaned meanwhile.
  const auto everything = [](pid_t pgid, const std::string& tag) {
    try {
      return processes_of(pgid, tag);
    } catch (...) {
      return std::vector<pid_t>{};
    }
  };
  for (const auto& [pgid, tag] : groups) signal_all(pgid, everything(pgid, tag), SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (std::chrono::steady_clock::now() < deadline &&
         std::any_of(groups.begin(), groups.end(),
                     [&](const auto& group) { return running(group.first) && !leader_exited(group.first); }))
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::size_t killed = 0;
  for (const auto& [pgid, tag] : groups) {
    const auto rest = everything(pgid, tag);
    // A group whose leader is gone (a zombie its run has not reaped yet) did not need it.
    const bool leader_alive = !leader_exited(pgid);
    if (running(pgid) && ::kill(-pgid, SIGKILL) == 0 && leader_alive) ++killed;
    for (pid_t pid : rest) ::kill(pid, SIGKILL);
  }
  return killed;
}

SpawnObserver* set_spawn_observer(SpawnObserver* observer) { return g_observer.exchange(observer); }

std::size_t live_process_groups() {
  std::lock_guard lock(g_live_mutex);
  return g_live.size();
}

} // namespace fanout::services
