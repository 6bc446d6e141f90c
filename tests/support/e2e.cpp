#include "tests/support/e2e.hpp"

#include "tests/support/child_process.hpp"
#include "tests/support/paths.hpp"

#include <catch2/catch.hpp>

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

extern char** environ;

namespace fanout::test {

namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void sh(const std::string& command) {
  const std::string full = command + " >/dev/null 2>&1";
  INFO(command);
  REQUIRE(std::system(full.c_str()) == 0);
}

constexpr const char* k_git = "git -c user.name=e2e -c user.email=e2e@fanout.invalid ";

} // namespace

E2e::E2e() {
  std::random_device device;
  root = fs::temp_directory_path() / ("fanout-e2e-" + std::to_string(device()));
  repo = root / "repo";
  origin = root / "origin.git";
  scripts = root / "scripts";
  m_bin = root / "bin";
  fs::create_directories(repo);
  fs::create_directories(scripts);
  fs::create_directories(m_bin);
  fs::copy_file(source_dir() / "tests" / "e2e" / "stage_agent.py", m_bin / "claude");
  fs::permissions(m_bin / "claude", fs::perms::owner_all, fs::perm_options::add);

  for (const char* title : {"add a health endpoint", "count todos", "export todos as csv"})
    server.add_issue({0, title, std::string("Please ") + title + ".", "open", {"fanout"}, "", "", {}});

  // The repo's config passes env vars to agents: a trusted-only key.
  fs::create_directories(root / "config" / "fanout");
  std::ofstream(root / "config" / "fanout" / "config.toml") << "[trust]\nrepos = [\"" << repo.string() << "\"]\n";
  sh("git init -q --bare '" + origin.string() + "'");
  sh("git -C '" + repo.string() + "' init -q -b main");
  std::ofstream(repo / "app.py") << "print('todo app')\n";
  std::ofstream(repo / ".gitignore") << ".fanout/\n.env.fanout\ndata/\n";
  fs::create_directories(repo / "data");
  sh("python3 -c \"import sqlite3; c = sqlite3.connect('" + (repo / "data" / "app.db").string() +
     "'); c.execute('create table todo (title text)'); c.commit()\"");
  const fs::path prompts = repo / ".fanout" / "prompts";
  fs::create_directories(prompts);
  std::ofstream(prompts / "plan.md") << "STAGE=PLAN ISSUE={{issue.key}}\nplan: {{issue.title}}\n";
  std::ofstream(prompts / "build.md") << "STAGE=BUILD ISSUE={{issue.key}}\n{{plan}}\n";
  std::ofstream(prompts / "fix.md") << "STAGE=FIX ISSUE={{issue.key}}\n{{findings}}\n";
  std::ofstream(prompts / "review-pr.md") << "STAGE=REVIEW ISSUE={{issue.key}}\nreview the diff\n";
  std::ofstream(repo / "fanout.toml") << "[tracker]\nkind = \"github\"\nrepo = \"" << server.repo()
                                      << "\"\napi_url = \"" << server.api_url()
                                      << "\"\ntoken_env = \"E2E_GITHUB_TOKEN\"\n\n"
                                         "[agent]\nprovider = \"claude-code\"\npass_env = [\"E2E_SCRIPTS\", \"E2E_FAKE_CLAUDE\"]\n\n"
                                         "[database]\nbrancher = \"sqlite\"\npath = \"data/app.db\"\n\n"
                                         "[[review]]\nplugin = \"command-review\"\n"
                                         "run = [\"test \\\"$FANOUT_ISSUE\\\" != 2 || test -f fixed.txt\"]\n\n"
                                         "[[review]]\nplugin = \"agent-review\"\nprovider = \"claude-code\"\n\n"
                                         "[run]\nparallel = 3\nfix_rounds = 1\n";
  sh(std::string(k_git) + "-C '" + repo.string() + "' add -A");
  sh(std::string(k_git) + "-C '" + repo.string() + "' commit -q -m init");
  sh("git -C '" + repo.string() + "' remote add origin '" + origin.string() + "'");
  sh("git -C '" + repo.string() + "' push -q origin main");

  script("PLAN", R"({"text": "1. change app.py for issue {issue}"})");
  script("BUILD", R"({"files": {"feature-{issue}.txt": "issue {issue}\n"}, "commit": "implement {issue}"})");
  script("FIX", R"({"files": {"fixed.txt": "fixed\n"}, "commit": "fix review findings"})");
  script("REVIEW", R"({"structured_output": {"verdict": "approve", "summary": "fine", "findings": []}})");
}

