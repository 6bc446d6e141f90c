// The projects `fanout plugin new` writes. Each builds as-is against the installed SDK and
// does something small but real; docs/writing-a-reviewer.md walks through the reviewer.
#include "host/plugins/scaffold.hpp"

namespace fanout::plugins {

extern const char* const k_scaffold_notifier; // scaffold_notifier.cpp
extern const char* const k_scaffold_runner;   // scaffold_runner.cpp

namespace {

constexpr const char* k_cmake = R"tmpl(cmake_minimum_required(VERSION 3.20)
project(fanout-@NAME@ LANGUAGES CXX)

# Finds the SDK of an installed fanout (pass -DCMAKE_PREFIX_PATH=<its prefix> if it is
# not in a standard place) and builds fanout-@NAME@.so in the build folder.
find_package(fanout-sdk REQUIRED)
fanout_add_plugin(@NAME@ SOURCES @FILE@.cpp)
)tmpl";

constexpr const char* k_readme = R"tmpl(# @NAME@: a fanout @KIND_TEXT@ plugin

Made by `fanout plugin new`. Build it against an installed fanout and install it:

```sh
cmake -S . -B build -DCMAKE_PREFIX_PATH=/path/to/fanout/prefix   # where `cmake --install` put fanout
cmake --build build
fanout plugin install build/fanout-@NAME@.so                     # checks it, copies it to your plugin dir
fanout plugin list                                                # shows it as loaded
```

The plugin links nothing but the SDK. It must be built with the same compiler as fanout
(the host checks the toolchain id); see fanout's docs/plugin-abi.md for the rules.

## Use it

@USE_TEXT@
## Config keys

Declared in `config_keys` in `@FILE@.cpp`; fanout validates them before the plugin sees them.

@KEYS_TEXT@)tmpl";

// ---------------------------------------------------------------------------------------
constexpr const char* k_reviewer = R"tmpl(// @NAME@: a fanout reviewer. It reads the unified diff of the change and flags added lines
// longer than `max_line_length`. Replace check_line() with your own rule.
#include <fanout/sdk/plugin.hpp>

#include <sstream>

namespace {

using namespace fanout::sdk;

class @IDENT@Reviewer final : public Reviewer {
public:
  explicit @IDENT@Reviewer(Host& host) : m_host(host) {}

  Result<Review> review(const ReviewRequest& request, const CancelToken& cancel) override {
    const auto max_length = m_host.config().value("max_line_length", 120);
    Review review;
    std::string file;
    int new_line = 0; // the new-side line number of the next line in the current hunk
    std::istringstream diff(request.diff);
    for (std::string line; std::getline(diff, line);) {
      if (cancel.cancelled()) return fail(FailureKind::cancelled, "review cancelled");
      if (line.rfind("+++ ", 0) == 0) {
        file = line.substr(4);
        if (file.rfind("b/", 0) == 0) file = file.substr(2);
      } else if (line.rfind("@@ ", 0) == 0) {
        // "@@ -a,b +c,d @@": the hunk starts at new-side line c.
        const auto plus = line.find(" +");
        new_line = plus == std::string::npos ? 0 : std::atoi(line.c_str() + plus + 2);
      } else if (!line.empty() && line[0] == '+') {
        check_line(file, new_line, line.substr(1), max_length, review);
        ++new_line;
      } else if (line.empty() || line[0] == ' ') {
        ++new_line;
      }
    }
    review.verdict = review.findings.empty() ? Verdict::approve : Verdict::approve_with_changes;
    review.summary = review.findings.empty()
                         ? "no added line is longer than " + std::to_string(max_length) + " characters"
                         : std::to_string(review.findings.size()) + " added line(s) longer than " +
                               std::to_string(max_length) + " characters";
    m_host.log(LogLevel::debug, review.summary);
    return review;
  }

private:
  static void check_line(const std::string& file, int line, const std::string& text, int max_length,
                         Review& review) {
    if (static_cast<int>(text.size()) <= max_length) return;
    review.findings.push_back({Severity::suggestion, file, line,
                               "line is " + std::to_string(text.size()) + " characters long (limit " +
                                   std::to_string(max_length) + "); wrap it",
                               text});
  }

