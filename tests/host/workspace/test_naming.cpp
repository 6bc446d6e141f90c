#include "host/util/error.hpp"
#include "host/workspace/naming.hpp"
#include "tests/host/workspace/workspace_helpers.hpp"

#include <catch2/catch.hpp>

#include <regex>
#include <set>

using namespace fanout::workspace;

namespace {
/// What `git check-ref-format` says about a full ref name.
bool git_accepts_branch(const std::string& branch) {
  return fanout::test::sh("git check-ref-format 'refs/heads/" + branch + "'").rc == 0;
}
} // namespace

TEST_CASE("workspace names: slugs fold accents and keep only [a-z0-9-]", "[workspace]") {
  CHECK(slugify("Add a health check") == "add-a-health-check");
  CHECK(slugify("Crème brûlée ÆON Straße") == "creme-brulee-aeon-strasse");
  CHECK(slugify("Łódź żółć") == "lodz-zolc");
  CHECK(slugify("fix 🚀 rocket") == "fix-rocket");
  CHECK(slugify("🚀🚀") == "issue");
  CHECK(slugify("") == "issue");
  CHECK(slugify("---") == "issue");
  CHECK(slugify("a\nb") == "a-b");
  CHECK(slugify("con.lock") == "con-lock");
  CHECK(slugify("@{") == "issue");
  CHECK(slugify("HEAD") == "head");
  CHECK(slugify("../../etc/passwd") == "etc-passwd");
  CHECK(slugify(std::string(500, 'x')).size() == k_max_slug);
  CHECK(slugify(std::string(39, 'x') + " yz") == std::string(39, 'x')); // no trailing dash
  CHECK(slugify("\xff\xfe broken utf8 \xc3") == "broken-utf8");
}

TEST_CASE("workspace names: hostile keys and titles give valid, distinct branch names", "[workspace]") {
  const std::vector<std::string> hostile = {"../../etc/passwd", "a\nb", "🚀", std::string(60, 'k'), "con.lock",
                                            "@{", "HEAD", "-rf", ".hidden", "a..b", "x/y", "a b", "ENG-123",
                                            "eng-123", "a_b", "a.b", "foo.lock", "~1", "a^", "a:b", "*", "?[\\"};
  std::set<std::string> branches, dirs, composes, databases;
  for (const auto& key : hostile) {
    for (const auto& title : hostile) {
      const std::string branch = branch_name(key, title);
      INFO("key " << key << " title " << title << " -> " << branch);
      CHECK(git_accepts_branch(branch));
      CHECK(branch.find("..") == std::string::npos);
      CHECK(!branch.ends_with(".lock"));
      CHECK(branch.size() <= 7 + k_max_key + 1 + k_max_slug);
    }
    const std::string dir = directory_name(key);
    CHECK(std::regex_match(dir, std::regex("[A-Za-z0-9_][A-Za-z0-9_-]*")));
    CHECK(std::regex_match(compose_project("/repo/My App", key), std::regex("[a-z][a-z0-9_-]{0,62}")));
    CHECK(std::regex_match(database_branch(key), std::regex("[a-z][a-z0-9_]{0,47}")));
    branches.insert(branch_name(key, "same title"));
    dirs.insert(dir);
    composes.insert(compose_project("/repo", key));
    databases.insert(database_branch(key));
  }
  CHECK(branches.size() == hostile.size());
  CHECK(dirs.size() == hostile.size());
  CHECK(composes.size() == hostile.size());
  CHECK(databases.size() == hostile.size());
  CHECK(directory_name("../../etc/passwd") == "_2e_2e_2f_2e_2e_2fetc_2fpasswd");
  CHECK(directory_name("ENG-123") == "ENG-123");
  CHECK(branch_name("7", "Add login") == "fanout/7-add-login");
}

TEST_CASE("workspace names: empty and oversized keys are refused", "[workspace]") {
  SECTION("empty") {
    REQUIRE_FALSE(check_key("").ok());
    CHECK(check_key("").failure().message == "issue key is empty");
    CHECK(safe_key("") == "_"); // still a name inside its folder, never the folder itself
  }
  SECTION("too long") {
    const auto checked = check_key(std::string(65, 'k'));
    REQUIRE_FALSE(checked.ok());
    CHECK(checked.failure().message ==
          "issue key \"" + std::string(40, 'k') + "...\" is too long (at most 64 characters once encoded)");
  }
  SECTION("the longest key is accepted") { CHECK(check_key(std::string(64, 'k')).ok()); }
}

TEST_CASE("workspace names: hashes are stable", "[workspace]") {
  CHECK(fnv1a("") == 0xcbf29ce484222325ULL);
  CHECK(fnv1a("a") == 0xaf63dc4c8601ec8cULL);
  CHECK(short_hash("a") == "8601ec8c");
}

TEST_CASE("workspace names: a key's branches are told apart from longer keys'", "[workspace]") {
  CHECK(may_be_branch_of(branch_name("1", "Work"), "1"));
  CHECK(may_be_branch_of(with_key_hash(branch_name("1", "Work"), "1"), "1"));
  CHECK(may_be_branch_of("fanout/1", "1"));
  CHECK_FALSE(may_be_branch_of(branch_name("12", "Work"), "1"));
  CHECK_FALSE(may_be_branch_of("fanout/1", "12"));
  CHECK_FALSE(may_be_branch_of("feature/1-work", "1"));
  CHECK(may_be_branch_of(branch_name("../x", "Work"), "../x"));
  CHECK_FALSE(may_be_branch_of(branch_name("../x", "Work"), ".."));
  CHECK(may_be_branch_of(branch_name("1-2", "Work"), "1")); // the name alone is ambiguous: owners decide
}