E2e::~E2e() {
  kill_leftovers();
  std::error_code ec;
  fs::remove_all(root, ec);
}

void E2e::kill_leftovers() const {
  std::istringstream log(slurp(scripts / "calls.log"));
  std::string stage, key;
  pid_t pid;
  while (log >> stage >> key >> pid) ::kill(-pid, SIGKILL);
}

void E2e::script(const std::string& name, const std::string& json) { std::ofstream(scripts / (name + ".json")) << json; }

void E2e::append_config(const std::string& toml) { std::ofstream(repo / "fanout.toml", std::ios::app) << toml; }

std::vector<std::string> E2e::environment() const {
  std::vector<std::string> env;
  for (char** entry = environ; *entry; ++entry) {
    const std::string item = *entry;
    if (item.rfind("PATH=", 0) == 0 || item.rfind("XDG_CONFIG_HOME=", 0) == 0) continue;
    env.push_back(item);
  }
  const char* path = std::getenv("PATH");
  env.push_back("PATH=" + m_bin.string() + ":" + (path ? path : "/usr/bin:/bin"));
  env.push_back("XDG_CONFIG_HOME=" + (root / "config").string());
  env.push_back("E2E_SCRIPTS=" + scripts.string());
  env.push_back("E2E_FAKE_CLAUDE=" + (fixture_dir() / "bin" / "claude").string());
  env.push_back("E2E_GITHUB_TOKEN=" + server.token());
  env.push_back("GIT_AUTHOR_NAME=e2e");
  env.push_back("GIT_AUTHOR_EMAIL=e2e@fanout.invalid");
  env.push_back("GIT_COMMITTER_NAME=e2e");
  env.push_back("GIT_COMMITTER_EMAIL=e2e@fanout.invalid");
  return env;
}

pid_t E2e::start(const std::vector<std::string>& args) {
  const int n = ++m_runs;
  std::vector<std::string> argv{fanout_executable().string(), "-C", repo.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  const auto env = environment();
  const fs::path out = root / ("run-" + std::to_string(n) + ".out");
  const fs::path err = root / ("run-" + std::to_string(n) + ".err");
  const pid_t pid = spawn(argv, env, out, err);
  std::ofstream(root / ("run-" + std::to_string(n) + ".pid")) << pid;
  m_started[pid] = n;
  return pid;
}

Ran E2e::wait(pid_t pid) {
  Ran ran;
  ran.exit_code = wait_exit(pid);
  const int n = m_started.count(pid) ? m_started[pid] : m_runs;
  ran.out = slurp(root / ("run-" + std::to_string(n) + ".out"));
  ran.err = slurp(root / ("run-" + std::to_string(n) + ".err"));
  return ran;
}

Ran E2e::fanout(const std::vector<std::string>& args) { return wait(start(args)); }

std::map<std::string, int> E2e::calls() const {
  std::map<std::string, int> counts;
  std::istringstream log(slurp(scripts / "calls.log"));
  std::string stage, key;
  pid_t pid;
  while (log >> stage >> key >> pid) ++counts[stage + " " + key];
  return counts;
}

pid_t E2e::call_pid(const std::string& call) const {
  std::istringstream log(slurp(scripts / "calls.log"));
  std::string stage, key;
  pid_t pid;
  while (log >> stage >> key >> pid)
    if (stage + " " + key == call) return pid;
  return 0;
}

bool E2e::wait_for_call(const std::string& call, int times) const {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    auto counts = calls();
    if (counts[call] >= times) return true;
    // Another process writes the log; there is nothing to block on but the file itself.
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

bool E2e::wait_for_agent_event(const std::string& issue, const std::string& stage) const {
  const fs::path transcript = repo / ".fanout" / "runs" / issue / (stage + ".jsonl");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    // The first line is fanout's own "start"; the next ones come from the agent.
    const std::string text = slurp(transcript);
    if (std::count(text.begin(), text.end(), '\n') >= 2) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

} // namespace fanout::test
