// command-review: runs the project's commands in the workspace (its worktree, env, port and
// database) and turns failures into findings with the output attached. Optionally starts the
// app first and probes it over HTTP on the workspace's port. See docs/reviewers.md.

#include "app_probe.hpp"
#include "command_runner.hpp"

#include "support/review_verdict.hpp"

#include <fanout/sdk/plugin.hpp>
#include <fanout/sdk/review_schema.hpp>

#include <memory>

namespace fanout::reviewers {
namespace {

using namespace command;

class CommandReviewer final : public sdk::Reviewer {
public:
  explicit CommandReviewer(sdk::Host& host) : m_host(host) {}

  sdk::Result<sdk::Review> review(const sdk::ReviewRequest& request, const sdk::CancelToken& cancel) override {
    const auto& config = m_host.config();
    const auto commands = config.value("run", std::vector<std::string>{});
    const std::string start = config.value("start", std::string());
    std::string probe = config.value("probe", std::string());
    const auto timeout = std::chrono::milliseconds(config.value("timeout", std::int64_t(600000)));
    const auto ready_timeout = std::chrono::milliseconds(config.value("ready_timeout", std::int64_t(30000)));
    const size_t tail_lines = config.value("tail_lines", size_t(40));
    const std::string severity_name = config.value("severity", std::string("critical"));
    auto severity = sdk::severity_from_string(severity_name);
    if (!severity)
      return sdk::fail(sdk::FailureKind::invalid_input, "\"severity\" must be \"critical\", \"important\" or "
                                                        "\"suggestion\", got \"" + severity_name + "\"");
    if (!start.empty() && probe.empty())
      return sdk::fail(sdk::FailureKind::invalid_input, "\"start\" needs \"probe\" (the HTTP path that answers once the app is up)");
    if (start.empty() && !probe.empty())
      return sdk::fail(sdk::FailureKind::invalid_input, "\"probe\" needs \"start\" (the command that starts the app on $PORT)");
    if (commands.empty() && start.empty())
      return sdk::fail(sdk::FailureKind::invalid_input,
                       "nothing to run: set \"run\" (commands), or \"start\" and \"probe\"");

    sdk::Review review;
    std::vector<std::string> passed;
    auto add_finding = [&](std::string message, std::string detail) {
      sdk::Finding f;
      f.severity = *severity;
      f.message = std::move(message);
      f.detail = std::move(detail);
      review.findings.push_back(std::move(f));
    };

    std::unique_ptr<RunningApp> app;
    if (!start.empty()) {
      const auto env = command_env(request.workspace);
      const std::string port = env.count("PORT") ? env.at("PORT") : "";
      if (port.empty())
        return sdk::fail(sdk::FailureKind::invalid_input, "the workspace has no port, so the app cannot be probed");
      if (probe.front() != '/') probe.insert(probe.begin(), '/');
      app = std::make_unique<RunningApp>(m_host, start, request.workspace, tail_lines);
      auto ready = wait_ready(m_host, *app, "http://127.0.0.1:" + port + probe, ready_timeout, cancel);
      if (!ready.ok()) return std::move(ready).failure();
      const std::string what = "GET " + probe + " on port " + port;
      if (ready->ready) passed.push_back("`" + start + "` answered " + what);
      else
        add_finding("the app (\"" + start + "\") did not answer " + what + ": " + ready->why,
                    "app output:\n" + app->output());
    }
    for (const auto& command : commands) {
      auto outcome = run_command(m_host, command, request.workspace, timeout, tail_lines, cancel);
      if (!outcome.ok()) return std::move(outcome).failure();
      if (outcome->passed) passed.push_back("`" + command + "` passed (" + describe(outcome->duration) + ")");
      else add_finding("\"" + command + "\" failed (" + outcome->why + ")", outcome->output);
    }
    if (app) app->stop();

    review.verdict = support::verdict_for(review.findings);
    review.summary = review.findings.empty() ? "All checks passed." : std::to_string(review.findings.size()) + " of " +
                                                                          std::to_string(review.findings.size() + passed.size()) +
                                                                          " checks failed.";
    for (const auto& line : passed) review.summary += "\n- " + line;
    for (const auto& f : review.findings) review.summary += "\n- " + f.message;
    return review;
  }

private:
  sdk::Host& m_host;
};

struct CommandReviewPlugin {
  static constexpr const char* name = "command-review";
  static constexpr const char* version = "1.0.0";
  static constexpr const char* description = "runs your tests and checks in the workspace; failures become findings";
  static constexpr sdk::Kind kinds[] = {sdk::Kind::reviewer};
  static constexpr sdk::ConfigKey config_keys[] = {
      {.name = "run", .type = sdk::ConfigType::string_array, .default_value = "[]",
       .doc = "shell commands run in the worktree (sh -c) with the workspace env",
       .trust = sdk::Trust::trusted_only},
      {.name = "timeout", .type = sdk::ConfigType::duration, .default_value = "\"10m\"",
       .doc = "longest each command may run"},
      {.name = "start", .type = sdk::ConfigType::string, .default_value = "\"\"",
       .doc = "command that starts the app on $PORT, kept running during \"run\"",
       .trust = sdk::Trust::trusted_only},
      {.name = "probe", .type = sdk::ConfigType::string, .default_value = "\"\"",
       .doc = "HTTP path that must answer 2xx on 127.0.0.1:$PORT once the app is up"},
      {.name = "ready_timeout", .type = sdk::ConfigType::duration, .default_value = "\"30s\"",
       .doc = "how long to wait for the probe to answer"},
      {.name = "severity", .type = sdk::ConfigType::string, .default_value = "\"critical\"",
       .doc = "severity of a failed command or probe"},
      {.name = "tail_lines", .type = sdk::ConfigType::positive_integer, .default_value = "40",
       .doc = "lines of output kept in a finding's detail"},
  };
  static std::unique_ptr<sdk::Reviewer> make_reviewer(sdk::Host& host) { return std::make_unique<CommandReviewer>(host); }
};

} // namespace
} // namespace fanout::reviewers

FANOUT_PLUGIN(fanout::reviewers::CommandReviewPlugin)
