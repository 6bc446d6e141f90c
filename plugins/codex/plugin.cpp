// codex: runs `codex exec --json` (docs/agents.md). Codex never exits on its own when it
// cannot reach the network, so every session has a timeout (`default_timeout`).

#include "codex_stream.hpp"

#include "support/cli_session.hpp"
#include "support/json_access.hpp"

#include <fanout/sdk/plugin.hpp>
#include <fanout/sdk/session_totals.hpp>

#include <atomic>
#include <chrono>
#include <fstream>

namespace codex {

using namespace fanout::sdk;

namespace {

const char* sandbox(Permission permission) {
  switch (permission) {
  case Permission::read_only: return "read-only";
  case Permission::edit: return "workspace-write";
  case Permission::full: return "danger-full-access";
  }
  return "read-only";
}

/// The first line of a small file, trimmed, or "".
std::string first_line(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);
  line.erase(0, line.find_first_not_of(" \t"));
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

/// A directory git would open as a repository (git's own is_git_directory test): HEAD is a
/// file, objects/ and refs/ are directories, in the common dir for a linked worktree's
/// (named by its `commondir` file). An empty ".git" that a killed agent left in /tmp is not one.
bool git_directory(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(dir / "HEAD", ec)) return false;
  std::filesystem::path common = dir;
  if (std::filesystem::is_regular_file(dir / "commondir", ec)) {
    std::filesystem::path named(first_line(dir / "commondir"));
    if (named.empty()) return false;
    common = named.is_relative() ? dir / named : named;
  }
  return std::filesystem::is_directory(common / "objects", ec) && std::filesystem::is_directory(common / "refs", ec);
}

/// `.git` at `at` makes it a work tree: a git directory, or a file "gitdir: <path>" (a
/// linked worktree or submodule) naming one.
bool work_tree_root(const std::filesystem::path& at) {
  std::error_code ec;
  const auto dot_git = at / ".git";
  if (std::filesystem::is_directory(dot_git, ec)) return git_directory(dot_git);
  if (!std::filesystem::is_regular_file(dot_git, ec)) return false;
  std::string line = first_line(dot_git);
  if (line.rfind("gitdir:", 0) != 0) return false;
  std::string target = line.substr(7);
  target.erase(0, target.find_first_not_of(" \t"));
  std::filesystem::path path(target);
  return !target.empty() && git_directory(path.is_relative() ? at / path : path);
}

/// Codex refuses to run outside a git repository unless told to (--skip-git-repo-check).
bool inside_git_repo(const std::filesystem::path& dir) {
  std::error_code ec;
  for (auto at = std::filesystem::absolute(dir, ec); !at.empty(); at = at.parent_path()) {
    if (work_tree_root(at)) return true;
    if (at == at.root_path()) break;
  }
  return false;
}

/// The empty `.git`, `.codex` and `.agents` folders a codex sandbox makes in its writable
/// roots (the workdir, TMPDIR, /tmp) to keep them read-only, and leaves behind when codex is
/// killed: the ones that did not exist before the session are removed after it, only while
/// still empty (a removal of a folder is an rmdir, which refuses anything else). A stray
/// empty /tmp/.git otherwise looks like a repository to the next codex.
class SandboxLeftovers {
public:
  SandboxLeftovers(const std::filesystem::path& workdir, const std::map<std::string, std::string>& env) {
    std::vector<std::filesystem::path> roots = {workdir, "/tmp"};
    if (auto tmp = env.find("TMPDIR"); tmp != env.end() && !tmp->second.empty()) roots.emplace_back(tmp->second);
    std::error_code ec;
    for (const auto& root : roots)
      for (const char* name : {".git", ".codex", ".agents"})
        if (!root.empty() && !std::filesystem::exists(std::filesystem::symlink_status(root / name, ec)))
          m_absent.push_back(root / name);
  }
  ~SandboxLeftovers() {
    std::error_code ec;
    for (const auto& path : m_absent)
      if (std::filesystem::is_directory(std::filesystem::symlink_status(path, ec)) && std::filesystem::is_empty(path, ec))
        std::filesystem::remove(path, ec);
  }
  SandboxLeftovers(const SandboxLeftovers&) = delete;
  SandboxLeftovers& operator=(const SandboxLeftovers&) = delete;

private:
  std::vector<std::filesystem::path> m_absent;
};

class CodexProvider final : public AgentProvider {
public:
  explicit CodexProvider(Host& host) : m_host(host) {}

  bool can_resume() const override { return true; }

