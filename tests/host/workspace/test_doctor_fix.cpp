// The clean command that doctor prints for a failed workspace works as printed, also when
// the workspace holds uncommitted work (a setup command that wrote a file).
#include "host/workspace/uncommitted.hpp"
#include "host/workspace/workspace_manager.hpp"
#include "tests/host/workspace/workspace_helpers.hpp"

#include <catch2/catch.hpp>

#include <sstream>

using namespace fanout;
using namespace fanout::test;
namespace fs = std::filesystem;

namespace {

/// The command after "(or: " in the first "  fix: " line of doctor's output, without the
/// leading "fanout ": "clean 7 --force".
std::string clean_fix_of(const std::string& doctor_out) {
  std::istringstream lines(doctor_out);
  for (std::string line; std::getline(lines, line);) {
    const auto start = line.find("(or: fanout ");
    if (line.rfind("  fix: ", 0) != 0 || start == std::string::npos || line.back() != ')') continue;
    return line.substr(start + 12, line.size() - 1 - (start + 12));
  }
  return "";
}

} // namespace

TEST_CASE("workspace uncommitted: described by count and the first three paths", "[workspace][clean]") {
  using workspace::describe_uncommitted;
  CHECK(describe_uncommitted({"wip.txt"}) == "1 uncommitted change, e.g. wip.txt");
  CHECK(describe_uncommitted({"build.out", "src/a.ts"}) == "2 uncommitted changes, e.g. build.out, src/a.ts");
  CHECK(describe_uncommitted({"a", "b", "c", "d", "e"}) == "5 uncommitted changes, e.g. a, b, c");
}

TEST_CASE("fanout doctor: the clean command it prints for a failed workspace removes it", "[workspace][doctor][cli]") {
  TempRepo repo({{"README.md", "hello\n"}, {"src/a.ts", "export {};\n"}});
  std::string problem_tail, expected_fix;
  SECTION("with uncommitted work: --force, saying what it deletes") {
    write_cli_config(repo, "\n[workspace]\nsetup = [\"echo built > build.out && echo '// more' >> src/a.ts\", "
                           "\"exit 3\"]\n");
    REQUIRE(fanout_cli(repo, "-q up 7").rc == 1);
    const auto kept = fanout_cli(repo, "clean 7");
    CHECK(kept.rc == 1);
    CHECK(kept.out ==
          "7: kept .fanout/worktrees/7: 2 uncommitted changes, e.g. src/a.ts, build.out (use --force to delete)\n");
    problem_tail = "; its worktree has 2 uncommitted changes, e.g. src/a.ts, build.out";
    expected_fix = "clean 7 --force";
  }
  SECTION("without: plain clean") {
    write_cli_config(repo, "\n[workspace]\nsetup = [\"exit 3\"]\n");
    REQUIRE(fanout_cli(repo, "-q up 7").rc == 1);
    expected_fix = "clean 7";
  }

  const auto doctor = fanout_cli(repo, "doctor");
  INFO(doctor.out);
  CHECK(doctor.rc == 1);
  CHECK(doctor.out == "workspace \"7\" failed: setup command \"exit 3\" exited with code 3 (log: "
                      ".fanout/workspaces/7/setup.log)" + problem_tail + "\n"
                      "  fix: fanout up 7  (or: fanout " + expected_fix + ")\n"
                      "1 problem\n");
  const std::string fix = clean_fix_of(doctor.out);
  REQUIRE(fix == expected_fix);

  const auto clean = fanout_cli(repo, fix);
  INFO(clean.out);
  CHECK(clean.rc == 0);
  CHECK_FALSE(fs::exists(repo.root() / ".fanout/worktrees/7"));
  CHECK(repo.git("worktree list --porcelain").find(".fanout") == std::string::npos);
  CHECK(repo.git("branch --list 'fanout/*'") == "");
  CHECK(fanout_cli(repo, "ls").out == "no workspaces (make one with \"fanout up ISSUE\")\n");
  CHECK(fanout_cli(repo, "doctor").out == "nothing to fix\n");
}
