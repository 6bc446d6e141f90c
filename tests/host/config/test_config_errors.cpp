#include "tests/host/config/config_helpers.hpp"

#include <catch2/catch.hpp>

using fanout::test::ConfigRepo;
using Errors = std::vector<std::string>;

TEST_CASE("config errors: malformed TOML names the position", "[config]") {
  ConfigRepo repo;
  repo.repo_toml("[run]\nparallel = \n");
  CHECK(repo.errors() ==
        Errors{"fanout.toml:2:12: invalid TOML: error while parsing key-value pair: expected value, saw '\\n'"});
  SECTION("an unclosed table header") {
    repo.repo_toml("[run\nparallel = 3\n");
    CHECK(repo.errors().size() == 1);
    CHECK(repo.errors()[0].rfind("fanout.toml:1:", 0) == 0);
  }
}

TEST_CASE("config errors: wrong types name file, line, column and key", "[config]") {
  ConfigRepo repo;
  SECTION("positive integer") {
    repo.repo_toml("[run]\nparallel = \"five\"\n");
    CHECK(repo.errors() == Errors{"fanout.toml:2:12: [run] parallel: expected a positive integer, got \"five\""});
  }
  SECTION("zero is not positive") {
    repo.repo_toml("[ports]\nper_workspace = 0\n");
    CHECK(repo.errors() == Errors{"fanout.toml:2:17: [ports] per_workspace: expected a positive integer, got 0"});
  }
  SECTION("integer") {
    repo.repo_toml("[run]\nmax_tokens = 1.5\n");
    CHECK(repo.errors() == Errors{"fanout.toml:2:14: [run] max_tokens: expected an integer, got 1.5"});
  }
  SECTION("string") {
    repo.repo_toml("[workspace]\nbase = 3\n");
    CHECK(repo.errors() == Errors{"fanout.toml:2:8: [workspace] base: expected a string, got 3"});
  }
  SECTION("boolean") {
    repo.repo_toml("[run]\napprove_plan = \"yes\"\n");
    CHECK(repo.errors() == Errors{"fanout.toml:2:16: [run] approve_plan: expected true or false, got \"yes\""});
  }
  SECTION("number") {
    repo.repo_toml("[run]\nmax_cost_usd = \"ten\"\n");
    CHECK(repo.errors() == Errors{"fanout.toml:2:16: [run] max_cost_usd: expected a number, got \"ten\""});
  }
  SECTION("array of strings") {
    repo.repo_toml("[workspace]\nreuse = [\"node_modules\", 3]\n");
    CHECK(repo.errors() ==
          Errors{"fanout.toml:2:9: [workspace] reuse: expected an array of strings, got [\"node_modules\", 3]"});
  }
  SECTION("table of strings") {
    repo.repo_toml("[agent]\nmodels = \"opus\"\n");
    CHECK(repo.errors() == Errors{"fanout.toml:2:10: [agent] models: expected a table of strings, got \"opus\""});
  }
}

TEST_CASE("config errors: bad durations", "[config]") {
  ConfigRepo repo;
  SECTION("words") {
    repo.repo_toml("[run]\ntimeout = \"45 minutes\"\n");
    CHECK(repo.errors() == Errors{"fanout.toml:2:11: [run] timeout: expected a duration like \"90s\", \"45m\", "
                                  "\"2h\" or integer seconds, got \"45 minutes\""});
  }
  SECTION("unknown unit") {
    repo.repo_toml("[run]\nplan_timeout = \"3w\"\n");
    CHECK(repo.errors() == Errors{"fanout.toml:2:16: [run] plan_timeout: expected a duration like \"90s\", \"45m\", "
                                  "\"2h\" or integer seconds, got \"3w\""});
  }
  SECTION("negative seconds") {
    repo.repo_toml("[run]\ntimeout = -5\n");
    CHECK(repo.errors() == Errors{"fanout.toml:2:11: [run] timeout: expected a duration like \"90s\", \"45m\", "
                                  "\"2h\" or integer seconds, got -5"});
  }
}