  Host& m_host;
};

struct @IDENT@ {
  static constexpr const char* name = "@NAME@";
  static constexpr const char* version = "0.1.0";
  static constexpr const char* description = "flags added lines longer than a limit";
  static constexpr Kind kinds[] = {Kind::reviewer};
  static constexpr ConfigKey config_keys[] = {
      {.name = "max_line_length", .type = ConfigType::positive_integer, .default_value = "120",
       .doc = "longest added line allowed"},
  };
  static std::unique_ptr<Reviewer> make_reviewer(Host& host) { return std::make_unique<@IDENT@Reviewer>(host); }
};

} // namespace

FANOUT_PLUGIN(@IDENT@)
)tmpl";

// ---------------------------------------------------------------------------------------
constexpr const char* k_agent = R"tmpl(// @NAME@: a fanout agent provider. It runs `command` in the workspace with the prompt on
// stdin, streams each output line as a text event, and returns the output as the answer.
// Replace the command handling with your agent's own protocol.
#include <fanout/sdk/plugin.hpp>

namespace {

using namespace fanout::sdk;

class @IDENT@Agent final : public AgentProvider {
public:
  explicit @IDENT@Agent(Host& host) : m_host(host) {}

  Result<SessionResult> run(const SessionRequest& request, const EventSink& on_event,
                            const CancelToken& cancel) override {
    ProcessSpec spec;
    spec.argv = m_host.config().value("command", std::vector<std::string>{"cat"});
    if (spec.argv.empty()) return fail(FailureKind::invalid_input, "\"command\" is empty");
    spec.workdir = request.workdir;
    spec.env = request.env;
    spec.replace_env = true;
    spec.stdin_data = request.prompt;
    spec.timeout = request.timeout;
    auto ran = m_host.processes().run(
        spec,
        [&](Stream stream, const std::string& line) {
          AgentEvent event;
          event.type = stream == Stream::out ? AgentEvent::Type::text : AgentEvent::Type::other;
          event.text = line;
          event.raw = line;
          on_event(event);
        },
        cancel);
    if (!ran.ok()) return ran.failure();
    SessionResult result;
    result.duration = ran->duration;
    result.turns = 1;
    if (ran->cancelled) result.outcome = SessionOutcome::cancelled;
    else if (ran->timed_out) result.outcome = SessionOutcome::timeout;
    else if (ran->signaled) result.outcome = SessionOutcome::crashed;
    else if (ran->exit_code != 0) result.outcome = SessionOutcome::error;
    else result.outcome = SessionOutcome::success;
    result.text = result.outcome == SessionOutcome::success ? ran->out : ran->err;
    return result;
  }

private:
  Host& m_host;
};

struct @IDENT@ {
  static constexpr const char* name = "@NAME@";
  static constexpr const char* version = "0.1.0";
  static constexpr const char* description = "runs a command with the prompt on stdin";
  static constexpr Kind kinds[] = {Kind::agent_provider};
  static constexpr ConfigKey config_keys[] = {
      {.name = "command", .type = ConfigType::string_array, .default_value = "[\"cat\"]",
       .doc = "the agent command; gets the prompt on stdin", .trust = Trust::trusted_only},
  };
  static std::unique_ptr<AgentProvider> make_agent_provider(Host& host) {
    return std::make_unique<@IDENT@Agent>(host);
  }
};

} // namespace

FANOUT_PLUGIN(@IDENT@)
)tmpl";

// ---------------------------------------------------------------------------------------
constexpr const char* k_tracker = R"tmpl(// @NAME@: a fanout issue tracker. Issues come from a JSON file in the repository
// (`file`, an array of {"key", "title", "body", "state", "labels"}); comments are appended
// to comments.jsonl in the plugin's data dir. Replace load() with your tracker's API
// (through host.http()).
#include <fanout/sdk/plugin.hpp>

#include <algorithm>
#include <fstream>

namespace {

using namespace fanout::sdk;

class @IDENT@Tracker final : public IssueTracker {
public:
  explicit @IDENT@Tracker(Host& host) : m_host(host) {}

  Result<std::vector<Issue>> list(const IssueQuery& query, const CancelToken&) override {
    auto issues = load();
    if (!issues.ok()) return issues.failure();
    const std::string state = query.state.empty() ? "open" : query.state;
    std::vector<Issue> out;
    for (auto& issue : *issues) {
      const bool labelled = std::all_of(query.labels.begin(), query.labels.end(), [&](const std::string& l) {
        return std::find(issue.labels.begin(), issue.labels.end(), l) != issue.labels.end();
      });
      if (issue.state == state && labelled) out.push_back(issue);
      if (query.limit > 0 && static_cast<int>(out.size()) == query.limit) break;
    }
    return out;
  }

