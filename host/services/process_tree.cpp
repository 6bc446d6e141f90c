#include "host/services/process_tree.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <set>

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

namespace fanout::services {
namespace {

struct ProcessInfo {
  pid_t parent = 0;
  bool zombie = false;
  unsigned long long start = 0; ///< clock ticks after boot
};

/// Every process now: pid -> parent and state, from /proc/<pid>/stat.
std::map<pid_t, ProcessInfo> snapshot() {
  std::map<pid_t, ProcessInfo> out;
  DIR* proc = opendir("/proc");
  if (!proc) return out;
  while (dirent* entry = readdir(proc)) {
    char* end = nullptr;
    long pid = std::strtol(entry->d_name, &end, 10);
    if (pid <= 0 || *end != '\0') continue;
    char path[64], buffer[512];
    std::snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    ssize_t got = read(fd, buffer, sizeof buffer - 1);
    close(fd);
    if (got <= 0) continue;
    buffer[got] = '\0';
    // "pid (comm) S ppid ...": comm may hold spaces and parentheses, so parse after the last ')'.
    // starttime is field 22, the 20th after the state.
    const char* paren = std::strrchr(buffer, ')');
    char state = 0;
    long parent = 0;
    unsigned long long start = 0;
    if (!paren || std::sscanf(paren + 1,
                              " %c %ld %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu",
                              &state, &parent, &start) != 3)
      continue;
    out[static_cast<pid_t>(pid)] = {static_cast<pid_t>(parent), state == 'Z' || state == 'X', start};
  }
  closedir(proc);
  return out;
}

/// True when /proc/<pid>/environ (readable for this user's processes) holds `entry` as one
/// whole "NAME=value" string.
bool environ_holds(pid_t pid, const std::string& entry) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/%d/environ", static_cast<int>(pid));
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  std::string environ;
  char buffer[16384];
  for (ssize_t got; (got = read(fd, buffer, sizeof buffer)) > 0 && environ.size() < (4u << 20);)
    environ.append(buffer, static_cast<size_t>(got));
  close(fd);
  for (size_t at = 0; at < environ.size();) {
    size_t end = environ.find('\0', at);
    if (end == std::string::npos) end = environ.size();
    if (environ.compare(at, end - at, entry) == 0) return true;
    at = end + 1;
  }
  return false;
}

} // namespace

std::string new_process_tag() {
  static const auto start = std::chrono::steady_clock::now().time_since_epoch().count();
  static std::atomic<unsigned long> counter{0};
  return std::to_string(getpid()) + "-" + std::to_string(start) + "-" + std::to_string(++counter);
}

std::vector<pid_t> processes_of(pid_t leader, const std::string& tag) {
  const auto processes = snapshot();
  const pid_t self = getpid();
  const uid_t uid = geteuid();
  const std::string entry = std::string(k_process_tag_env) + "=" + tag;
  std::multimap<pid_t, pid_t> children;
  for (const auto& [pid, info] : processes) children.emplace(info.parent, pid);

  // A process carrying the tag started after the leader: older ones need no look.
  const auto leader_info = processes.find(leader);
  const unsigned long long not_before = leader_info == processes.end() ? 0 : leader_info->second.start;
  std::vector<pid_t> roots = {leader};
  for (const auto& [pid, info] : processes) {
    if (pid == self || pid == leader || info.zombie || info.start < not_before) continue;
    struct stat st{};
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d", static_cast<int>(pid));
    if (stat(path, &st) != 0 || (uid != 0 && st.st_uid != uid)) continue;
    if (environ_holds(pid, entry)) roots.push_back(pid);
  }
  std::set<pid_t> found;
  while (!roots.empty()) {
    pid_t at = roots.back();
    roots.pop_back();
    if (at != leader && !found.insert(at).second) continue;
    auto [first, last] = children.equal_range(at);
    for (auto it = first; it != last; ++it)
      if (it->second != self && !found.count(it->second)) roots.push_back(it->second);
  }
  std::vector<pid_t> out;
  for (pid_t pid : found)
    if (auto it = processes.find(pid); it != processes.end() && !it->second.zombie && pid != self) out.push_back(pid);
  return out;
}

void signal_all(pid_t pgid, const std::vector<pid_t>& pids, int signal) {
  ::kill(-pgid, signal);
  for (pid_t pid : pids) ::kill(pid, signal);
}

} // namespace fanout::services
