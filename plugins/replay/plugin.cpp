// replay: plays back a recorded session and applies its file changes through git, so a
// whole pipeline runs deterministically without an agent or tokens (docs/agents.md).

#include "recording.hpp"

#include <fanout/sdk/plugin.hpp>

#include <thread>

namespace replay {

using namespace fanout::sdk;

namespace {

class ReplayProvider final : public AgentProvider {
public:
  explicit ReplayProvider(Host& host) : m_host(host) {}

  bool can_resume() const override { return true; }

  Result<SessionResult> run(const SessionRequest& request, const EventSink& on_event,
                            const CancelToken& cancel) override {
    const auto& config = m_host.config();
    std::filesystem::path dir = config.value("dir", std::string(".fanout/recordings"));
    if (dir.is_relative()) dir = m_host.repo_root() / dir;
    auto recording = find_recording(dir, candidate_names(config.value("key", std::string()), request));
    if (!recording) return std::move(recording).failure();
    auto lines = read_transcript(*recording / "events.jsonl");
    if (!lines) return std::move(lines).failure();
    m_host.log(LogLevel::debug, "replaying \"" + recording->string() + "\"");

    auto delay = std::chrono::milliseconds(config.value("delay", 0));
    auto start = std::chrono::steady_clock::now();
    std::optional<SessionResult> recorded;
    for (const auto& line : *lines) {
      std::string type = line.value("type", std::string());
      if (type == "start") continue;
      if (type == "result") {
        recorded = result_from_json(line);
        continue;
      }
      if (auto stopped = wait(delay, start, request.timeout, cancel)) return *stopped;
      if (on_event) on_event(event_from_json(line));
    }
    SessionResult result;
    if (recorded) {
      result = *recorded;
    } else {
      result.outcome = SessionOutcome::no_result;
      result.text = "the recording has no result line";
    }
    if (auto applied = apply_changes(*recording, request, cancel); !applied) {
      result.outcome = SessionOutcome::error;
      result.text = applied.failure().message;
    }
    return result;
  }

private:
  /// Paces playback; a cancelled or expired session ends here.
  std::optional<SessionResult> wait(std::chrono::milliseconds delay, std::chrono::steady_clock::time_point start,
                                    std::chrono::milliseconds timeout, const CancelToken& cancel) {
    auto until = std::chrono::steady_clock::now() + delay;
    do {
      SessionResult stopped;
      stopped.duration = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
      if (cancel.cancelled()) {
        stopped.outcome = SessionOutcome::cancelled;
        stopped.text = "cancelled";
        return stopped;
      }
      if (timeout.count() > 0 && stopped.duration >= timeout) {
        stopped.outcome = SessionOutcome::timeout;
        stopped.text = "timed out after " + std::to_string(stopped.duration.count() / 1000) + " s";
        return stopped;
      }
      if (std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    } while (std::chrono::steady_clock::now() < until);
    return std::nullopt;
  }

  /// Runs git in the workdir; Failure error with git's output when it fails.
  Result<ProcessResult> git(const SessionRequest& request, std::vector<std::string> args, const CancelToken& cancel) {
    ProcessSpec spec;
    spec.argv = {"git"};
    spec.argv.insert(spec.argv.end(), args.begin(), args.end());
    spec.workdir = request.workdir;
    spec.env = request.env;
    spec.replace_env = !request.env.empty();
    spec.timeout = std::chrono::minutes(2);
    return m_host.processes().run(spec, {}, cancel);
  }

  Result<void> apply_changes(const std::filesystem::path& recording, const SessionRequest& request,
                             const CancelToken& cancel) {
    std::error_code ec;
    if (std::filesystem::is_directory(recording / "files", ec)) {
      std::filesystem::copy(recording / "files", request.workdir,
                            std::filesystem::copy_options::recursive | std::filesystem::copy_options::overwrite_existing,
                            ec);
      if (ec) return fail(FailureKind::error, "cannot copy recorded files: " + ec.message());
    }
    if (std::filesystem::is_regular_file(recording / "changes.patch", ec)) {
      auto applied = git(request, {"apply", "--whitespace=nowarn", (recording / "changes.patch").string()}, cancel);
      if (!applied) return std::move(applied).failure();
      if (applied->exit_code != 0)
        return fail(FailureKind::error, "recorded changes do not apply: " + applied->err);
    }
    bool commit = m_host.config().value("commit", true);
    if (!commit || !std::filesystem::is_regular_file(recording / "commit.txt", ec)) return {};
    auto added = git(request, {"add", "-A"}, cancel);
    if (!added || added->exit_code != 0) return fail(FailureKind::error, "git add failed in the workdir");
    auto staged = git(request, {"diff", "--cached", "--quiet"}, cancel);
    if (!staged || staged->exit_code == 0) return {}; // nothing to commit
    std::vector<std::string> args;
    auto email = git(request, {"config", "user.email"}, cancel);
    if (!email || email->exit_code != 0) args = {"-c", "user.name=fanout replay", "-c", "user.email=replay@fanout.invalid"};
    args.insert(args.end(), {"commit", "-q", "-F", (recording / "commit.txt").string()});
    auto committed = git(request, args, cancel);
    if (!committed) return std::move(committed).failure();
    if (committed->exit_code != 0) return fail(FailureKind::error, "git commit failed: " + committed->err);
    return {};
  }

  Host& m_host;
};

} // namespace

struct Plugin {
  static constexpr const char* name = "replay";
  static constexpr const char* version = "1.0.0";
  static constexpr const char* description = "replays recorded sessions and their changes (demo, CI)";
  static constexpr Kind kinds[] = {Kind::agent_provider};
  static constexpr ConfigKey config_keys[] = {
      {.name = "dir", .type = ConfigType::path, .default_value = "\".fanout/recordings\"",
       .doc = "recordings folder, relative to the repo root"},
      {.name = "key", .type = ConfigType::string,
       .doc = "always play this recording (a folder name under dir)"},
      {.name = "delay", .type = ConfigType::duration, .default_value = "0",
       .doc = "pause between events, to watch a demo"},
      {.name = "commit", .type = ConfigType::boolean, .default_value = "true",
       .doc = "commit the applied changes with the recording's commit.txt"},
  };
  static std::unique_ptr<AgentProvider> make_agent_provider(Host& host) {
    return std::make_unique<ReplayProvider>(host);
  }
};

} // namespace replay

FANOUT_PLUGIN(replay::Plugin)
