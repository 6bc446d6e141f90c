#include "real_cli_helpers.hpp"

#include "tests/support/paths.hpp"
#include "tests/support/real_agents.hpp"
#include "tests/support/shell.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

namespace fanout::test::real_cli {

using nlohmann::json;

std::map<std::string, std::string> Session::env(const std::string& provider, std::map<std::string, std::string> extra) {
  return provider == "codex" ? real_agents::codex_env(api, home.path(), std::move(extra))
                             : real_agents::claude_env(api, home.path(), std::move(extra));
}

AgentRun Session::agent_run(const std::string& provider, const std::vector<std::string>& args,
                            const std::string& prompt) {
  return agent_run(provider, args, prompt, env(provider));
}

AgentRun Session::agent_run(const std::string& provider, const std::vector<std::string>& args,
                            const std::string& prompt, const std::map<std::string, std::string>& env) {
  std::vector<std::string> argv = {"-C", repo.path().string(), "agent", "run", "--json", "--provider", provider,
                                   "--model", provider == "codex" ? real_agents::k_codex_model
                                                                  : real_agents::k_claude_model};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back(prompt);
  return run_fanout(argv, repo.path(), env, home.path() / "stderr.txt");
}

AgentRun run_fanout(const std::vector<std::string>& args, const std::filesystem::path& cwd,
                    const std::map<std::string, std::string>& env, const std::filesystem::path& err_file) {
  std::string command = real_agents::env_prefix(env) + " " + shell_quote(fanout_executable().string());
  for (const auto& arg : args) command += " " + shell_quote(arg);
  command += " 2>" + shell_quote(err_file.string());
  auto ran = sh(command, cwd);
  AgentRun run;
  run.rc = ran.rc;
  run.out = ran.out;
  std::ifstream err(err_file);
  std::stringstream text;
  text << err.rdbuf();
  run.err = text.str();
  std::istringstream lines(ran.out);
  for (std::string line; std::getline(lines, line);) {
    auto parsed = json::parse(line, nullptr, false);
    if (!parsed.is_discarded()) run.events.push_back(parsed);
  }
  if (!run.events.empty()) {
    run.result = run.events.back();
    run.events.pop_back();
  }
  return run;
}

std::string commit_command(const std::string& message) {
  return "git add -A && git -c user.name=agent -c user.email=agent@example.invalid commit -q -m " +
         shell_quote(message);
}

} // namespace fanout::test::real_cli
