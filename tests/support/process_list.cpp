#include "tests/support/process_list.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <thread>

namespace fanout::test {

std::vector<int> processes_with(const std::string& marker, const std::filesystem::path& cwd_under) {
  std::vector<int> found;
  DIR* proc = ::opendir("/proc");
  if (!proc) return found;
  while (auto* entry = ::readdir(proc)) {
    int pid = std::atoi(entry->d_name);
    if (pid <= 0) continue;
    const std::string dir = "/proc/" + std::string(entry->d_name);
    // read(2), not a stream: a process that ends meanwhile makes the read fail (ESRCH),
    // which libstdc++'s filebuf turns into an exception.
    std::string cmdline;
    int fd = ::open((dir + "/cmdline").c_str(), O_RDONLY);
    if (fd < 0) continue;
    char buffer[4096];
    for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;) cmdline.append(buffer, static_cast<size_t>(n));
    ::close(fd);
    for (auto& c : cmdline)
      if (c == '\0') c = ' ';
    if (cmdline.find(marker) == std::string::npos) continue;
    std::error_code ec;
    auto cwd = std::filesystem::read_symlink(dir + "/cwd", ec).string();
    if (cwd_under.empty() || cwd.rfind(cwd_under.string(), 0) == 0) found.push_back(pid);
  }
  ::closedir(proc);
  return found;
}

void kill_all(const std::vector<int>& pids) {
  for (int pid : pids) ::kill(pid, SIGKILL);
}

} // namespace fanout::test
