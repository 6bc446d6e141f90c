// PluginSet: the one place plugins are made: their config, their data dir, the agent cache
// and the errors each caller prefixes with its table.
#include "host/app/plugin_set.hpp"
#include "host/services/process_runner.hpp"
#include "host/util/error.hpp"
#include "tests/host/app/app_helpers.hpp"

#include <catch2/catch.hpp>

using namespace fanout;
namespace fs = std::filesystem;

namespace {

struct Set {
  test::AppRepo repo;
  std::unique_ptr<plugins::Registry> registry = test::built_plugins();
  services::LocalProcessRunner runner{nullptr};
  std::unique_ptr<app::PluginSet> plugins;

  Set(const std::string& fanout_toml, const std::string& user_toml = "") : repo(fanout_toml, user_toml) {
    plugins::HostServices services;
    services.processes = &runner;
    plugins = std::make_unique<app::PluginSet>(repo.config(), *registry, services);
  }
};

} // namespace

TEST_CASE("plugin set: an agent provider is made once and shared", "[app]") {
  Set set("");
  auto first = set.plugins->agent("replay");
  REQUIRE(first.ok());
  auto second = set.plugins->agent("replay");
  REQUIRE(second.ok());
  CHECK(*first == *second);
  // Plugins other than agents reach the same cache through their host.
  auto through_services = set.plugins->services().agent("replay");
  REQUIRE(through_services.ok());
  CHECK(*through_services == *first);
}

TEST_CASE("plugin set: every plugin keeps its files in <repo>/.fanout/data/<name>", "[app]") {
  Set set("", "[agent.command]\ncommand = [\"/bin/sh\", \"-c\", \"printf %s {prompt_file}\"]\n");
  auto agent = set.plugins->agent("command");
  REQUIRE(agent.ok());
  sdk::SessionRequest request;
  request.prompt = "hello";
  request.workdir = set.repo.root();
  request.env = {{"PATH", "/usr/bin:/bin"}};
  auto ran = (*agent)->run(request, [](const sdk::AgentEvent&) {}, sdk::CancelToken());
  REQUIRE(ran.ok());
  INFO(ran->text);
  const auto data = set.repo.root() / ".fanout" / "data" / "command";
  CHECK(ran->text.rfind((data / "prompt-").string(), 0) == 0);
  CHECK(app::plugin_data_root(set.repo.root()) == set.repo.root() / ".fanout" / "data");
  CHECK_FALSE(fs::exists(set.repo.root() / ".fanout" / "plugins-data"));
}

TEST_CASE("plugin set: what cannot be made says why, for the caller to name its table", "[app]") {
  SECTION("an unknown agent provider is the registry's message: the name may come from a flag") {
    Set set("");
    auto agent = set.plugins->agent("claude-cod");
    REQUIRE_FALSE(agent.ok());
    CHECK(agent.failure().message == "unknown plugin \"claude-cod\" (did you mean \"claude-code\"?)");
  }
  SECTION("an unknown tracker is reported at its table's position") {
    Set set("[tracker]\nkind = \"jria\"\n");
    try {
      (void)set.plugins->make<sdk::IssueTracker>(set.repo.config().tracker);
      FAIL("no error");
    } catch (const UserError& e) {
      CHECK(std::string(e.what()) == "fanout.toml:2:1: [tracker]: unknown plugin \"jria\" (did you mean \"jira\"?)");
      CHECK(e.code() == ExitCode::usage);
    }
  }
  SECTION("a plugin of another kind is the registry's failure, unprefixed") {
    Set set("[tracker]\nkind = \"local\"\n");
    auto made = set.plugins->make<sdk::DatabaseBrancher>(set.repo.config().tracker);
    REQUIRE_FALSE(made.ok());
    CHECK(made.failure().message.rfind("plugin \"local\" is not a database_brancher", 0) == 0);
  }
}

TEST_CASE("plugin set: fresh instances are new each time and outlive nothing they need", "[app]") {
  Set set("[tracker]\nkind = \"local\"\n");
  const auto& table = set.repo.config().tracker;
  auto kept = set.plugins->make<sdk::IssueTracker>(table);
  REQUIRE(kept.ok());
  auto first = set.plugins->make_fresh<sdk::IssueTracker>(table, set.plugins->config_of(table), set.plugins->services());
  auto second = set.plugins->make_fresh<sdk::IssueTracker>(table, set.plugins->config_of(table), set.plugins->services());
  REQUIRE(first.ok());
  REQUIRE(second.ok());
  CHECK(first->get() != second->get());
  CHECK(first->get() != *kept);
  // A fresh instance holds its own host: it still works after the set is gone.
  set.plugins.reset();
  auto listed = (*first)->list({}, sdk::CancelToken());
  CHECK(listed.ok());
}

TEST_CASE("plugin set: the tracker says whether a pull request on the code host closes its issues by number", "[app]") {
  Set set("[tracker]\nkind = \"github\"\nrepo = \"acme/widgets\"\n\n[codehost]\nkind = \"github\"\nrepo = \"acme/widgets\"\n");
  auto github = set.plugins->make<sdk::IssueTracker>(set.repo.config().tracker);
  REQUIRE(github.ok());
  CHECK((*github)->closed_by_number("github"));
  CHECK_FALSE((*github)->closed_by_number("local"));
  Set local("[tracker]\nkind = \"local\"\n");
  auto files = local.plugins->make<sdk::IssueTracker>(local.repo.config().tracker);
  REQUIRE(files.ok());
  CHECK_FALSE((*files)->closed_by_number("github"));
}
