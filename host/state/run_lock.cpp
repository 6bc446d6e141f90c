#include "host/state/run_lock.hpp"

#include "host/util/private_mode.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

namespace fanout::state {
namespace fs = std::filesystem;
namespace {

/// The lock file of `issue`: its key hex-encoded, so any key ("../x", "ENG/7") is one plain
/// file name and two keys never share a file.
fs::path lock_path(const fs::path& state_dir, const std::string& issue) {
  static const char* digits = "0123456789abcdef";
  std::string name;
  for (unsigned char c : issue) {
    name += digits[c >> 4];
    name += digits[c & 15];
  }
  return state_dir / "locks" / (name + ".lock");
}

sdk::Result<int> open_lock(const fs::path& path) {
  try {
    util::private_dir(path.parent_path()); // 0700, like the rest of .fanout
  } catch (const std::exception&) { // the open below says what is wrong
  }
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    return sdk::fail(sdk::FailureKind::error,
                     "cannot open lock file \"" + path.string() + "\": " + std::strerror(errno));
  return fd;
}

std::string own_command_line() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string out;
  size_t start = 0;
  for (size_t end; start < raw.size(); start = end + 1) {
    end = raw.find('\0', start);
    if (end == std::string::npos) end = raw.size();
    std::string arg = raw.substr(start, end - start);
    if (start == 0) arg = fs::path(arg).filename().string(); // "fanout", not its full path
    out += (out.empty() ? "" : " ") + arg;
  }
  return out;
}

LockHolder read_holder(int fd) {
  LockHolder holder;
  std::string text(4096, '\0');
  const ssize_t got = ::pread(fd, text.data(), text.size(), 0);
  text.resize(got > 0 ? static_cast<size_t>(got) : 0);
  std::istringstream in(text);
  std::string pid;
  if (std::getline(in, pid)) holder.pid = std::strtoll(pid.c_str(), nullptr, 10);
  std::getline(in, holder.command);
  return holder;
}

} // namespace

std::string describe(const LockHolder& holder) {
  if (holder.pid == 0) return "another fanout process";
  std::string out = "process " + std::to_string(holder.pid);
  if (!holder.command.empty()) out += " (" + holder.command + ")";
  return out;
}

std::string live_run_message(const std::string& issue, const LockHolder& holder) {
  return "issue \"" + issue + "\" is being run by " + describe(holder) +
         "; wait for it to finish, or stop that process first";
}

sdk::Result<std::optional<RunLock>> RunLock::take(const fs::path& state_dir, const std::string& issue,
                                                  LockHolder& held_by) {
  const auto opened = open_lock(lock_path(state_dir, issue));
  if (!opened.ok()) return opened.failure();
  const int fd = *opened;
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    held_by = read_holder(fd);
    ::close(fd);
    return std::optional<RunLock>();
  }
  const std::string text = std::to_string(::getpid()) + "\n" + own_command_line() + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, text.data(), text.size(), 0) < 0) {
    // The lock holds without its note; holders then show as "another fanout process".
  }
  return std::optional<RunLock>(RunLock(fd));
}

std::optional<LockHolder> RunLock::holder(const fs::path& state_dir, const std::string& issue) {
  const fs::path path = lock_path(state_dir, issue);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt; // never locked
  std::optional<LockHolder> holder;
  if (::flock(fd, LOCK_SH | LOCK_NB) != 0) holder = read_holder(fd);
  ::close(fd);
  return holder;
}

RunLock::RunLock(RunLock&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}

RunLock& RunLock::operator=(RunLock&& other) noexcept {
  if (this != &other) {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = std::exchange(other.m_fd, -1);
  }
  return *this;
}

RunLock::~RunLock() {
  if (m_fd >= 0) ::close(m_fd); // closing the last descriptor releases the flock
}

} // namespace fanout::state
