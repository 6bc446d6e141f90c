#include "tests/support/agent_harness.hpp"

#include "tests/support/built_plugins.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/shell.hpp"
#include "tests/support/wait.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <thread>


namespace fanout::test::agents {

namespace fs = std::filesystem;

TempRepo::TempRepo(bool git_repo) {
  if (git_repo) init_git_repo(path(), {{"README.md", "# test\n"}});
}

std::string TempRepo::git(const std::string& args) const {
  std::string out = sh("git " + args + " 2>/dev/null", path()).out;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

void TempRepo::write(const std::string& relative, const std::string& content) const {
  write_text(path() / relative, content);
}

fs::path fake_bin_dir() { return fixture_dir() / "bin"; }

std::map<std::string, std::string> fake_env(const fs::path& home, std::map<std::string, std::string> extra) {
  std::map<std::string, std::string> env = {{"PATH", fake_bin_dir().string() + ":/usr/local/bin:/usr/bin:/bin"},
                                            {"HOME", home.string()}};
  for (auto& [key, value] : extra) env[key] = value;
  return env;
}

LoadedAgent::LoadedAgent(const std::string& plugin, nlohmann::json config, const fs::path& repo_root) {
  plugins::HostServices services;
  services.processes = &m_runner;
  m_host = std::make_unique<plugins::PluginHost>(services, plugin, std::move(config), repo_root,
                                                 repo_root / ".fanout" / "data" / plugin);
  auto made = shared_registry().create<sdk::AgentProvider>(plugin, *m_host);
  if (!made.ok()) FAIL("cannot load agent provider " << plugin << ": " << made.failure().message);
  m_provider = std::move(made).value();
}

LoadedAgent::~LoadedAgent() { m_provider.reset(); }

std::vector<std::string> LoadedAgent::Run::texts(sdk::AgentEvent::Type type) const {
  std::vector<std::string> out;
  for (const auto& e : events)
    if (e.type == type) out.push_back(e.type == sdk::AgentEvent::Type::tool_use ? e.tool : e.text);
  return out;
}

LoadedAgent::Run LoadedAgent::run(const sdk::SessionRequest& request, const sdk::CancelToken& cancel) {
  Run run;
  run.result = m_provider->run(request, [&](const sdk::AgentEvent& e) { run.events.push_back(e); }, cancel);
  return run;
}

sdk::SessionRequest SessionFixture::request(const std::string& prompt, std::map<std::string, std::string> env) const {
  sdk::SessionRequest r;
  r.prompt = prompt;
  r.workdir = repo.path();
  env["FAKE_AGENT_LOG"] = log.string();
  r.env = fake_env(home.path(), env);
  return r;
}

void SessionFixture::write_script(const nlohmann::json& content) const { write_text(script, content.dump()); }

void check_modes(LoadedAgent& agent, const SessionFixture& session, const std::vector<ModeCase>& cases) {
  for (const auto& c : cases) {
    INFO(c.what << " (FAKE_AGENT_MODE=" << c.mode << ")");
    auto run = agent.run(session.request("do it", {{"FAKE_AGENT_MODE", c.mode}}));
    REQUIRE(run.result.ok());
    CHECK(run.result->outcome == c.outcome);
    if (c.text) CHECK(run.result->text == *c.text);
    if (c.garbage_lines) CHECK(run.result->garbage_lines == *c.garbage_lines);
  }
}

LoadedAgent::Run run_cancelled_once(LoadedAgent& agent, const sdk::SessionRequest& request, const fs::path& pidfile) {
  sdk::CancelToken cancel;
  std::thread canceller([&] {
    poll_until([&] { return fs::exists(pidfile); }, std::chrono::seconds(10));
    cancel.cancel();
  });
  auto run = agent.run(request, cancel);
  canceller.join();
  return run;
}

void check_grandchild_gone(const fs::path& pidfile) {
  int grandchild = 0;
  std::ifstream(pidfile) >> grandchild;
  REQUIRE(grandchild > 0);
  CHECK(await_process_gone(grandchild));
}

std::vector<nlohmann::json> read_jsonl(const fs::path& file) {
  std::vector<nlohmann::json> lines;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

std::vector<nlohmann::json> invocations(const fs::path& log) { return read_jsonl(log); }

bool has_flag(const nlohmann::json& argv, const std::string& flag, const std::string& value) {
  for (size_t i = 0; i + 1 < argv.size(); ++i)
    if (argv[i] == flag && argv[i + 1] == value) return true;
  return false;
}

void check_big_prompt_through_stdin(LoadedAgent& agent, sdk::SessionRequest request, const fs::path& log) {
  request.prompt = "--not a flag\n" + std::string(300 * 1024, 'x');
  auto run = agent.run(request);
  REQUIRE(run.result.ok());
  CHECK(run.result->outcome == sdk::SessionOutcome::success);
  auto call = invocations(log).at(0);
  CHECK(call["stdin"] == request.prompt);
  for (const auto& arg : call["argv"]) CHECK(arg.get<std::string>().size() < 1000);
}

} // namespace fanout::test::agents
