#include "tests/support/fanout_runs.hpp"

#include "tests/support/child_process.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/shell.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <fstream>

namespace fanout::test {

namespace fs = std::filesystem;

FanoutRuns::FanoutRuns(fs::path dir, fs::path repo) : m_dir(std::move(dir)), m_repo(std::move(repo)) {}

pid_t FanoutRuns::start(const std::vector<std::string>& args, const std::vector<std::string>& env) {
  const int n = ++m_runs;
  std::vector<std::string> argv{fanout_executable().string(), "-C", m_repo.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  const std::string name = "run-" + std::to_string(n);
  const pid_t pid = spawn(argv, env, m_dir / (name + ".out"), m_dir / (name + ".err"));
  std::ofstream(m_dir / (name + ".pid")) << pid;
  m_started[pid] = n;
  return pid;
}

Ran FanoutRuns::wait(pid_t pid) {
  Ran ran;
  ran.exit_code = wait_exit(pid);
  const auto found = m_started.find(pid);
  const std::string name = "run-" + std::to_string(found != m_started.end() ? found->second : m_runs);
  ran.out = read_text(m_dir / (name + ".out"));
  ran.err = read_text(m_dir / (name + ".err"));
  return ran;
}

void commit_and_push_to_origin(const fs::path& repo, const fs::path& origin) {
  const auto must = [](const std::string& command, const fs::path& dir) {
    const auto ran = sh(command, dir);
    INFO(command << "\n" << ran.out);
    REQUIRE(ran.rc == 0);
  };
  const std::string git = "git -c user.name=e2e -c user.email=e2e@fanout.invalid ";
  fs::create_directories(origin);
  must("git init -q --bare .", origin);
  must("git init -q -b main", repo);
  must(git + "add -A", repo);
  must(git + "commit -q -m init", repo);
  must("git remote add origin '" + origin.string() + "'", repo);
  must("git push -q origin main", repo);
}

std::string trusting(const fs::path& repo) { return "[trust]\nrepos = [\"" + repo.string() + "\"]\n"; }

} // namespace fanout::test