  Result<Issue> get(const std::string& key, const CancelToken&) override {
    auto issues = load();
    if (!issues.ok()) return issues.failure();
    for (auto& issue : *issues)
      if (issue.key == key) return issue;
    return fail(FailureKind::not_found, "no issue \"" + key + "\"");
  }

  Result<void> comment(const std::string& key, const std::string& markdown, const CancelToken&) override {
    std::ofstream out(m_host.data_dir() / "comments.jsonl", std::ios::app);
    out << nlohmann::json{{"key", key}, {"body", markdown}}.dump() << "\n";
    if (!out) return fail(FailureKind::error, "cannot write comments.jsonl");
    return {};
  }

private:
  Result<std::vector<Issue>> load() {
    const auto path = m_host.repo_root() / m_host.config().value("file", std::string(".fanout/issues.json"));
    std::ifstream in(path);
    if (!in) return fail(FailureKind::not_found, "cannot read \"" + path.string() + "\"");
    const auto json = nlohmann::json::parse(in, nullptr, false);
    if (!json.is_array()) return fail(FailureKind::invalid_input, "\"" + path.string() + "\" is not a JSON array");
    std::vector<Issue> issues;
    for (const auto& item : json) {
      if (!item.is_object()) continue;
      Issue issue;
      issue.key = item.value("key", "");
      issue.title = item.value("title", "");
      issue.body = item.value("body", "");
      issue.state = item.value("state", "open");
      issue.labels = item.value("labels", std::vector<std::string>{});
      issue.url = "file://" + path.string() + "#" + issue.key;
      issues.push_back(std::move(issue));
    }
    return issues;
  }

  Host& m_host;
};

struct @IDENT@ {
  static constexpr const char* name = "@NAME@";
  static constexpr const char* version = "0.1.0";
  static constexpr const char* description = "issues from a JSON file in the repository";
  static constexpr Kind kinds[] = {Kind::issue_tracker};
  static constexpr ConfigKey config_keys[] = {
      {.name = "file", .type = ConfigType::string, .default_value = "\".fanout/issues.json\"",
       .doc = "the issues file, relative to the repo"},
  };
  static std::unique_ptr<IssueTracker> make_issue_tracker(Host& host) {
    return std::make_unique<@IDENT@Tracker>(host);
  }
};

} // namespace

FANOUT_PLUGIN(@IDENT@)
)tmpl";

// ---------------------------------------------------------------------------------------
constexpr const char* k_brancher = R"tmpl(// @NAME@: a fanout database brancher for file databases. A branch is a copy of `source`
// (relative to the repo) in the plugin's data dir; its URL is sqlite:///<path>. Replace
// the file copy with your database's own branching (through host.processes() or http()).
#include <fanout/sdk/plugin.hpp>

#include <filesystem>

namespace {

using namespace fanout::sdk;
namespace fs = std::filesystem;

class @IDENT@Brancher final : public DatabaseBrancher {
public:
  explicit @IDENT@Brancher(Host& host) : m_host(host) {}

  Result<DatabaseBranch> create(const std::string& name, const CancelToken&) override {
    const fs::path target = path_of(name);
    std::error_code ec;
    if (!fs::exists(target, ec)) {
      const fs::path source = m_host.repo_root() / m_host.config().value("source", std::string("data/app.db"));
      fs::copy_file(source, target, ec);
      if (ec) return fail(FailureKind::error, "cannot copy \"" + source.string() + "\": " + ec.message());
    }
    return DatabaseBranch{name, "sqlite:///" + target.string()};
  }

  Result<void> remove(const std::string& name, const CancelToken&) override {
    std::error_code ec;
    fs::remove(path_of(name), ec);
    if (ec) return fail(FailureKind::error, "cannot remove branch \"" + name + "\": " + ec.message());
    return {};
  }

  Result<std::vector<DatabaseBranch>> list(const CancelToken&) override {
    std::vector<DatabaseBranch> branches;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(m_host.data_dir(), ec))
      if (entry.path().extension() == ".db")
        branches.push_back({entry.path().stem().string(), "sqlite:///" + entry.path().string()});
    return branches;
  }

private:
  fs::path path_of(const std::string& name) const { return m_host.data_dir() / (name + ".db"); }

