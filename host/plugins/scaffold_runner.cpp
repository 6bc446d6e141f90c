// The runner project `fanout plugin new runner NAME` writes (the other kinds are in
// scaffold_templates.cpp, which picks this one by kind).
#include "host/plugins/scaffold.hpp"

namespace fanout::plugins {

extern const char* const k_scaffold_runner = R"tmpl(// @NAME@: a fanout runner. It runs each agent session as a remote runner must: from a fresh
// clone of the session's clone URL at its base commit, in the same folder relative to the
// clone, then commits what the session left and pushes the branch back. This one clones
// into its data dir on this machine; replace run() with your own place (a container, a
// cluster job) and keep the rest of the contract (docs/runner.md).
#include <fanout/sdk/plugin.hpp>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

using namespace fanout::sdk;
namespace fs = std::filesystem;

class @IDENT@Runner final : public Runner {
public:
  explicit @IDENT@Runner(Host& host) : m_host(host) {}

  Result<RunnerResult> run(const RunnerSession& session, const LineCallback& on_line,
                           const CancelToken& cancel) override {
    const auto& ws = session.workspace;
    const fs::path clone = m_host.data_dir() / name_of(session.labels);
    std::error_code ec;
    fs::remove_all(clone, ec);
    fs::create_directories(clone.parent_path(), ec);
    std::ofstream(clone.string() + ".labels") << session.labels.repo << "\n" << session.labels.issue << "\n"
                                              << session.labels.run << "\n" << session.labels.stage << "\n";
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"clone", "--quiet", "--", ws.clone_url, clone.string()},
             {"-C", clone.string(), "checkout", "--quiet", "-B", ws.branch, ws.base_commit}})
      if (auto done = git(args, cancel); !done.ok()) return std::move(done).failure();

    ProcessSpec spec = session.process;
    spec.workdir = clone / session.process.workdir.lexically_relative(ws.worktree);
    auto ran = m_host.processes().run(spec, on_line, cancel);
    if (!ran.ok()) return std::move(ran).failure();

    for (const auto& args : std::vector<std::vector<std::string>>{
             {"-C", clone.string(), "add", "-A"},
             {"-C", clone.string(), "commit", "--quiet", "--allow-empty", "-m", "what the session left"},
             {"-C", clone.string(), "push", "--quiet", "origin", "HEAD:refs/heads/" + ws.branch}})
      if (auto done = git(args, cancel); !done.ok()) return std::move(done).failure();
    auto head = git({"-C", clone.string(), "rev-parse", "HEAD"}, cancel);
    if (!head.ok()) return std::move(head).failure();
    RunnerResult result;
    result.process = std::move(*ran);
    result.pushed_head = head->substr(0, head->find('\n'));
    return result;
  }

  Result<std::vector<RunnerResource>> list(const std::string& repo, const CancelToken&) override {
    std::vector<RunnerResource> made;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(m_host.data_dir(), ec)) {
      if (entry.path().extension() != ".labels") continue;
      std::ifstream in(entry.path());
      SessionLabels labels;
      std::getline(in, labels.repo);
      std::getline(in, labels.issue);
      std::getline(in, labels.run);
      std::getline(in, labels.stage);
      if (labels.repo == repo) made.push_back({"clone/" + entry.path().stem().string(), labels, "finished", ""});
    }
    return made;
  }

  Result<void> remove(const RunnerResource& resource, const CancelToken&) override {
    const fs::path clone = m_host.data_dir() / resource.id.substr(resource.id.find('/') + 1);
    std::error_code ec;
    fs::remove_all(clone, ec);
    fs::remove(clone.string() + ".labels", ec);
    return {};
  }

private:
  static std::string name_of(const SessionLabels& labels) {
    std::string name = labels.repo + "-" + labels.issue + "-" + labels.run + "-" + labels.stage;
    for (char& c : name)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') c = '_';
    return name;
  }

  Result<std::string> git(std::vector<std::string> args, const CancelToken& cancel) {
    ProcessSpec spec;
    spec.argv = {"git"};
    spec.argv.insert(spec.argv.end(), args.begin(), args.end());
    spec.workdir = m_host.data_dir();
    auto ran = m_host.processes().run(spec, {}, cancel);
    if (!ran.ok()) return std::move(ran).failure();
    if (ran->exit_code != 0) return fail(FailureKind::error, "git " + args[args[0] == "-C" ? 2 : 0] + " failed: " + ran->err);
    return ran->out;
  }

  Host& m_host;
};

struct @IDENT@ {
  static constexpr const char* name = "@NAME@";
  static constexpr const char* version = "0.1.0";
  static constexpr const char* description = "runs each agent session from a fresh clone";
  static constexpr Kind kinds[] = {Kind::runner};
  static std::unique_ptr<Runner> make_runner(Host& host) { return std::make_unique<@IDENT@Runner>(host); }
};

} // namespace

FANOUT_PLUGIN(@IDENT@)
)tmpl";

} // namespace fanout::plugins