TEST_CASE("config errors: unknown keys and sections suggest the closest", "[config]") {
  ConfigRepo repo;
  SECTION("unknown key") {
    repo.repo_toml("[run]\nparalel = 3\n");
    CHECK(repo.errors() == Errors{"fanout.toml:2:1: [run] paralel: unknown key (did you mean \"parallel\"?)"});
  }
  SECTION("unknown key with nothing close") {
    repo.repo_toml("[ports]\nzzzzzz = 3\n");
    CHECK(repo.errors() == Errors{"fanout.toml:2:1: [ports] zzzzzz: unknown key"});
  }
  SECTION("unknown section") {
    repo.repo_toml("[rn]\nparallel = 3\n");
    CHECK(repo.errors() == Errors{"fanout.toml:1:2: [rn]: unknown section (did you mean \"run\"?)"});
  }
  SECTION("a key outside its section") {
    repo.repo_toml("parallel = 3\n");
    CHECK(repo.errors() == Errors{"fanout.toml:1:1: parallel: unknown top-level key (it belongs in [run])"});
  }
  SECTION("a value where a section belongs") {
    repo.repo_toml("run = 5\n");
    CHECK(repo.errors() == Errors{"fanout.toml:1:1: [run]: expected a table, got 5"});
  }
  SECTION("[review] written as a single table") {
    repo.repo_toml("[review]\nplugin = \"diff-rules\"\n");
    CHECK(repo.errors() == Errors{"fanout.toml:1:2: [[review]]: expected [[review]] tables, one per reviewer"});
  }
  SECTION("an unknown model stage") {
    repo.repo_toml("[agent]\nmodels = { biuld = \"sonnet\" }\n");
    CHECK(repo.errors() == Errors{"fanout.toml:2:10: [agent] models: unknown stage \"biuld\" (did you mean "
                                  "\"build\"?); stages are plan, build, review, heal"});
  }
}

TEST_CASE("config errors: values out of range", "[config]") {
  ConfigRepo repo;
  SECTION("negative fix rounds") {
    repo.repo_toml("[run]\nfix_rounds = -1\n");
    CHECK(repo.errors() == Errors{"fanout.toml:2:14: [run] fix_rounds: expected a non-negative integer, got -1"});
  }
  SECTION("ports past 65535") {
    repo.repo_toml("[ports]\nbase = 65000\nspan = 1000\n");
    CHECK(repo.errors() == Errors{"fanout.toml:3:8: [ports] span: the port range ends at 65999, past 65535"});
  }
  SECTION("a span smaller than the default port block") {
    repo.repo_toml("[ports]\nspan = 5\n");
    CHECK(repo.errors() == Errors{"fanout.toml:2:8: [ports] span: smaller than [ports] per_workspace (10)"});
  }
  SECTION("a port block larger than the span") {
    repo.repo_toml("[ports]\nspan = 20\nper_workspace = 30\n");
    CHECK(repo.errors() == Errors{"fanout.toml:3:17: [ports] per_workspace: larger than [ports] span (20)"});
  }
}

TEST_CASE("config errors: [[review]] without a plugin", "[config]") {
  ConfigRepo repo;
  repo.repo_toml("[[review]]\nprompt = \"x\"\n");
  CHECK(repo.errors() == Errors{"fanout.toml:1:1: [[review]]: missing key \"plugin\" (the reviewer plugin to run)"});
}

TEST_CASE("config errors: every error is reported, not just the first", "[config]") {
  ConfigRepo repo;
  repo.repo_toml("[run]\nparallel = \"five\"\nparalel = 3\n\n[ports]\nbase = \"x\"\n\n[rn]\n");
  CHECK(repo.errors() == Errors{
                             "fanout.toml:2:12: [run] parallel: expected a positive integer, got \"five\"",
                             "fanout.toml:3:1: [run] paralel: unknown key (did you mean \"parallel\"?)",
                             "fanout.toml:6:8: [ports] base: expected a positive integer, got \"x\"",
                             "fanout.toml:8:2: [rn]: unknown section (did you mean \"run\"?)",
                         });
}

TEST_CASE("config errors: the user config's errors name its path", "[config]") {
  ConfigRepo repo;
  repo.user_toml("[run]\nparallel = true\n");
  CHECK(repo.errors() ==
        Errors{repo.user_config().string() + ":2:12: [run] parallel: expected a positive integer, got true"});
}
