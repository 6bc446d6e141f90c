#include "tests/support/e2e.hpp"

#include "tests/support/paths.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/wait.hpp"

#include <catch2/catch.hpp>

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace fanout::test {

namespace fs = std::filesystem;

namespace {

void sh(const std::string& command) {
  const std::string full = command + " >/dev/null 2>&1";
  INFO(command);
  REQUIRE(std::system(full.c_str()) == 0);
}

} // namespace

E2e::E2e() {
  fs::create_directories(repo);
  fs::create_directories(scripts);
  fs::create_directories(m_bin);
  fs::copy_file(source_dir() / "tests" / "e2e" / "stage_agent.py", m_bin / "claude");
  fs::permissions(m_bin / "claude", fs::perms::owner_all, fs::perm_options::add);

  for (const char* title : {"add a health endpoint", "count todos", "export todos as csv"})
    server.add_issue({0, title, std::string("Please ") + title + ".", "open", {"fanout"}, "", "", {}});

  // The repo's config passes env vars to agents: a trusted-only key.
  write_text(root / "config" / "fanout" / "config.toml", trusting(repo));
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
  commit_and_push_to_origin(repo, origin);

  script("PLAN", R"({"text": "1. change app.py for issue {issue}"})");
  script("BUILD", R"({"files": {"feature-{issue}.txt": "issue {issue}\n"}, "commit": "implement {issue}"})");
  script("FIX", R"({"files": {"fixed.txt": "fixed\n"}, "commit": "fix review findings"})");
  script("REVIEW", R"({"structured_output": {"verdict": "approve", "summary": "fine", "findings": []}})");
}

E2e::~E2e() { kill_leftovers(); }

void E2e::kill_leftovers() const {
  std::istringstream log(read_text(scripts / "calls.log"));
  std::string stage, key;
  pid_t pid;
  while (log >> stage >> key >> pid) ::kill(-pid, SIGKILL);
}

void E2e::script(const std::string& name, const std::string& json) { std::ofstream(scripts / (name + ".json")) << json; }

void E2e::append_config(const std::string& toml) { std::ofstream(repo / "fanout.toml", std::ios::app) << toml; }

void E2e::without_database() {
  std::string toml = read_text(repo / "fanout.toml");
  const std::string sqlite = "[database]\nbrancher = \"sqlite\"\npath = \"data/app.db\"\n\n";
  const auto at = toml.find(sqlite);
  REQUIRE(at != std::string::npos);
  write_text(repo / "fanout.toml", toml.replace(at, sqlite.size(), ""));
}

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

pid_t E2e::start(const std::vector<std::string>& args) { return m_runs.start(args, environment()); }

Ran E2e::wait(pid_t pid) { return m_runs.wait(pid); }

Ran E2e::fanout(const std::vector<std::string>& args) { return wait(start(args)); }

std::map<std::string, int> E2e::calls() const {
  std::map<std::string, int> counts;
  std::istringstream log(read_text(scripts / "calls.log"));
  std::string stage, key;
  pid_t pid;
  while (log >> stage >> key >> pid) ++counts[stage + " " + key];
  return counts;
}

pid_t E2e::call_pid(const std::string& call) const {
  std::istringstream log(read_text(scripts / "calls.log"));
  std::string stage, key;
  pid_t pid;
  while (log >> stage >> key >> pid)
    if (stage + " " + key == call) return pid;
  return 0;
}

bool E2e::wait_for_call(const std::string& call, int times) const {
  // Another process writes the log; there is nothing to block on but the file itself.
  return await_true(std::to_string(times) + " agent calls \"" + call + "\"", [&] { return calls()[call] >= times; },
                    std::chrono::seconds(60), std::chrono::milliseconds(50));
}

bool E2e::wait_for_agent_event(const std::string& issue, const std::string& stage) const {
  const fs::path transcript = repo / ".fanout" / "runs" / issue / (stage + ".jsonl");
  // The first line is fanout's own "start"; the next ones come from the agent.
  return await_true(
      "an agent event in " + transcript.string(),
      [&] {
        const std::string text = read_text(transcript);
        return std::count(text.begin(), text.end(), '\n') >= 2;
      },
      std::chrono::seconds(60), std::chrono::milliseconds(50));
}

} // namespace fanout::test