  Result<SessionResult> run(const SessionRequest& request, const EventSink& on_event,
                            const CancelToken& cancel) override {
    if (request.prompt.empty()) return fail(FailureKind::invalid_input, "the prompt is empty");
    const auto& config = m_host.config();
    EventSink sink = on_event ? on_event : [](const AgentEvent&) {};
    ProcessSpec spec = support::session_process(request, config);
    if (spec.timeout.count() <= 0)
      spec.timeout = std::chrono::milliseconds(config.value("default_timeout", 1800000));
    auto& argv = spec.argv;
    argv = {config.value("command", std::string("codex")), "exec", "--json"};
    std::string model = support::session_model(request, config);
    if (!model.empty()) argv.insert(argv.end(), {"-m", model});
    argv.insert(argv.end(), {"--sandbox", sandbox(request.permission)});
    if (!request.workdir.empty()) argv.insert(argv.end(), {"-C", request.workdir.string()});
    if (!inside_git_repo(request.workdir.empty() ? std::filesystem::current_path() : request.workdir))
      argv.push_back("--skip-git-repo-check");
    support::SessionFile schema;
    if (!request.output_schema.empty()) {
      auto written = support::SessionFile::write(m_host.data_dir(), "schema", ".json", request.output_schema,
                                                 "the output schema");
      if (!written.ok()) return std::move(written).failure();
      schema = std::move(written).value();
      argv.insert(argv.end(), {"--output-schema", schema.path().string()});
    }
    for (auto& arg : support::strings_at(config, "args")) argv.push_back(arg);
    // Flags go before `resume` (wire-formats.md 2.3).
    if (!request.resume_session_id.empty()) argv.insert(argv.end(), {"resume", request.resume_session_id});
    // `codex exec` has no system-prompt flag: the addition leads the prompt.
    std::string prompt = request.append_system_prompt.empty()
                             ? request.prompt
                             : request.append_system_prompt + "\n\n---\n\n" + request.prompt;
    // The prompt goes through stdin ("-"), where no argument-length limit applies.
    argv.push_back("-");
    spec.stdin_data = std::move(prompt);

    // The thread's totals when it last ended: a resumed thread reports its whole usage.
    Usage before;
    if (!request.resume_session_id.empty())
      if (auto recorded = load_session_totals(m_host.data_dir(), request.resume_session_id)) before = recorded->usage;
    CodexStream stream(before);
    SandboxLeftovers leftovers(request.workdir, spec.env);
    auto record = [&](SessionResult result) {
      if (auto totals = stream.totals()) save_session_totals(m_host.data_dir(), result.session_id, {*totals, 0});
      return result;
    };
    // A flood stops codex at once; finish() then reports it (the flood decides the outcome).
    auto on_line = [&](Stream which, const std::string& line) {
      if (which == Stream::err) {
        stream.on_stderr(line);
        return LineAction::keep;
      }
      stream.on_line(line, sink);
      return stream.flooded() ? LineAction::stop : LineAction::keep;
    };
    auto process = support::session_runner(request, m_host).run(spec, on_line, cancel);
    if (!process) return std::move(process).failure();
    return record(stream.finish(*process));
  }

private:
  Host& m_host;
};

} // namespace

struct Plugin {
  static constexpr const char* name = "codex";
  static constexpr const char* version = "1.0.0";
  static constexpr const char* description = "OpenAI Codex (codex exec --json)";
  static constexpr Kind kinds[] = {Kind::agent_provider};
  static constexpr const char* program = "codex"; // fanout doctor checks it is on PATH
  static constexpr const char* install_hint = "npm install -g @openai/codex";
  static constexpr ConfigKey config_keys[] = {
      {.name = "command", .type = ConfigType::string, .default_value = "\"codex\"",
       .doc = "the codex executable: a name on PATH or a path", .trust = Trust::trusted_only},
      {.name = "args", .type = ConfigType::string_array, .default_value = "[]",
       .doc = "extra arguments for codex exec (before the prompt)", .trust = Trust::trusted_only},
      {.name = "env", .type = ConfigType::string_map, .default_value = "{}",
       .doc = "extra environment variables for codex", .trust = Trust::trusted_only},
      {.name = "model", .type = ConfigType::string, .doc = "model when the stage names none"},
      {.name = "default_timeout", .type = ConfigType::duration, .default_value = "\"30m\"",
       .doc = "timeout when the session has none (codex may wait forever for the network)"},
  };
  static std::unique_ptr<AgentProvider> make_agent_provider(Host& host) {
    return std::make_unique<CodexProvider>(host);
  }
};

} // namespace codex

FANOUT_PLUGIN(codex::Plugin)
