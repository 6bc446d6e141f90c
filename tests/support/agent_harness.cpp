#include "tests/support/agent_harness.hpp"

#include "tests/support/paths.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <fstream>
#include <thread>

#include <stdlib.h>

namespace fanout::test::agents {

namespace fs = std::filesystem;

TempRepo::TempRepo(bool git_repo) {
  std::string pattern = (fs::temp_directory_path() / "fanout-agent-XXXXXX").string();
  m_path = mkdtemp(pattern.data());
  if (git_repo) {
    git("init -q -b main");
    write("README.md", "# test\n");
    git("add -A");
    git("-c user.name=t -c user.email=t@example.invalid commit -q -m initial");
  }
}

TempRepo::~TempRepo() {
  std::error_code ec;
  fs::remove_all(m_path, ec);
}

std::string TempRepo::git(const std::string& args) const {
  std::string command = "git -C '" + m_path.string() + "' " + args + " 2>/dev/null";
  std::string out;
  if (FILE* pipe = popen(command.c_str(), "r")) {
    std::array<char, 4096> buffer;
    while (size_t n = fread(buffer.data(), 1, buffer.size(), pipe)) out.append(buffer.data(), n);
    pclose(pipe);
  }
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

void TempRepo::write(const std::string& relative, const std::string& content) const {
  fs::create_directories((m_path / relative).parent_path());
  std::ofstream(m_path / relative) << content;
}

fs::path fake_bin_dir() { return fixture_dir() / "bin"; }

std::map<std::string, std::string> fake_env(const fs::path& home, std::map<std::string, std::string> extra) {
  std::map<std::string, std::string> env = {{"PATH", fake_bin_dir().string() + ":/usr/local/bin:/usr/bin:/bin"},
                                            {"HOME", home.string()}};
  for (auto& [key, value] : extra) env[key] = value;
  return env;
}

namespace {

const plugins::Registry& registry() {
  static const plugins::Registry* made = [] {
    auto* r = new plugins::Registry();
    r->discover({plugins::SearchDir{plugin_dir(), "build"}});
    return r;
  }();
  return *made; // never destroyed: plugin libraries stay loaded until exit
}

} // namespace

LoadedAgent::LoadedAgent(const std::string& plugin, nlohmann::json config, const fs::path& repo_root) {
  plugins::HostServices services;
  services.processes = &m_runner;
  m_host = std::make_unique<plugins::PluginHost>(services, plugin, std::move(config), repo_root,
                                                 repo_root / ".fanout" / "data" / plugin);
  auto made = registry().create<sdk::AgentProvider>(plugin, *m_host);
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

bool await_process_gone(int pid) {
  for (int i = 0; i < 200; ++i) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    if (!stat) return true;
    std::string content((std::istreambuf_iterator<char>(stat)), {});
    auto paren = content.rfind(')');
    if (paren != std::string::npos && paren + 2 < content.size() && content[paren + 2] == 'Z') return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

} // namespace fanout::test::agents
