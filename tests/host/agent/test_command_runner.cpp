// The runner reviewers' commands go through: the allowlisted environment, never the host's.
#include "host/agent/command_runner.hpp"
#include "host/services/process_runner.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>

using namespace fanout;

TEST_CASE("command runner: a reviewer's command sees the allowlist, pass_env and its own env only", "[agent][trust]") {
  ::setenv("GITHUB_TOKEN", "ghp_host_secret", 1);
  ::setenv("AWS_SECRET_ACCESS_KEY", "aws_host_secret", 1);
  ::setenv("ANTHROPIC_API_KEY", "sk-ant-agents-only", 1);
  ::setenv("NPM_TOKEN", "npm_passed", 1);
  services::LocalProcessRunner local;
  agent::CommandRunner runner(local, {"NPM_TOKEN"});
  sdk::ProcessSpec spec;
  spec.argv = {"sh", "-c", "env"};
  spec.env = {{"PORT", "4010"}};
  auto ran = runner.run(spec, nullptr, sdk::CancelToken());
  ::unsetenv("GITHUB_TOKEN");
  ::unsetenv("AWS_SECRET_ACCESS_KEY");
  ::unsetenv("ANTHROPIC_API_KEY");
  ::unsetenv("NPM_TOKEN");
  REQUIRE(ran.ok());
  CHECK(ran->exit_code == 0);
  CHECK(ran->out.find("ghp_host_secret") == std::string::npos);
  CHECK(ran->out.find("aws_host_secret") == std::string::npos);
  CHECK(ran->out.find("sk-ant-agents-only") == std::string::npos);
  CHECK(ran->out.find("NPM_TOKEN=npm_passed\n") != std::string::npos);
  CHECK(ran->out.find("PORT=4010\n") != std::string::npos);
  CHECK(ran->out.find("PATH=") != std::string::npos);
}
