#include "host/config/trust_edit.hpp"
#include "host/util/error.hpp"

#include <catch2/catch.hpp>

using fanout::config::add_trusted_repo;

TEST_CASE("trust edit: adds [trust] to a file without one, keeping the rest", "[config][trust]") {
  CHECK(add_trusted_repo("", "/r", "u.toml") == "[trust]\nrepos = [\"/r\"]\n");
  CHECK(add_trusted_repo("# mine\n[run]\nparallel = 2", "/r", "u.toml") ==
        "# mine\n[run]\nparallel = 2\n\n[trust]\nrepos = [\"/r\"]\n");
}

TEST_CASE("trust edit: appends to an existing repos array", "[config][trust]") {
  CHECK(add_trusted_repo("[trust]\nrepos = [\"/a\"] # note\n", "/r", "u.toml") ==
        "[trust]\nrepos = [\"/a\", \"/r\"] # note\n");
  CHECK(add_trusted_repo("[trust]\nrepos = []\n", "/r", "u.toml") == "[trust]\nrepos = [\"/r\"]\n");
  CHECK(add_trusted_repo("[trust]\nrepos = [\n  \"/a\",\n  \"/b]\",\n]\n", "/r", "u.toml") ==
        "[trust]\nrepos = [\n  \"/a\",\n  \"/b]\", \"/r\"]\n");
}

TEST_CASE("trust edit: adds repos to a [trust] table without it", "[config][trust]") {
  CHECK(add_trusted_repo("[trust]\n\n[run]\nparallel = 1\n", "/r", "u.toml") ==
        "[trust]\nrepos = [\"/r\"]\n\n[run]\nparallel = 1\n");
}

TEST_CASE("trust edit: a repo already listed leaves the file alone", "[config][trust]") {
  const std::string text = "[trust]\nrepos = [\"/r/\"]\n";
  CHECK(add_trusted_repo(text, "/r", "u.toml") == text);
}

TEST_CASE("trust edit: a file that does not parse is an error with its position", "[config][trust]") {
  CHECK_THROWS_WITH(add_trusted_repo("[trust\n", "/r", "u.toml"),
                    Catch::Matchers::StartsWith("u.toml:1:"));
}
