// `fanout clean` as a use case: what goes, and the workspace a live run works in, which stays.
#include "host/app/clean_many.hpp"
#include "host/services/process_runner.hpp"
#include "host/state/run_lock.hpp"
#include "host/state/state_db.hpp"
#include "host/util/error.hpp"
#include "tests/host/app/app_helpers.hpp"

#include <catch2/catch.hpp>

using namespace fanout;

namespace {

struct Clean {
  test::AppRepo repo;
  services::LocalProcessRunner runner{nullptr};
  workspace::WorkspaceManager manager{workspace::Settings::from(repo.config()), nullptr, &runner};

  void up(const std::string& key) {
    sdk::Issue issue;
    issue.key = key;
    REQUIRE(manager.up(issue, sdk::CancelToken()).ok());
  }
};

} // namespace

TEST_CASE("clean many: exactly one of keys, --merged or --all (or --orphans alone)", "[app]") {
  const std::string usage = "clean: give issue keys, --merged or --all (one of them)";
  app::CleanRequest request;
  auto checked = app::check_clean_request(request);
  REQUIRE_FALSE(checked.ok());
  CHECK(checked.failure().message == usage);
  CHECK(checked.failure().kind == sdk::FailureKind::invalid_input); // the CLI's usage error (exit 2)
  request.keys = {"7"};
  request.all = true;
  checked = app::check_clean_request(request);
  REQUIRE_FALSE(checked.ok());
  CHECK(checked.failure().message == usage);
  request = {};
  request.orphans = true;
  CHECK(app::check_clean_request(request).ok());
  // clean_many refuses a bad request the same way, before anything is cleaned.
  Clean c;
  request = {};
  const auto refused = app::clean_many(c.manager, request, sdk::CancelToken());
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.failure().message == usage);
}

TEST_CASE("clean many: the workspace of a run a live process drives is kept unless forced", "[app]") {
  Clean c;
  c.up("7");
  c.up("8");
  state::LockHolder holder;
  auto lock = value_or_throw(state::RunLock::take(state::StateDb::path_for(c.repo.root()).parent_path(), "7", holder));
  REQUIRE(lock);

  app::CleanRequest request;
  request.all = true;
  const auto reports = value_or_throw(app::clean_many(c.manager, request, sdk::CancelToken()));
  REQUIRE(reports.size() == 2);
  CHECK(reports[0].key == "7");
  CHECK_FALSE(reports[0].complete);
  REQUIRE(reports[0].kept.size() == 1);
  CHECK(reports[0].kept[0].rfind("kept the workspace: issue \"7\" is being run by ", 0) == 0);
  CHECK(reports[0].kept[0].find("(stop it first, or use --force)") != std::string::npos);
  CHECK(c.manager.find("7"));
  CHECK(reports[1].complete);
  CHECK_FALSE(c.manager.find("8"));

  request.all = false;
  request.keys = {"7"};
  request.options.force = true;
  const auto forced = value_or_throw(app::clean_many(c.manager, request, sdk::CancelToken()));
  REQUIRE(forced.size() == 1);
  CHECK(forced[0].complete);
  CHECK_FALSE(c.manager.find("7"));
}
