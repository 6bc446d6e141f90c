#include "real_loop_helpers.hpp"

#include "tests/support/agent_harness.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/real_agents.hpp"
#include "tests/support/shell.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

namespace fanout::test {

namespace fs = std::filesystem;
using nlohmann::json;

std::string model_of(const std::string& provider) {
  return provider == "codex" ? real_agents::k_codex_model : real_agents::k_claude_model;
}

RealLoop::RealLoop(std::string builder_, std::string reviewer_)
    : builder(std::move(builder_)), reviewer(std::move(reviewer_)) {
  real_agents::require_cli(builder == "codex" ? "codex" : "claude");
  real_agents::require_cli(reviewer == "codex" ? "codex" : "claude");
  fs::create_directories(repo);
  fs::create_directories(home);
  github.add_issue({0, "add a greeting", "Add greeting.txt saying hello.", "open", {"fanout"}, "", "", {}});

  write_text(root / "config" / "fanout" / "config.toml", trusting(repo));
  std::ofstream(repo / "app.py") << "print('hello app')\n";
  std::ofstream(repo / ".gitignore") << ".fanout/\n.env.fanout\n";
  std::ofstream(repo / "fanout.toml") << "[tracker]\nkind = \"github\"\nrepo = \"" << github.repo()
                                      << "\"\napi_url = \"" << github.api_url()
                                      << "\"\ntoken_env = \"E2E_GITHUB_TOKEN\"\n\n"
                                      << "[agent]\nprovider = \"" << builder << "\"\n"
                                      << "models = { plan = \"" << model_of(builder) << "\", build = \""
                                      << model_of(builder) << "\" }\n\n"
                                      << "[[review]]\nplugin = \"agent-review\"\nprovider = \"" << reviewer
                                      << "\"\nmodel = \"" << model_of(reviewer) << "\"\n\n"
                                      << "[run]\nparallel = 1\nfix_rounds = 1\n";
  commit_and_push_to_origin(repo, root / "origin.git");
}

RealLoop::~RealLoop() {
  claude_api.release_hangs();
  codex_api.release_hangs();
}

void RealLoop::append_config(const std::string& toml) { std::ofstream(repo / "fanout.toml", std::ios::app) << toml; }

std::vector<std::string> RealLoop::environment() const {
  auto env = real_agents::claude_env(claude_api, home, {{"CLAUDE_CODE_MAX_RETRIES", "1"}});
  for (auto& [key, value] : real_agents::codex_env(codex_api, home)) env[key] = value;
  env["XDG_CONFIG_HOME"] = (root / "config").string();
  env["E2E_GITHUB_TOKEN"] = github.token();
  std::vector<std::string> out;
  for (const auto& [key, value] : env) out.push_back(key + "=" + value);
  return out;
}

pid_t RealLoop::start(const std::vector<std::string>& args) { return m_runs.start(args, environment()); }

Ran RealLoop::wait(pid_t pid) { return m_runs.wait(pid); }

Ran RealLoop::fanout(const std::vector<std::string>& args) { return wait(start(args)); }

json RealLoop::status() {
  auto ran = fanout({"status", "--json"});
  INFO(ran.err);
  REQUIRE(ran.exit_code == 0);
  for (const auto& run : json::parse(ran.out))
    if (run["issue"] == "1") return run;
  FAIL("no run for issue 1 in " << ran.out);
  return {};
}

std::vector<json> RealLoop::transcript(const std::string& stage) const {
  return agents::read_jsonl(repo / ".fanout" / "runs" / "1" / (stage + ".jsonl"));
}

std::string RealLoop::branch_file(const std::string& relative) const {
  auto branch = sh("git -C " + shell_quote(repo.string()) + " for-each-ref --format='%(refname:short)' refs/heads/");
  std::istringstream names(branch.out);
  for (std::string name; std::getline(names, name);) {
    if (name == "main") continue;
    auto shown = sh("git -C " + shell_quote(repo.string()) + " show " + shell_quote(name + ":" + relative));
    if (shown.rc == 0) return shown.out;
  }
  return {};
}

void script_build(FakeModelServer& api, const std::string& file, const std::string& content, ModelUsage usage) {
  // A shell command, not claude's Write: Write wants an absolute path, and the worktree's
  // path is fanout's choice.
  api.push(ModelTurn::shell("printf '%s' " + shell_quote(content) + " > " + shell_quote(file), usage));
  api.push(ModelTurn::shell("git add -A && git -c user.name=agent -c user.email=agent@example.invalid commit -q -m " +
                                shell_quote("add " + file),
                            usage));
  api.push(ModelTurn::answer("added " + file, usage));
}

void script_review(FakeModelServer& api, const std::string& verdict, json findings) {
  api.push(ModelTurn::structured({{"verdict", verdict}, {"summary", "reviewed: " + verdict}, {"findings", findings}},
                                 {900, 60}));
}

} // namespace fanout::test
