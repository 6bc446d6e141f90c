#include "host/util/suggest.hpp"

#include <catch2/catch.hpp>

using fanout::util::closest;
using fanout::util::did_you_mean;

TEST_CASE("suggest: a transposition is one edit", "[util]") {
  CHECK(fanout::util::edit_distance("jria", "jira") == 1);
  CHECK(did_you_mean("jria", {"github", "jira", "linear", "local"}) == " (did you mean \"jira\"?)");
}

TEST_CASE("suggest: nothing close gives no suggestion", "[util]") {
  CHECK_FALSE(closest("zzzzzz", {"github", "jira"}).has_value());
  CHECK(did_you_mean("zzzzzz", {"github", "jira"}).empty());
}

TEST_CASE("suggest: a unique prefix is suggested", "[util]") {
  CHECK(closest("paral", {"parallel", "fix_rounds"}) == std::optional<std::string>("parallel"));
}