  Host& m_host;
};

struct @IDENT@ {
  static constexpr const char* name = "@NAME@";
  static constexpr const char* version = "0.1.0";
  static constexpr const char* description = "branches a file database by copying it";
  static constexpr Kind kinds[] = {Kind::database_brancher};
  static constexpr ConfigKey config_keys[] = {
      {.name = "source", .type = ConfigType::string, .default_value = "\"data/app.db\"",
       .doc = "the main database file, relative to the repo"},
  };
  static std::unique_ptr<DatabaseBrancher> make_database_brancher(Host& host) {
    return std::make_unique<@IDENT@Brancher>(host);
  }
};

} // namespace

FANOUT_PLUGIN(@IDENT@)
)tmpl";

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

/// The README with its kind-specific parts filled in; kept in static storage per kind.
const char* readme_for(const std::string& kind) {
  struct Parts {
    const char* kind;
    const char* kind_text;
    const char* use;
    const char* keys;
  };
  static const Parts parts[] = {
      {"reviewer", "reviewer", "In `fanout.toml`:\n\n```toml\n[[review]]\nplugin = \"@NAME@\"\nmax_line_length = 100\n```\n",
       "| key | type | default | |\n| --- | --- | --- | --- |\n| `max_line_length` | positive integer | 120 | longest added line allowed |\n"},
      {"agent", "agent provider", "In `fanout.toml`:\n\n```toml\n[agent]\nprovider = \"@NAME@\"\n\n[agent.@NAME@]\ncommand = [\"my-agent\", \"--print\"]\n```\n",
       "| key | type | default | |\n| --- | --- | --- | --- |\n| `command` | string array | [\"cat\"] | the agent command; gets the prompt on stdin (trusted repos only) |\n"},
      {"tracker", "issue tracker", "In `fanout.toml`:\n\n```toml\n[tracker]\nkind = \"@NAME@\"\nfile = \".fanout/issues.json\"\n```\n",
       "| key | type | default | |\n| --- | --- | --- | --- |\n| `file` | string | \".fanout/issues.json\" | the issues file, relative to the repo |\n"},
      {"notifier", "notifier", "In `fanout.toml` (or your user config, for every repo):\n\n```toml\n[[notify]]\nplugin = \"@NAME@\"\nevents = [\"plan_approval\", \"failed\", \"fleet_done\"]\nfile = \".fanout/notifications.log\"\n```\n",
       "| key | type | default | |\n| --- | --- | --- | --- |\n| `file` | path | \".fanout/notifications.log\" | the file notifications are appended to, relative to the repo |\n"},
      {"runner", "runner", "In `fanout.toml` (a trusted repo's, or your user config):\n\n```toml\n[runner]\nkind = \"@NAME@\"\n```\n",
       "None yet: declare yours in `config_keys`, as the other kinds' scaffolds do.\n"},
      {"brancher", "database brancher", "In `fanout.toml`:\n\n```toml\n[database]\nbrancher = \"@NAME@\"\nsource = \"data/app.db\"\n```\n",
       "| key | type | default | |\n| --- | --- | --- | --- |\n| `source` | string | \"data/app.db\" | the main database file, relative to the repo |\n"},
  };
  static std::string texts[std::size(parts)];
  for (size_t i = 0; i < std::size(parts); ++i) {
    if (kind != parts[i].kind) continue;
    if (texts[i].empty()) {
      std::string text = replace_all(k_readme, "@KIND_TEXT@", parts[i].kind_text);
      text = replace_all(text, "@USE_TEXT@", parts[i].use);
      texts[i] = replace_all(text, "@KEYS_TEXT@", parts[i].keys);
    }
    return texts[i].c_str();
  }
  return k_readme;
}

} // namespace

std::vector<TemplateFile> scaffold_template(const std::string& kind) {
  const char* source = kind == "reviewer" ? k_reviewer
                       : kind == "agent"  ? k_agent
                       : kind == "tracker" ? k_tracker
                       : kind == "notifier" ? k_scaffold_notifier
                       : kind == "runner"   ? k_scaffold_runner
                                           : k_brancher;
  return {{"CMakeLists.txt", k_cmake}, {"@FILE@.cpp", source}, {"README.md", readme_for(kind)}};
}

} // namespace fanout::plugins
